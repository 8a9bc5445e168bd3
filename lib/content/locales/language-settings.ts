import { writeWorkspaceSettings } from "../../workspaces/write-workspace-settings";
import "server-only";
import type { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../../auth/context";
import { db } from "../../db/client";
import { parseInput } from "../../errors";
import { ZLanguageSettings } from "./language-schemas";
import { asLocaleList, forgetWorkspaceLocales, type WorkspaceLocales } from "./workspace-locales";

/**
 * Settings → Languages: the workspace's default locale (what its templates' own fields are written in, the end of
 * every fallback chain) and the other locales it writes in (the editor's tabs, the imports it accepts). Admins and
 * owners change them; audited. Changing the default does not touch any template: a template written in English
 * under a new default of German would send its English fields to Germans, so the page says so.
 */

export async function getLanguageSettings(ctx: WorkspaceContext): Promise<WorkspaceLocales> {
  requirePermission(ctx, "workspace:read");
  const row = await db().workspace.findUniqueOrThrow({
    where: { id: ctx.workspace.id },
    select: { defaultLocale: true, contentLocales: true },
  });
  return { defaultLocale: row.defaultLocale || "en", contentLocales: asLocaleList(row.contentLocales) };
}

export async function saveLanguageSettings(
  ctx: WorkspaceContext,
  input: z.input<typeof ZLanguageSettings>,
): Promise<WorkspaceLocales> {
  requirePermission(ctx, "settings:manage");
  const changes = parseInput(ZLanguageSettings, input);
  const before = await getLanguageSettings(ctx);
  const defaultLocale = changes.defaultLocale ?? before.defaultLocale;
  // the default is never also one of the "other" locales
  const contentLocales = (changes.contentLocales ?? before.contentLocales).filter((l) => l !== defaultLocale);
  const after = { defaultLocale, contentLocales };
  const said = [
    defaultLocale !== before.defaultLocale
      ? `the default language from ${before.defaultLocale} to ${defaultLocale}`
      : null,
    contentLocales.join(",") !== before.contentLocales.join(",")
      ? `the other languages to ${contentLocales.join(", ") || "none"}`
      : null,
  ].filter(Boolean);
  if (!said.length) return before;
  await writeWorkspaceSettings(ctx, {
    data: after,
    action: "workspace.languages_changed",
    summary: `Changed ${said.join(" and ")}`,
    metadata: { before: { ...before }, after: { ...after } },
  });
  forgetWorkspaceLocales(ctx.workspace.id);
  return after;
}
