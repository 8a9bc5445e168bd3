/**
 * A person's locale and the chain of locales their message falls back through. Pure: no database, no I/O; used by
 * the send paths (lib/content/prepare-render.ts), the editor and the settings page alike.
 *
 * Locales are BCP 47 tags in canonical form (`de-AT`, `pt-BR`, `zh-Hant-TW`). People's data is messier than that:
 * a `locale` trait of `pt_BR` (the POSIX/Java spelling), ` DE-at `, `en-US.UTF-8`, or garbage. normalizeLocale
 * makes what it can canonical and returns null for the rest, so a bad trait never fails a send: that person gets
 * the workspace's default locale.
 */

/** The longest tag we accept: real tags are far shorter; a limit keeps garbage traits cheap to reject. */
const MAX_TAG = 64;

/** The canonical BCP 47 form of `value`, or null when it is not a locale (empty, garbage, not a string). */
export function normalizeLocale(value: unknown): string | null {
  if (typeof value !== "string") return null;
  // POSIX forms: "pt_BR", "en_US.UTF-8", "de_DE@euro" → "pt-BR", "en-US", "de-DE"
  const tag = value
    .trim()
    .replace(/[.@].*$/, "")
    .replace(/_/g, "-");
  if (!tag || tag.length > MAX_TAG) return null;
  // "C"/"POSIX" are not languages; "und" (undetermined) says nothing either
  if (/^(c|posix|und)$/i.test(tag)) return null;
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? null;
  } catch {
    return null;
  }
}

/**
 * The locales to try for `locale`, most specific first, ending with the workspace default:
 * `de-AT` → [`de-AT`, `de`, default]; `zh-Hant-TW` → [`zh-Hant-TW`, `zh-Hant`, `zh`, default]. Extensions
 * (`-u-…`, `-x-…`) are dropped: they never name a translation. No duplicates.
 */
export function fallbackChain(locale: string | null, defaultLocale: string): string[] {
  const chain: string[] = [];
  const base = locale ? locale.replace(/-[a-wyz0-9]-.*$|-x-.*$/i, "") : null;
  if (base) {
    const parts = base.split("-");
    for (let n = parts.length; n >= 1; n--) chain.push(parts.slice(0, n).join("-"));
  }
  const fallback = normalizeLocale(defaultLocale) ?? "en";
  const out = [...new Set(chain.filter((l) => l !== fallback))];
  out.push(fallback);
  return out;
}

export type LocaleSource = "trait" | "event" | "none";

/**
 * The person's locale: the `locale` trait, else the triggering event's `context.locale`; the first of them that is
 * a valid tag (an invalid trait does not hide a valid event locale).
 */
export function personLocale(
  traits: Record<string, unknown> | null | undefined,
  eventLocale: unknown,
): { locale: string | null; source: LocaleSource; ignored?: string } {
  const raw = traits?.locale;
  const fromTrait = normalizeLocale(raw);
  if (fromTrait) return { locale: fromTrait, source: "trait" };
  const fromEvent = normalizeLocale(eventLocale);
  const ignored = raw != null && raw !== "" ? String(raw).slice(0, MAX_TAG) : undefined;
  if (fromEvent) return { locale: fromEvent, source: "event", ...(ignored ? { ignored } : {}) };
  return { locale: null, source: "none", ...(ignored ? { ignored } : {}) };
}
