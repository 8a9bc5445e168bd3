/** UTC days, the unit of every analytics rollup partition and dashboard range. */

const DAY_MS = 86_400_000;

export function startOfUtcDay(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

export function addDays(day: Date, days: number): Date {
  return new Date(day.getTime() + days * DAY_MS);
}

export function isoDay(day: Date): string {
  return day.toISOString().slice(0, 10);
}

/** Half-open ranges of UTC days [from, to), merged where they touch. */
export interface DayRange {
  from: Date;
  to: Date;
}

export function mergeRanges(ranges: DayRange[]): DayRange[] {
  const sorted = [...ranges].filter((r) => r.from < r.to).sort((a, b) => a.from.getTime() - b.from.getTime());
  const merged: DayRange[] = [];
  for (const r of sorted) {
    const last = merged.at(-1);
    if (last && r.from <= last.to) last.to = new Date(Math.max(last.to.getTime(), r.to.getTime()));
    else merged.push({ from: new Date(r.from), to: new Date(r.to) });
  }
  return merged;
}

/** Whole days from `from` to `to`. */
export function daysBetween(from: Date, to: Date): number {
  return Math.round((to.getTime() - from.getTime()) / DAY_MS);
}
