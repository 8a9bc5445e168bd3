import { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { bannedPhrasesOf } from "../brand/banned-phrases";
import { sourceFields, sourceHash, type Translation } from "../content/locales/translations";
import { workspaceLocales } from "../content/locales/workspace-locales";
import { AppError, parseInput } from "../errors";
import type { TemplateKind } from "../messaging/liquid";
import { loadTemplate } from "../messaging/templates/template-views";
import { chatCompletion } from "./client";
import {
  type DraftField,
  type DraftUsage,
  checkDraftField,
  parseJsonAnswer,
  systemPrompt,
  workspaceOf,
} from "./drafts";
import { rememberDraftedTexts } from "./drafted-texts";

/**
 * Translation of the editor's content into the workspace's other locales (Settings → Languages), one call per
 * locale, in the shape lib/content/locales keeps them: `translations[locale] = { fields, sourceHash, updatedAt }`
 * with the hash of the fields translated from, so the editor's stale badges work. Each translated field is checked
 * like every draft (Liquid parsed, banned phrases found); the editor puts them in the form, marked AI-drafted.
 */

export const ZTranslateRequest = z
  .object({
    templateId: z.uuid({ error: "must be a template's id" }),
    content: z.record(z.string(), z.unknown()),
    locales: z
      .array(z.string().trim().min(2).max(35))
      .min(1, "Choose at least one locale")
      .max(10, "At most 10 locales"),
  })
  .strict();

export async function translateContent(
  ctx: WorkspaceContext,
  input: unknown,
  options: { now?: Date; timeoutMs?: number } = {},
): Promise<{
  translations: Record<string, Translation>;
  checks: Record<string, DraftField[]>;
  usage: DraftUsage;
}> {
  requirePermission(ctx, "content:write");
  const request = parseInput(ZTranslateRequest, input);
  const template = await loadTemplate(ctx, request.templateId);
  const kind = template.channel as TemplateKind;
  const fields = sourceFields(kind, request.content);
  if (!Object.keys(fields).length) throw AppError.field("content", "There is no text to translate");
  const { defaultLocale, contentLocales } = await workspaceLocales(ctx.workspace.id);
  request.locales.forEach((locale, i) => {
    if (locale === defaultLocale || !contentLocales.includes(locale))
      throw AppError.field(
        `locales.${i}`,
        `"${locale}" is not one of the workspace's other languages (${contentLocales.join(", ") || "none yet: add them in Settings → Languages"})`,
      );
  });
  const workspace = await workspaceOf(ctx);
  const banned = await bannedPhrasesOf(ctx.workspace.id);
  const hash = sourceHash(kind, request.content);
  const translations: Record<string, Translation> = {};
  const checks: Record<string, DraftField[]> = {};
  const usage = { promptTokens: 0, completionTokens: 0 };
  const ZAnswer = z.object({ fields: z.record(z.string(), z.string()) });
  for (const locale of request.locales) {
    const answer = await chatCompletion(
      ctx.workspace.id,
      [
        { role: "system", content: systemPrompt(workspace, banned) },
        {
          role: "user",
          content: `Translate these fields from ${defaultLocale} into ${locale}. Keep HTML tags, URLs and every Liquid placeholder ({{ … }}, {% … %}) exactly as they are. Answer {"fields": { same keys: translated text }}.\n\n${JSON.stringify(fields)}`,
        },
      ],
      {
        json: true,
        maxTokens: Math.min(8_000, Math.ceil(JSON.stringify(fields).length / 2) + 300),
        temperature: 0.2,
        now: options.now,
        timeoutMs: options.timeoutMs,
      },
    );
    usage.promptTokens += answer.usage.promptTokens;
    usage.completionTokens += answer.usage.completionTokens;
    const translated = parseJsonAnswer(answer.content, ZAnswer).fields;
    const checked = Object.keys(fields).flatMap((field) =>
      typeof translated[field] === "string" && translated[field].trim()
        ? [checkDraftField(field, translated[field].trim(), banned)]
        : [],
    );
    checks[locale] = checked;
    translations[locale] = {
      fields: Object.fromEntries(checked.filter((f) => f.liquid !== "invalid").map((f) => [f.field, f.text])),
      sourceHash: hash,
      updatedAt: (options.now ?? new Date()).toISOString(),
    };
    rememberDraftedTexts(
      ctx.workspace.id,
      checked.map((f) => f.text),
    );
  }
  return { translations, checks, usage };
}
