import { describe, expect, it } from "vitest";
import { GET as v1GetRoute, PUT as v1PutRoute } from "@/app/api/v1/templates/[id]/route";
import { GET as v1ListRoute, POST as v1CreateRoute } from "@/app/api/v1/templates/route";
import { POST as archiveRoute } from "@/app/api/workspaces/[slug]/templates/[id]/archive/route";
import { POST as restoreRoute } from "@/app/api/workspaces/[slug]/templates/[id]/restore/route";
import {
  GET as getRoute,
  PATCH as renameRoute,
  PUT as saveRoute,
} from "@/app/api/workspaces/[slug]/templates/[id]/route";
import { GET as profilesRoute, POST as previewRoute } from "@/app/api/workspaces/[slug]/templates/preview/route";
import { GET as listRoute, POST as createRoute } from "@/app/api/workspaces/[slug]/templates/route";
import { db } from "@/lib/db/client";
import { callRoute } from "@/lib/testing/call-route";
import { createWorkspaceWithTeam, sessionCookie } from "@/lib/testing/factories";
import { ingestFixture } from "@/lib/testing/ingest-helpers";

const IN_APP = {
  title: "Hi {{ profile.traits.first_name }}",
  body: "Your plan: {{ profile.traits.plan }}",
  cta: { label: "Open", url: "https://example.com/app" },
};

