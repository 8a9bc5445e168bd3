/** Numbers on the experiment page, as a marketer reads them. */

export function percent(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "—";
  return `${(x * 100).toFixed(digits)}%`;
}

/** A lift: "+12.3%", "−4.0%". */
export function signedPercent(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "—";
  const value = (x * 100).toFixed(digits);
  return x > 0 ? `+${value}%` : x < 0 ? `−${value.slice(1)}%` : `${value}%`;
}

/** An interval of lifts; an open end (a correction left it unbounded) is ∞. */
export function interval(ci: [number | null, number | null] | null | undefined, digits = 1): string {
  if (!ci) return "—";
  const end = (x: number | null, side: -1 | 1) => (x === null ? (side < 0 ? "−∞" : "+∞") : signedPercent(x, digits));
  return `[${end(ci[0], -1)}, ${end(ci[1], 1)}]`;
}

/** Percentage points of a rate: "0.30 pts" (0.30 means 0.30 of 100 people). */
export function points(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "—";
  return `${x.toFixed(digits)} ${x.toFixed(digits) === (1).toFixed(digits) ? "pt" : "pts"}`;
}

export function pValue(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return "—";
  return p < 0.0001 ? "< 0.0001" : p.toFixed(4);
}

export function count(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  return new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 }).format(n);
}

export function amount(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "—";
  return new Intl.NumberFormat("en-GB", { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x);
}

/** A span of hours as a marketer reads it: "45 min", "26 h", "3.5 days". */
export function hours(h: number | null | undefined): string {
  if (h === null || h === undefined || !Number.isFinite(h)) return "—";
  if (h < 1) return `${Math.round(h * 60)} min`;
  if (h < 48) return `${Number.isInteger(h) ? h : h.toFixed(1)} h`;
  const days = h / 24;
  return `${Number.isInteger(days) ? days : days.toFixed(1)} days`;
}

export function weight(w: number | undefined): string {
  if (w === undefined || !Number.isFinite(w)) return "—";
  return `${Number.isInteger(w) ? w : w.toFixed(w < 1 ? 2 : 1)}%`;
}

export const STATUS_LABELS: Record<string, string> = {
  control: "control",
  winning: "winning",
  losing: "losing",
  inconclusive: "inconclusive",
  not_enough_data: "not enough data",
};

export const STATUS_TONES: Record<string, "stone" | "brand" | "amber" | "red"> = {
  control: "stone",
  winning: "brand",
  losing: "red",
  inconclusive: "stone",
  not_enough_data: "amber",
};
