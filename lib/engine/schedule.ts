import type { z } from "zod";
import type { NODE_CONFIGS } from "../journeys/graph";
import { durationMs, isValidTimeZone, localParts, zonedTimeToInstant } from "./time";

/**
 * When a schedule trigger fires. Pure: the trigger's configuration and a window in, occurrences out.
 *
 *   once       — at `at`.
 *   recurring  — at startAt + k·every (k = 0, 1, 2, …). Minutes and hours are elapsed time, like a delay's
 *                duration ("every 6 hours" is 6 h apart, also across a DST change). Days and weeks are calendar
 *                steps in the trigger's time zone: the wall-clock time startAt has there is kept, so "every day
 *                from 09:00 Paris" is 09:00 in Paris in winter and in summer (23 or 25 hours apart across the
 *                change). A wall time the clocks skip lands just after the gap and one that happens twice is its
 *                first occurrence, as for time-of-day delays (lib/engine/time.ts).
 *
 * Missed occurrences do not pile up: when several fall in one window (the executor was down, the journey was
 * paused), only the latest fires and the others are counted as skipped. A schedule means "send the current
 * thing to the current segment now-ish"; five copies of a daily digest after a five-day outage would be spam,
 * and the latest occurrence is the one closest to what the marketer meant.
 */
export type TScheduleTrigger = z.infer<(typeof NODE_CONFIGS)["trigger.schedule"]>;
type Recurring = Extract<TScheduleTrigger["schedule"], { kind: "recurring" }>;

export interface DueOccurrences {
  /** the occurrence to fire now: the latest in the window, or null when none fell in it */
  due: Date | null;
  /** earlier occurrences in the same window that are skipped in favour of `due` */
  skipped: number;
}

/** The occurrences in (after, now]: at most the latest fires (see above). */
export function dueOccurrences(
  trigger: Pick<TScheduleTrigger, "schedule" | "timezone">,
  window: { after: Date; now: Date },
): DueOccurrences {
  const { after, now } = window;
  if (now.getTime() <= after.getTime()) return { due: null, skipped: 0 };
  const s = trigger.schedule;
  if (s.kind === "once") {
    const at = new Date(s.at);
    return at.getTime() > after.getTime() && at.getTime() <= now.getTime()
      ? { due: at, skipped: 0 }
      : { due: null, skipped: 0 };
  }
  const latest = indexAtOrBefore(s, trigger.timezone, now);
  const before = indexAtOrBefore(s, trigger.timezone, after);
  if (latest < 0 || latest <= before) return { due: null, skipped: 0 };
  return { due: occurrence(s, trigger.timezone, latest), skipped: latest - Math.max(before, -1) - 1 };
}

/** The first occurrence strictly after `after`, or null (a once schedule that has passed). */
export function nextOccurrence(trigger: Pick<TScheduleTrigger, "schedule" | "timezone">, after: Date): Date | null {
  const s = trigger.schedule;
  if (s.kind === "once") {
    const at = new Date(s.at);
    return at.getTime() > after.getTime() ? at : null;
  }
  return occurrence(s, trigger.timezone, indexAtOrBefore(s, trigger.timezone, after) + 1);
}

const isCalendar = (s: Recurring) => s.every.unit === "days" || s.every.unit === "weeks";

/** The k-th occurrence of a recurring schedule (k ≥ 0). */
function occurrence(s: Recurring, timeZone: string, k: number): Date {
  const start = new Date(s.startAt);
  if (k === 0) return start;
  if (!isCalendar(s)) return new Date(start.getTime() + k * durationMs(s.every));
  const days = s.every.amount * (s.every.unit === "weeks" ? 7 : 1) * k;
  const local = localParts(start, timeZone);
  // Date.UTC normalises the day overflow, so this is calendar arithmetic on the local date.
  const date = new Date(Date.UTC(local.year, local.month - 1, local.day + days));
  const minute = zonedTimeToInstant(
    {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: local.hour,
      minute: local.minute,
    },
    timeZone,
  );
  // Seconds and milliseconds of startAt ride along (zone offsets are whole minutes today).
  return new Date(minute.getTime() + (start.getTime() - Math.floor(start.getTime() / 60_000) * 60_000));
}

/** The largest k whose occurrence is at or before `t`; -1 when `t` is before startAt. */
function indexAtOrBefore(s: Recurring, timeZone: string, t: Date): number {
  const start = new Date(s.startAt).getTime();
  if (t.getTime() < start) return -1;
  const step = durationMs(s.every);
  let k = Math.floor((t.getTime() - start) / step);
  if (!isCalendar(s)) return k;
  // A calendar step is its nominal length ± a DST shift (an hour, at most a few), so the estimate is off by
  // at most one step either way; settle it against the real occurrences.
  while (occurrence(s, timeZone, k + 1).getTime() <= t.getTime()) k++;
  while (k > 0 && occurrence(s, timeZone, k).getTime() > t.getTime()) k--;
  return k;
}

// ---------------------------------------------------------------------------------------------------
// The canvas side: an <input type="datetime-local"> shows and sets the schedule's times as wall-clock times of
// the trigger's time zone (what "09:00 in Paris" means to a marketer), stored as instants.

const zoneOrUtc = (timeZone: string) => (isValidTimeZone(timeZone) ? timeZone : "UTC");
const two = (n: number) => String(n).padStart(2, "0");

/** "YYYY-MM-DDTHH:MM" in `timeZone` (UTC while the zone is not a valid one yet); "" for no or a bad instant. */
export function toWallTime(iso: unknown, timeZone: string): string {
  if (typeof iso !== "string" || !iso) return "";
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) return "";
  const p = localParts(instant, zoneOrUtc(timeZone));
  return `${p.year}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}`;
}

/** The instant (ISO, UTC) a "YYYY-MM-DDTHH:MM" value names in `timeZone`; "" for an empty or partial value. */
export function fromWallTime(value: string, timeZone: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!m) return "";
  const [year, month, day, hour, minute] = m.slice(1).map(Number);
  return zonedTimeToInstant({ year, month, day, hour, minute }, zoneOrUtc(timeZone)).toISOString();
}
