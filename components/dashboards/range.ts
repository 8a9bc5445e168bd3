/**
 * The dashboards' date range as it appears in a page's address: a preset (?range=7d|30d|90d, relative to
 * today, so a bookmark stays "the last 7 days") or custom days (?from=YYYY-MM-DD&to=YYYY-MM-DD, inclusive,
 * UTC). Validation is the API's (lib/analytics/dashboards.ts); this only maps the address to its query.
 */
export const PRESETS = [
  { id: "7d", days: 7, label: "Last 7 days" },
  { id: "30d", days: 30, label: "Last 30 days" },
  { id: "90d", days: 90, label: "Last 90 days" },
] as const;
export type PresetId = (typeof PRESETS)[number]["id"];
export const DEFAULT_PRESET: PresetId = "30d";

export interface RangeChoice {
  /** what the page asks the API for */
  query: { from?: string; to?: string };
  /** the preset in effect, or "custom" */
  preset: PresetId | "custom";
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

export function presetQuery(id: PresetId, now: Date = new Date()): { from: string; to: string } {
  const days = PRESETS.find((p) => p.id === id)!.days;
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  return { from: isoDay(new Date(today.getTime() - (days - 1) * 86_400_000)), to: isoDay(today) };
}

export function rangeFromSearchParams(
  params: { range?: string | string[]; from?: string | string[]; to?: string | string[] },
  now: Date = new Date(),
): RangeChoice {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const range = one(params.range);
  const preset = PRESETS.find((p) => p.id === range);
  if (preset) return { query: presetQuery(preset.id, now), preset: preset.id };
  const from = one(params.from);
  const to = one(params.to);
  if (from || to) return { query: { ...(from ? { from } : {}), ...(to ? { to } : {}) }, preset: "custom" };
  return { query: presetQuery(DEFAULT_PRESET, now), preset: DEFAULT_PRESET };
}

/** "12 Nov – 18 Nov 2026" */
export function describeRange(range: { from: string; to: string }): string {
  const day = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
  const full = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  const from = new Date(`${range.from}T00:00:00Z`);
  const to = new Date(`${range.to}T00:00:00Z`);
  if (range.from === range.to) return full.format(to);
  return `${from.getUTCFullYear() === to.getUTCFullYear() ? day.format(from) : full.format(from)} – ${full.format(to)}`;
}

export function formatPercent(value: number | null): string {
  if (value === null) return "—";
  const pct = value * 100;
  return `${pct >= 10 || pct === 0 ? pct.toFixed(0) : pct.toFixed(1)}%`;
}
