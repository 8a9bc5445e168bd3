import type { FieldIssue } from "../../errors";
import { parseLiquid, type TemplateKind } from "../../messaging/liquid";
import { normalizeLocale } from "./locale-chain";
import { MAX_TRANSLATIONS, type Translations, translatableFields } from "./translations";

/**
 * The checks a template's `translations` get at save (validateContent, lib/messaging/templates/check-content.ts):
 * each locale a language tag (stored canonical: `pt_br` → `pt-BR`), each field one the channel translates, within
 * the default field's length, and Liquid that parses exactly like the default fields'. Every problem is reported
 * at once, named `content.translations.<locale>.<field>`.
 */

/** The longest each translated field may be: the same as the default field's (lib/messaging/liquid.ts). */
export const FIELD_MAX: Record<string, number> = {
  "email:subject": 255,
  "email:preheader": 255,
  "email:html": 200_000,
  "email:text": 100_000,
  "sms:body": 1600,
  "push:title": 200,
  "push:body": 1000,
  "in_app:title": 200,
  "in_app:body": 5000,
  "in_app:cta.label": 60,
};

const isObject = (v: unknown): v is Record<string, unknown> => v != null && typeof v === "object" && !Array.isArray(v);

export function checkTranslations(
  kind: TemplateKind,
  value: unknown,
  prefix = "content.translations",
): { translations: Translations; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const translations: Translations = {};
  const fields = translatableFields(kind);
  if (!fields.length) {
    issues.push({ path: prefix, message: `${kind} templates are not translated` });
    return { translations, issues };
  }
  if (!isObject(value)) {
    issues.push({ path: prefix, message: "must be an object of locales, e.g. { de: { fields: { … } } }" });
    return { translations, issues };
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_TRANSLATIONS)
    issues.push({ path: prefix, message: `At most ${MAX_TRANSLATIONS} locales per template` });
  for (const [key, raw] of entries.slice(0, MAX_TRANSLATIONS)) {
    const where = `${prefix}.${key}`;
    const locale = normalizeLocale(key);
    if (!locale) {
      issues.push({ path: where, message: "is not a language tag, e.g. de, pt-BR or zh-Hant" });
      continue;
    }
    if (translations[locale]) {
      issues.push({ path: where, message: `is the same locale as another translation (${locale})` });
      continue;
    }
    if (!isObject(raw) || !isObject(raw.fields)) {
      issues.push({ path: where, message: "must be { fields: { … }, sourceHash, updatedAt }" });
      continue;
    }
    const extra = Object.keys(raw).filter((k) => !["fields", "sourceHash", "updatedAt"].includes(k));
    if (extra.length) issues.push({ path: `${where}.${extra[0]}`, message: "is not part of a translation" });
    const sourceHash = typeof raw.sourceHash === "string" ? raw.sourceHash : "";
    const updatedAt = typeof raw.updatedAt === "string" ? raw.updatedAt : "";
    if (sourceHash.length > 64) issues.push({ path: `${where}.sourceHash`, message: "At most 64 characters" });
    if (updatedAt.length > 40) issues.push({ path: `${where}.updatedAt`, message: "At most 40 characters" });
    const out: Record<string, string> = {};
    for (const [field, text] of Object.entries(raw.fields)) {
      const path = `${where}.${field}`;
      if (!fields.includes(field)) {
        issues.push({ path, message: `is not a translatable field of ${kind} (${fields.join(", ")})` });
        continue;
      }
      if (typeof text !== "string") {
        issues.push({ path, message: "must be text" });
        continue;
      }
      if (text === "") continue; // an empty field falls back to the default's
      const max = FIELD_MAX[`${kind}:${field}`] ?? 200_000;
      if (text.length > max) {
        issues.push({ path, message: `At most ${max.toLocaleString("en-US")} characters` });
        continue;
      }
      const parsed = parseLiquid(text);
      if (!parsed.ok) {
        issues.push({ path, message: `Liquid error: ${parsed.error}` });
        continue;
      }
      out[field] = text;
    }
    translations[locale] = { fields: out, sourceHash, updatedAt };
  }
  return { translations, issues };
}

/** `content` split into its translations (undefined when it has none) and the rest, which the channel's strict schema checks. */
export function splitTranslations(content: unknown): { translations: unknown; rest: unknown } {
  if (!isObject(content) || !("translations" in content)) return { translations: undefined, rest: content };
  const { translations, ...rest } = content;
  return { translations, rest };
}
