/**
 * How events read in the Events and Profiles pages. Times are formatted in UTC (like formatDateTime), so
 * the server's render and the browser's agree.
 */
import { formatDateTime } from "../ui/format";

const TIME = new Intl.DateTimeFormat("en-GB", { timeStyle: "medium", timeZone: "UTC" });
const DATE = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });
const DAY = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
const COUNT = new Intl.NumberFormat("en-GB");

/**
 * What a time the readers could not represent reads as (null from lib/events/instant.ts: a timestamp stored
 * out of range before ingestion refused those). Intl throws a RangeError on an invalid Date, so every
 * formatter here checks first.
 */
export const UNKNOWN_TIME = "time out of range";

function validDate(iso: string | null): Date | null {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isFinite(date.getTime()) ? date : null;
}

export function formatDateTimeSeconds(iso: string | null): string {
  const date = validDate(iso);
  // the app's one date format (components/ui/format.ts), zone stated
  return date ? formatDateTime(date, { seconds: true }) : UNKNOWN_TIME;
}

/** "09:07:52" and "22 Nov 2026", for a feed where the time of day matters most. */
export function splitDateTime(iso: string | null): { time: string; date: string } {
  const date = validDate(iso);
  return date ? { time: TIME.format(date), date: DATE.format(date) } : { time: "—", date: UNKNOWN_TIME };
}

/** "2026-11-22" → "22 Nov" */
export function formatDay(day: string): string {
  return DAY.format(new Date(`${day}T00:00:00Z`));
}

export function formatCount(count: number): string {
  return COUNT.format(count);
}

const TYPE_TITLES: Record<string, string> = {
  identify: "Identify",
  alias: "Alias",
  group: "Group",
  page: "Page Viewed",
  screen: "Screen Viewed",
};

/** What an event is called in lists: track's event name, "Page Viewed", or the call for identify/alias/group. */
export function eventTitle(event: { type: string; name: string | null }): string {
  return event.name ?? TYPE_TITLES[event.type] ?? event.type;
}

/** "api" → "API"; "webhook:<id>" → the source's name when known. */
export function sourceLabel(source: string, webhookNames: Record<string, string>): string {
  if (source === "api") return "API";
  if (source.startsWith("webhook:")) {
    const name = webhookNames[source.slice("webhook:".length)];
    return name ? `Webhook “${name}”` : "Webhook (deleted source)";
  }
  return source;
}

/** A value on one line: strings as they are, everything else as compact JSON. */
export function compactValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "";
  return JSON.stringify(value);
}

/** The first few key/value pairs of an event's properties (or an identify's traits), for a one-line preview. */
export function previewPairs(
  event: { type: string; properties: Record<string, unknown>; traits: Record<string, unknown> | null },
  max = 3,
) {
  const source = event.type === "identify" ? (event.traits ?? {}) : event.properties;
  const entries = Object.entries(source);
  return {
    pairs: entries.slice(0, max).map(([key, value]) => ({ key, value: truncate(compactValue(value), 48) })),
    more: Math.max(0, entries.length - max),
  };
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
