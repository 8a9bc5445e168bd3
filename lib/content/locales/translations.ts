import { z } from "zod";
import type { TemplateKind } from "../../messaging/liquid";

/**
 * Translations live inside a template version's content, next to the default-locale fields:
 *
 *   { subject, html, …, translations: { de: { fields: { subject, html }, sourceHash, updatedAt } } }
 *
 * so a version stays immutable and everything that caches versions (published-versions.ts) keeps working. Each
 * translation records `sourceHash`, the hash of the default-locale fields it was translated from; when the
 * default's hash differs the translation is stale ("outdated" in the editor) but still sent, flagged in the trace:
 * a slightly old translation reads better to a German customer than the English original.
 *
 * Pure and browser-safe (the editor computes the same hashes and badges).
 */

/** The fields a translator translates, per channel (links, layouts and ids stay the default's). */
export const TRANSLATABLE_FIELDS: Partial<Record<TemplateKind, readonly string[]>> = {
  email: ["subject", "preheader", "html", "text"],
  sms: ["body"],
  push: ["title", "body"],
  in_app: ["title", "body", "cta.label"],
};

export const translatableFields = (kind: TemplateKind): readonly string[] => TRANSLATABLE_FIELDS[kind] ?? [];

export interface Translation {
  fields: Record<string, string>;
  sourceHash: string;
  updatedAt: string;
}
export type Translations = Record<string, Translation>;

/** At most this many locales per template (a workspace writes in a handful; the bound keeps a version small). */
export const MAX_TRANSLATIONS = 50;

export const ZTranslation = z
  .object({
    fields: z.record(z.string(), z.string().max(200_000, "At most 200,000 characters")),
    sourceHash: z.string().max(64, "At most 64 characters"),
    updatedAt: z.string().max(40, "At most 40 characters"),
  })
  .strict();

export function fieldAt(content: unknown, path: string): string | undefined {
  let value: unknown = content;
  for (const key of path.split("."))
    value = value != null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  return typeof value === "string" ? value : undefined;
}

/** The default-locale values of the channel's translatable fields (absent ones left out). */
export function sourceFields(kind: TemplateKind, content: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const path of translatableFields(kind)) {
    const value = fieldAt(content, path);
    if (value !== undefined && value !== "") out[path] = value;
  }
  return out;
}

/**
 * A short, stable hash of the default-locale fields (cyrb53, 53 bits as hex): the same in the browser and on the
 * server without crypto APIs (which are async in browsers). Not a security measure, only a change detector.
 */
export function sourceHash(kind: TemplateKind, content: unknown): string {
  const fields = sourceFields(kind, content);
  const text = translatableFields(kind)
    .map((f) => `${f}\u0000${fields[f] ?? ""}`)
    .join("\u0001");
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, "0");
}

export function translationsOf(content: unknown): Translations {
  const t =
    content != null && typeof content === "object" ? (content as { translations?: unknown }).translations : null;
  return t != null && typeof t === "object" && !Array.isArray(t) ? (t as Translations) : {};
}

export type TranslationStatus = "missing" | "outdated" | "up_to_date";

/** Whether `locale` has a translation of the current default fields. */
export function translationStatus(kind: TemplateKind, content: unknown, locale: string): TranslationStatus {
  const t = translationsOf(content)[locale];
  if (!t || !Object.keys(t.fields ?? {}).length) return "missing";
  return t.sourceHash === sourceHash(kind, content) ? "up_to_date" : "outdated";
}

function setPath(target: Record<string, unknown>, path: string, value: string): void {
  const keys = path.split(".");
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    // copy on write: the cached version's objects are shared between sends
    node[key] = next != null && typeof next === "object" ? { ...(next as Record<string, unknown>) } : {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

/** `content` without its translations: what the renderer and the provider see. */
export function withoutTranslations<T>(content: T): T {
  if (content == null || typeof content !== "object" || !("translations" in content)) return content;
  const rest = { ...(content as Record<string, unknown>) };
  delete rest.translations;
  return rest as T;
}

/**
 * The content in `locale`: the default fields overlaid with the translation's. A field the translation lacks keeps
 * the default's, except an email's plain-text part, which is dropped so it is derived from the translated HTML
 * (a German HTML body with an English text part would be worse than either).
 */
export function localizedContent<T>(kind: TemplateKind, content: T, locale: string | null): T {
  const base = withoutTranslations(content) as Record<string, unknown>;
  if (!locale) return base as T;
  const t = translationsOf(content)[locale];
  if (!t) return base as T;
  const out: Record<string, unknown> = { ...base };
  for (const path of translatableFields(kind)) {
    const value = t.fields[path];
    if (typeof value === "string" && value !== "") setPath(out, path, value);
  }
  if (kind === "email" && !t.fields.text) delete out.text;
  return out as T;
}
