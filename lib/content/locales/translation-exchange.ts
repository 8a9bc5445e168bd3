import "server-only";
import type { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../../auth/context";
import { AppError, parseInput } from "../../errors";
import type { TemplateKind } from "../../messaging/liquid";
import { getTemplate } from "../../messaging/templates/read-templates";
import { saveTemplate } from "../../messaging/templates/save-template";
import type { SavedTemplate } from "../../messaging/templates/template-views";
import { type Clock, systemClock } from "../../runtime/clock";
import { checkImport, exportUnits, readExchange, writeJson, writeXliff } from "./exchange";
import { ZExportQuery, ZImportQuery } from "./translation-schemas";
import { sourceHash, translatableFields, translationsOf } from "./translations";
import { selectWorkspaceLocales } from "./workspace-locales";
import { pgPool } from "../../db/pool";

/**
 * Export and import of a template's translations for a translation service
 * (GET/PUT /api/v1/templates/{id}/translations). An import is checked completely first (lib/content/locales/
 * exchange.ts) and stores nothing on any problem; a valid one saves the template's next version, through the
 * same save as the editor (validation, approval, audit), with the locale's fields replaced by the file's.
 */

export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;
export { ZExportQuery, ZImportQuery };

async function translatableTemplate(ctx: WorkspaceContext, id: string) {
  const template = await getTemplate(ctx, id);
  const kind = template.channel as TemplateKind;
  if (!translatableFields(kind).length)
    throw new AppError("validation", `${template.channel} templates are not translated.`);
  if (!template.content) throw new AppError("validation", "The template has no saved version to translate yet.");
  return { template, kind, content: template.content };
}

export interface TranslationExport {
  body: string;
  contentType: string;
  filename: string;
}

export async function exportTranslations(
  ctx: WorkspaceContext,
  id: string,
  query: z.input<typeof ZExportQuery>,
): Promise<TranslationExport> {
  requirePermission(ctx, "workspace:read");
  const { format, version, locale } = parseInput(ZExportQuery, query);
  const { template, kind, content } = await translatableTemplate(ctx, id);
  const { defaultLocale } = await selectWorkspaceLocales(pgPool(), ctx.workspace.id);
  if (locale === defaultLocale)
    throw AppError.field("locale", `is the workspace's default locale (${defaultLocale}), which the template is in`);
  const file = {
    fileId: `${template.id}@${sourceHash(kind, content)}`,
    sourceLocale: defaultLocale,
    targetLocale: locale,
    units: exportUnits(kind, content, locale),
  };
  const base = `${template.name.replace(/[^\w.-]+/g, "-").slice(0, 60) || "template"}.${locale}`;
  return format === "json"
    ? { body: writeJson(file), contentType: "application/json; charset=utf-8", filename: `${base}.json` }
    : {
        body: writeXliff(file, version),
        contentType: "application/xliff+xml; charset=utf-8",
        filename: `${base}.xlf`,
      };
}

/** Imports a translated file as the template's next version; a 422 naming each problem stores nothing. */
export async function importTranslations(
  ctx: WorkspaceContext,
  id: string,
  text: string,
  query: z.input<typeof ZImportQuery>,
  clock: Clock = systemClock,
): Promise<SavedTemplate> {
  requirePermission(ctx, "content:write");
  const { locale } = parseInput(ZImportQuery, query);
  const { template, kind, content } = await translatableTemplate(ctx, id);
  const read = readExchange(text);
  if (!read.ok) throw AppError.validation(read.issues, "The file cannot be imported; nothing was stored");
  const locales = await selectWorkspaceLocales(pgPool(), ctx.workspace.id);
  const checked = checkImport(read.file, {
    kind,
    content,
    templateId: template.id,
    defaultLocale: locales.defaultLocale,
    contentLocales: locales.contentLocales,
    locale: locale ?? null,
  });
  if (!checked.ok) throw AppError.validation(checked.issues, "The file cannot be imported; nothing was stored");
  const translations = translationsOf(content);
  const previous = translations[checked.locale]?.fields ?? {};
  const next = {
    ...content,
    translations: {
      ...translations,
      [checked.locale]: {
        fields: { ...previous, ...checked.fields },
        // made from the default text of the file: an older export shows as outdated
        sourceHash: checked.sourceHash ?? sourceHash(kind, content),
        updatedAt: clock().toISOString(),
      },
    },
  };
  return saveTemplate(ctx, template.id, { content: next });
}
