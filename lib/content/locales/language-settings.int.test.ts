import { describe, expect, it } from "vitest";
import { PATCH } from "@/app/api/workspaces/[slug]/language-settings/route";
import { db } from "../../db/client";
import { callRoute } from "../../testing/call-route";
import { contextOf, createWorkspaceWithTeam, sessionCookie } from "../../testing/factories";
import { getLanguageSettings, saveLanguageSettings } from "./language-settings";
import { rejection } from "../../testing/rejection";

describe("Settings → Languages", () => {
  it("an admin sets the default and the other languages, stored canonical and audited", async () => {
    const team = await createWorkspaceWithTeam();
    const admin = await contextOf(team, "ADMIN");
    expect(await getLanguageSettings(admin)).toEqual({ defaultLocale: "en", contentLocales: [] });
    const saved = await saveLanguageSettings(admin, {
      defaultLocale: "EN-us",
      contentLocales: ["de", "pt_br", "en-US"],
    });
    // the default is not also an "other" language
    expect(saved).toEqual({ defaultLocale: "en-US", contentLocales: ["de", "pt-BR"] });
    expect(await getLanguageSettings(await contextOf(team, "VIEWER"))).toEqual(saved);
    const audit = await db().auditLog.findFirstOrThrow({
      where: { workspaceId: team.id, action: "workspace.languages_changed" },
    });
    expect(audit.summary).toBe("Changed the default language from en to en-US and the other languages to de, pt-BR");
  });

  it("bad input is a 422 naming the entry, and nothing changes; editors may not change languages", async () => {
    const team = await createWorkspaceWithTeam();
    const admin = await contextOf(team, "ADMIN");
    await saveLanguageSettings(admin, { contentLocales: ["de"] });
    const bad = await rejection(
      saveLanguageSettings(admin, { defaultLocale: "??", contentLocales: ["fr", "klingon!", "fr"] }),
    );
    expect(bad.code).toBe("validation");
    expect(bad.fields.map((f) => f.path).sort()).toEqual(["contentLocales.1", "defaultLocale"]);
    const tooMany = await rejection(
      saveLanguageSettings(admin, { contentLocales: Array.from({ length: 31 }, (_, i) => `x-l${i}`) }),
    );
    expect(tooMany.fields[0]).toMatchObject({ path: "contentLocales", message: "At most 30 languages" });
    expect(await getLanguageSettings(admin)).toEqual({ defaultLocale: "en", contentLocales: ["de"] });

    const editor = await callRoute(PATCH, {
      method: "PATCH",
      cookie: await sessionCookie(team.members.EDITOR),
      params: { slug: team.slug },
      body: { contentLocales: ["ko"] },
    });
    expect(editor.status).toBe(403);
    const ok = await callRoute(PATCH, {
      method: "PATCH",
      cookie: await sessionCookie(team.members.OWNER),
      params: { slug: team.slug },
      body: { contentLocales: ["ko", "de"] },
    });
    expect(ok.body).toEqual({ defaultLocale: "en", contentLocales: ["ko", "de"] });
    // another workspace's members cannot reach it
    const other = await createWorkspaceWithTeam();
    const foreign = await callRoute(PATCH, {
      method: "PATCH",
      cookie: await sessionCookie(other.members.OWNER),
      params: { slug: team.slug },
      body: { contentLocales: [] },
    });
    expect(foreign.status).toBe(404);
  });
});