describe("templates over the public API (full key)", () => {
  it("create v1, list, read, PUT v2; a write key is refused; bad input names every field and stores nothing", async () => {
    const { team, bearer } = await ingestFixture("FULL");
    const created = await callRoute(v1CreateRoute, {
      method: "POST",
      headers: bearer,
      body: { name: "Welcome banner", channel: "in_app", content: IN_APP },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: "Welcome banner",
      channel: "in_app",
      currentVersion: 1,
      content: IN_APP,
      archived: false,
    });
    const id = created.body.id;

    const v2 = await callRoute(v1PutRoute, {
      method: "PUT",
      headers: bearer,
      params: { id },
      body: { content: { ...IN_APP, cta: undefined } },
    });
    expect(v2.status).toBe(200);
    expect(v2.body.versions.map((v: { version: number; createdBy: string }) => [v.version, v.createdBy])).toEqual([
      [2, 'API key "Website"'],
      [1, 'API key "Website"'],
    ]);
    expect((await callRoute(v1GetRoute, { headers: bearer, params: { id } })).body).toMatchObject({
      currentVersion: 2,
      content: { title: IN_APP.title, body: IN_APP.body },
    });
    expect(
      (await callRoute(v1ListRoute, { path: "/api/v1/templates?channel=in_app", headers: bearer })).body.templates.map(
        (t: { id: string }) => t.id,
      ),
    ).toEqual([id]);
    expect(
      (await callRoute(v1ListRoute, { path: "/api/v1/templates?channel=sms", headers: bearer })).body.templates,
    ).toEqual([]);
    expect((await callRoute(v1ListRoute, { path: "/api/v1/templates?channel=fax", headers: bearer })).status).toBe(422);

    const bad = await callRoute(v1PutRoute, {
      method: "PUT",
      headers: bearer,
      params: { id },
      body: { content: { title: "{% if %}", body: "{{ x | nope }}", cta: { label: "", url: "ftp:" } } },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual([
      "content.body",
      "content.cta.label",
      "content.cta.url",
      "content.title",
    ]);
    expect(bad.body.error.fields.find((f: { path: string }) => f.path === "content.body").message).toBe(
      "Liquid error: undefined filter: nope, line:1, col:1",
    );
    const badCreate = await callRoute(v1CreateRoute, {
      method: "POST",
      headers: bearer,
      body: { name: " ", channel: "email", content: { subject: "{{", html: "" }, owner: "me" },
    });
    expect(badCreate.status).toBe(422);
    expect(badCreate.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(["", "name"]);
    const badContent = await callRoute(v1CreateRoute, {
      method: "POST",
      headers: bearer,
      body: { name: "E", channel: "email", content: { subject: "{{", html: "" } },
    });
    expect(badContent.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual([
      "content.html",
      "content.subject",
    ]);
    const badPartial = await callRoute(v1PutRoute, {
      method: "PUT",
      headers: bearer,
      params: { id },
      body: { content: { ...IN_APP, body: "{% render 'nope' %}" } },
    });
    expect(badPartial.status).toBe(422);
    expect(badPartial.body.error.fields).toEqual([
      { path: "content.body", message: "uses the partial 'nope', which does not exist" },
    ]);
    expect(await db().messageTemplate.count({ where: { workspaceId: team.id } })).toBe(1);
    expect(await db().messageTemplateVersion.count({ where: { templateId: id } })).toBe(2);
    // a required variable the sample profile lacks: saved, with a warning
    const warned = await callRoute(v1PutRoute, {
      method: "PUT",
      headers: bearer,
      params: { id },
      body: { content: { ...IN_APP, body: "{{ profile.traits.coupon | required }}" } },
    });
    expect(warned.status).toBe(200);
    expect(warned.body).toMatchObject({
      currentVersion: 3,
      warnings: [
        {
          path: "content.body",
          message: expect.stringMatching(/^requires profile\.traits\.coupon, which the sample profile lacks/),
        },
      ],
    });

    const write = await ingestFixture("WRITE");
    expect(
      (await callRoute(v1CreateRoute, { method: "POST", headers: write.bearer, body: { name: "x", channel: "sms" } }))
        .status,
    ).toBe(403);
    expect((await callRoute(v1GetRoute, { headers: write.bearer, params: { id } })).status).toBe(403);
    const otherFull = await ingestFixture("FULL");
    expect((await callRoute(v1GetRoute, { headers: otherFull.bearer, params: { id } })).status).toBe(404);
    expect((await callRoute(v1ListRoute, {})).status).toBe(401);
  });
});

describe("templates in the app (session)", () => {
  it("editors write, viewers read and preview, outsiders get 404", async () => {
    const team = await createWorkspaceWithTeam();
    const editor = await sessionCookie(team.members.EDITOR);
    const viewer = await sessionCookie(team.members.VIEWER);
    const slug = team.slug;

    const created = await callRoute(createRoute, {
      method: "POST",
      cookie: editor,
      params: { slug },
      body: { name: "Receipt", channel: "sms" },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const saved = await callRoute(saveRoute, {
      method: "PUT",
      cookie: editor,
      params: { slug, id },
      body: { content: { body: "Thanks {{ profile.traits.first_name }}" } },
    });
    expect(saved.body).toMatchObject({
      currentVersion: 1,
      content: { body: "Thanks {{ profile.traits.first_name }}" },
    });
    expect(
      (
        await callRoute(renameRoute, {
          method: "PATCH",
          cookie: editor,
          params: { slug, id },
          body: { name: "SMS receipt" },
        })
      ).body.name,
    ).toBe("SMS receipt");

    expect(
      (await callRoute(listRoute, { cookie: viewer, params: { slug }, path: "/x?q=receipt" })).body.templates.map(
        (t: { name: string }) => t.name,
      ),
    ).toEqual(["SMS receipt"]);
    expect((await callRoute(getRoute, { cookie: viewer, params: { slug, id } })).body.versions).toHaveLength(1);
    expect(
      (
        await callRoute(createRoute, {
          method: "POST",
          cookie: viewer,
          params: { slug },
          body: { name: "x", channel: "sms" },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await callRoute(saveRoute, {
          method: "PUT",
          cookie: viewer,
          params: { slug, id },
          body: { content: { body: "x" } },
        })
      ).status,
    ).toBe(403);
    expect(
      (await callRoute(renameRoute, { method: "PATCH", cookie: viewer, params: { slug, id }, body: { name: "x" } }))
        .status,
    ).toBe(403);
    expect((await callRoute(archiveRoute, { method: "POST", cookie: viewer, params: { slug, id } })).status).toBe(403);

    const preview = await callRoute(previewRoute, {
      method: "POST",
      cookie: viewer,
      params: { slug },
      body: { channel: "sms", content: { body: "Hi {{ profile.traits.first_name }} {{ profile.traits.vip }}" } },
    });
    expect(preview.status).toBe(200);
    expect(preview.body).toEqual({
      profile: { id: null, label: "Sample profile", sample: true },
      fields: { body: "Hi Ada " },
      missingVariables: ["profile.traits.vip"],
      errors: [],
    });
    const badPreview = await callRoute(previewRoute, {
      method: "POST",
      cookie: viewer,
      params: { slug },
      body: { channel: "carrier pigeon", content: "x" },
    });
    expect(badPreview.status).toBe(422);
    expect(badPreview.body.error.fields.map((f: { path: string }) => f.path)).toEqual(["channel", "content"]);
    expect((await callRoute(profilesRoute, { cookie: viewer, params: { slug }, path: "/x?q=nobody" })).body).toEqual({
      profiles: [],
    });

    expect(
      (await callRoute(archiveRoute, { method: "POST", cookie: editor, params: { slug, id } })).body.archived,
    ).toBe(true);
    expect(
      (
        await callRoute(saveRoute, {
          method: "PUT",
          cookie: editor,
          params: { slug, id },
          body: { content: { body: "x" } },
        })
      ).status,
    ).toBe(409);
    expect(
      (await callRoute(restoreRoute, { method: "POST", cookie: editor, params: { slug, id } })).body.archived,
    ).toBe(false);

    const other = await createWorkspaceWithTeam();
    const outsider = await sessionCookie(other.members.OWNER);
    expect((await callRoute(getRoute, { cookie: outsider, params: { slug, id } })).status).toBe(404);
    expect((await callRoute(getRoute, { cookie: outsider, params: { slug: other.slug, id } })).status).toBe(404);
    expect(
      (
        await callRoute(saveRoute, {
          method: "PUT",
          cookie: outsider,
          params: { slug: other.slug, id },
          body: { content: { body: "x" } },
        })
      ).status,
    ).toBe(404);
  });
});
