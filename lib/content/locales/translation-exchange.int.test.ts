import { describe, expect, it } from "vitest";
import { GET as keyExport, PUT as keyImport } from "@/app/api/v1/templates/[id]/translations/route";
import {
  GET as sessionExport,
  PUT as sessionImport,
} from "@/app/api/workspaces/[slug]/templates/[id]/translations/route";
import { createApiKey } from "../../api-keys/api-keys";
import { db } from "../../db/client";
import { createTemplate } from "../../messaging/templates/create-template";
import { getTemplate } from "../../messaging/templates/read-templates";
import { callRoute } from "../../testing/call-route";
import { contextOf, createWorkspaceWithTeam, sessionCookie } from "../../testing/factories";
import { sourceHash } from "./translations";

const HTML =
  '<p>Hi {{ profile.traits.first_name }}, <a href="https://shop.example/{{ profile.userId }}?a=1&amp;b=2">shop</a></p>';
const CONTENT = { subject: "Hello {{ profile.traits.first_name }}", html: HTML };

async function workspace() {
  const team = await createWorkspaceWithTeam("Languages");
  await db().workspace.update({ where: { id: team.id }, data: { contentLocales: ["de", "fr"] } });
  const owner = await contextOf(team, "OWNER");
  const template = await createTemplate(owner, { name: "Welcome mail", channel: "email", content: CONTENT });
  const key = await createApiKey(owner, { name: "Translations", scope: "FULL" });
  return {
    team,
    owner,
    template,
    editor: await sessionCookie(team.members.EDITOR),
    auth: { authorization: `Bearer ${key.secret}` },
  };
}

describe("translations export and import", () => {
  it("exports XLIFF, imports the translated file as the next version, and the Liquid is kept exactly", async () => {
    const w = await workspace();
    const exported = await callRoute(sessionExport, {
      cookie: w.editor,
      params: { slug: w.team.slug, id: w.template.id },
      path: `/api/workspaces/${w.team.slug}/templates/${w.template.id}/translations?locale=de&format=xliff`,
    });
    expect(exported.status).toBe(200);
    expect(exported.headers.get("content-type")).toMatch(/^application\/xliff\+xml/);
    expect(exported.headers.get("content-disposition")).toBe('attachment; filename="Welcome-mail.de.xlf"');
    const xml = exported.body as string;
    expect(xml).toContain(`<file id="${w.template.id}@${sourceHash("email", CONTENT)}">`);
    expect(xml).toContain('&lt;a href="https://shop.example/{{ profile.userId }}?a=1&amp;amp;b=2"&gt;');

    // the translator fills in the targets
    const germanHtml = HTML.replace("Hi", "Hallo").replace("shop<", "Laden<");
    const translated = xml
      .replace(
        /(<unit id="subject">[\s\S]*?<target xml:space="preserve">)(<\/target>)/,
        "$1Hallo {{ profile.traits.first_name }}$2",
      )
      .replace(
        /(<unit id="html">[\s\S]*?<target xml:space="preserve">)(<\/target>)/,
        `$1${germanHtml.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")}$2`,
      );
    const imported = await callRoute(keyImport, {
      method: "PUT",
      headers: { ...w.auth, "content-type": "application/xliff+xml" },
      params: { id: w.template.id },
      path: `/api/v1/templates/${w.template.id}/translations?locale=de`,
      rawBody: translated,
    });
    expect(imported.status).toBe(200);
    expect(imported.body.currentVersion).toBe(2);
    const saved = await getTemplate(w.owner, w.template.id);
    expect((saved.content as unknown as { translations: unknown }).translations).toEqual({
      de: {
        fields: { subject: "Hallo {{ profile.traits.first_name }}", html: germanHtml },
        sourceHash: sourceHash("email", CONTENT),
        updatedAt: expect.any(String),
      },
    });
    // the default fields are untouched
    expect(saved.content).toMatchObject(CONTENT);

    // and the export now carries the translation as the target (JSON this time)
    const again = await callRoute(keyExport, {
      headers: w.auth,
      params: { id: w.template.id },
      path: `/api/v1/templates/${w.template.id}/translations?locale=de&format=json`,
    });
    expect(again.body.units.html).toEqual({ source: HTML, target: germanHtml });
  });

  it("an import with any problem is a 422 naming the unit and stores nothing", async () => {
    const w = await workspace();
    const put = (body: unknown, locale = "de") =>
      callRoute(keyImport, {
        method: "PUT",
        headers: w.auth,
        params: { id: w.template.id },
        path: `/api/v1/templates/${w.template.id}/translations?locale=${locale}`,
        rawBody: JSON.stringify(body),
      });
    const broken = await put({
      targetLocale: "de",
      units: {
        subject: { target: "Hallo profile.traits.first_name }}" },
        html: { target: "<p>Hallo {{ profile.traits.first_name | default: “du” }}</p>" },
        footer: { target: "x" },
      },
    });
    expect(broken.status).toBe(422);
    expect(broken.body.error.fields.map((f: { path: string }) => f.path)).toEqual([
      "units.subject",
      "units.html",
      "units.footer",
    ]);
    const wrongLocale = await put({
      targetLocale: "fr",
      units: { subject: "Bonjour {{ profile.traits.first_name }}" },
    });
    expect(wrongLocale.body.error.fields).toEqual([
      { path: "targetLocale", message: "is fr, but the import is for de" },
    ]);
    const badQuery = await put({ targetLocale: "de", units: {} }, "!!");
    expect(badQuery.status).toBe(422);
    expect((await getTemplate(w.owner, w.template.id)).currentVersion).toBe(1);
  });

  it("another workspace's template is a 404 both ways", async () => {
    const w = await workspace();
    const other = await workspace();
    const exported = await callRoute(keyExport, {
      headers: other.auth,
      params: { id: w.template.id },
      path: `/api/v1/templates/${w.template.id}/translations?locale=de`,
    });
    expect(exported.status).toBe(404);
    const imported = await callRoute(sessionImport, {
      method: "PUT",
      cookie: other.editor,
      params: { slug: other.team.slug, id: w.template.id },
      path: `/api/workspaces/${other.team.slug}/templates/${w.template.id}/translations`,
      rawBody: JSON.stringify({ targetLocale: "de", units: { subject: "Hallo" } }),
    });
    expect(imported.status).toBe(404);
    expect((await getTemplate(w.owner, w.template.id)).currentVersion).toBe(1);
  });
});
