/**
 * The one way the app writes a moment and a count.
 *
 * Times: "6 Dec 2026, 14:05 (UTC)", always with the zone they are in, because a bare "14:05" is ambiguous for a
 * team spread over several zones. Server-rendered pages do not know the viewer's zone, so they write UTC and say
 * so; client components switch to the browser's zone once hydrated and name it (see local-time.tsx).
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, seconds: boolean): Intl.DateTimeFormat {
  const key = `${timeZone}|${seconds}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: seconds ? "medium" : "short", timeZone });
    formatters.set(key, f);
  }
  return f;
}

/** What an unreadable or out-of-range time reads as (Intl throws a RangeError on an invalid Date). */
export const UNKNOWN_TIME = "time unknown";

export interface DateTimeOptions {
  /** an IANA zone; UTC by default (the server's render) */
  timeZone?: string;
  /** 14:05:09 rather than 14:05, for traces where the order within a minute matters */
  seconds?: boolean;
}

/** "6 Dec 2026, 14:05 (UTC)"; "—" for no time at all. */
export function formatDateTime(value: string | Date | null | undefined, options: DateTimeOptions = {}): string {
  if (value === null || value === undefined || value === "") return "—";
  const date = value instanceof Date ? value : new Date(value);
  if (!Number.isFinite(date.getTime())) return UNKNOWN_TIME;
  const timeZone = options.timeZone ?? "UTC";
  let text: string;
  try {
    text = formatter(timeZone, options.seconds ?? false).format(date);
  } catch {
    // an unknown zone name: fall back to UTC rather than break the page
    return formatDateTime(date, { ...options, timeZone: "UTC" });
  }
  return `${text} (${timeZone})`;
}

/** The browser's zone ("Europe/Paris"), or UTC where there is none (the server, some test runtimes). */
export function viewerTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

// ---- ISO timestamps inside free text (decision outcomes written by the engine, e.g. "Waiting until 2026-…Z")

const ISO_IN_TEXT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})\b/g;

/** Rewrites every ISO 8601 timestamp in a sentence the way formatDateTime writes it. */
export function formatTimesInText(text: string, options: DateTimeOptions = {}): string {
  return text.replace(ISO_IN_TEXT, (iso) => {
    const formatted = formatDateTime(iso, options);
    return formatted === UNKNOWN_TIME ? iso : formatted;
  });
}

// ---- Counts

const COUNT = new Intl.NumberFormat("en-GB");
const RULES = new Intl.PluralRules("en-GB");

/**
 * "1 conversion", "2 conversions", "1,204 people": the count with its noun in the right number. The plural is
 * the singular plus "s" unless given (person → people).
 */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${COUNT.format(count)} ${pluralNoun(count, singular, pluralForm)}`;
}

/** The noun alone, for sentences that write the number themselves. */
export function pluralNoun(count: number, singular: string, pluralForm = `${singular}s`): string {
  return RULES.select(count) === "one" ? singular : pluralForm;
}
