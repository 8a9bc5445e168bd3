import type { TDuration } from "../journeys/graph";

/**
 * Time for the engine: durations, "the next 9:00 in the person's time zone" across DST changes, and date
 * traits. Pure functions of their inputs; the clock is always passed in.
 */

const UNIT_MS = { minutes: 60_000, hours: 3_600_000, days: 86_400_000, weeks: 604_800_000 } as const;

/** Durations are elapsed time: "3 days" is 72 hours, also across a DST change. */
export function durationMs(d: TDuration): number {
  return d.amount * UNIT_MS[d.unit];
}

export function describeDuration(d: TDuration): string {
  const unit = d.amount === 1 ? d.unit.replace(/s$/, "") : d.unit;
  return `${d.amount} ${unit}`;
}

interface LocalParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string | null | undefined): timeZone is string {
  if (!timeZone) return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

export function localParts(instant: Date, timeZone: string): LocalParts {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(instant))
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
    second: parts.second,
  };
}

/** The zone's offset from UTC at an instant, in ms (Paris in summer: +2 h). */
function offsetAt(instantMs: number, timeZone: string): number {
  const p = localParts(new Date(instantMs), timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instantMs / 1000) * 1000;
}

/**
 * The instant a wall-clock time happens in a zone. Two passes settle the offset across a DST change.
 * A time the clocks skip (02:30 on a spring-forward night) lands just after the gap (03:30); a time that
 * happens twice (autumn) is its first occurrence.
 */
export function zonedTimeToInstant(local: Omit<LocalParts, "second">, timeZone: string): Date {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  const first = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(first, timeZone);
  if (first === second) return new Date(first);
  // The offsets disagree only around a transition: prefer the candidate whose wall time is right.
  const p = localParts(new Date(second), timeZone);
  if (p.hour === local.hour && p.minute === local.minute) return new Date(Math.min(first, second));
  return new Date(Math.max(first, second));
}

/** The next moment it is `time` (HH:MM) in `timeZone`, strictly after `now`. */
export function nextTimeOfDay(now: Date, time: string, timeZone: string): Date {
  const [hour, minute] = time.split(":").map(Number);
  const today = localParts(now, timeZone);
  for (let addDays = 0; addDays < 3; addDays++) {
    // Calendar arithmetic on the local date, so a 23- or 25-hour day still yields the right date.
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + addDays));
    const candidate = zonedTimeToInstant(
      { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour, minute },
      timeZone,
    );
    if (candidate.getTime() > now.getTime()) return candidate;
  }
  throw new Error(`no next ${time} in ${timeZone} after ${now.toISOString()}`);
}

/**
 * A date trait as an instant: an ISO date-time, a date alone (midnight in the person's time zone), or a
 * Unix timestamp in seconds or milliseconds. Anything else is null.
 */
export function parseDateTrait(value: unknown, timeZone: string): Date | null {
  if (typeof value === "number" && Number.isFinite(value)) return new Date(value > 1e11 ? value : value * 1000);
  if (typeof value !== "string") return null;
  const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (dateOnly) {
    const [, y, m, d] = dateOnly.map(Number);
    if (m < 1 || m > 12 || d < 1 || d > 31) return null;
    return zonedTimeToInstant({ year: y, month: m, day: d, hour: 0, minute: 0 }, timeZone);
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value.trim())) return null;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}
