import { AppError } from "../../errors";
import { isValidTimeZone, localParts } from "../../engine/time";

/**
 * "Send at 9:00 in each person's time zone": the instant a local date and time happens in a zone, the first
 * and last such instants over all zones (when the scheduler starts and when it is over), and how many messages
 * go out in each UTC hour for the preview. Pure functions of their inputs; zones through Intl.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** The zones furthest ahead of and behind UTC: Pacific/Kiritimati (UTC+14) and Etc/GMT+12 (UTC−12). */
const MAX_AHEAD_MS = 14 * HOUR_MS;
const MAX_BEHIND_MS = 12 * HOUR_MS;

/** The wall-clock moment as if it were UTC, in ms; refuses dates and times that do not exist on a calendar. */
export function wallClockMs(localDate: string, localTime: string): number {
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(localDate);
  if (!date) throw AppError.field("localDate", "must be a date, YYYY-MM-DD");
  const time = /^(\d{2}):(\d{2})$/.exec(localTime);
  if (!time) throw AppError.field("localTime", "must be a time, HH:mm (24-hour)");
  const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
  const [hour, minute] = [Number(time[1]), Number(time[2])];
  if (hour > 23 || minute > 59) throw AppError.field("localTime", "must be a time, HH:mm (24-hour)");
  const ms = Date.UTC(year, month - 1, day, hour, minute);
  const back = new Date(ms);
  // Date.UTC rolls 2026-02-30 over to March 2: a date that is not on the calendar is refused instead.
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day)
    throw AppError.field("localDate", `${localDate} is not a date on the calendar`);
  return ms;
}

/** The zone's wall clock at an instant, as if it were UTC (second precision, as zones are). */
function wallAt(instantMs: number, zone: string): number {
  const p = localParts(new Date(instantMs), zone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
}

/**
 * The instant it is `localTime` on `localDate` in `zone`. Across a DST change: a time the clocks skip (02:30 on
 * a spring-forward night) is the first instant after the gap (03:00 local); a time that happens twice (01:30 on
 * a fall-back night) is its first occurrence.
 */
export function sendMomentIn(zone: string, localDate: string, localTime: string): Date {
  if (!isValidTimeZone(zone)) throw AppError.field("timezone", `"${zone}" is not an IANA time zone`);
  const wall = wallClockMs(localDate, localTime);
  // Every offset the zone has within a day of the wall time: one normally, two around a change.
  const offsets = new Set(
    [wall - DAY_MS, wall, wall + DAY_MS].map((t) => wallAt(t, zone) - Math.floor(t / 1000) * 1000),
  );
  const matches = [...offsets].map((offset) => wall - offset).filter((t) => wallAt(t, zone) === wall);
  if (matches.length > 0) return new Date(Math.min(...matches));
  // In a gap: the change is the first instant whose wall clock is past the wanted time. Before the change the
  // wall clock runs behind it, after the change ahead of it; bisect to the second.
  let lo = wall - Math.max(...offsets);
  let hi = wall - Math.min(...offsets);
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (wallAt(mid, zone) > wall) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

/** The earliest instant any zone reaches the local time (UTC+14): when a local-time broadcast starts. */
export function firstSendMoment(localDate: string, localTime: string): Date {
  return new Date(wallClockMs(localDate, localTime) - MAX_AHEAD_MS);
}

/** The latest instant any zone reaches the local time (UTC−12): when a local-time broadcast has gone to everyone. */
export function lastSendMoment(localDate: string, localTime: string): Date {
  return new Date(wallClockMs(localDate, localTime) + MAX_BEHIND_MS);
}

/** A person's zone when it is a zone; otherwise the broadcast's (the workspace's), and UTC if even that is not. */
export function recipientZone(zone: string | null | undefined, fallbackZone: string): string {
  if (isValidTimeZone(zone)) return zone;
  return isValidTimeZone(fallbackZone) ? fallbackZone : "UTC";
}

export interface HourCount {
  /** the start of a UTC hour */
  hour: Date;
  count: number;
}

/**
 * How many messages go out in each UTC hour of a local-time broadcast, from the audience's size per zone
 * (`audienceByZone`): the preview's "how many go out when". Hours without anyone are left out.
 */
export function hourlyDistribution(
  zoneCounts: readonly { zone: string | null; count: number }[],
  localDate: string,
  localTime: string,
  fallbackZone: string,
): HourCount[] {
  const byZone = new Map<string, number>();
  const byHour = new Map<number, number>();
  for (const { zone, count } of zoneCounts) {
    if (count <= 0) continue;
    const resolved = recipientZone(zone, fallbackZone);
    let moment = byZone.get(resolved);
    if (moment === undefined) {
      moment = sendMomentIn(resolved, localDate, localTime).getTime();
      byZone.set(resolved, moment);
    }
    const hour = Math.floor(moment / HOUR_MS) * HOUR_MS;
    byHour.set(hour, (byHour.get(hour) ?? 0) + count);
  }
  return [...byHour.entries()].sort(([a], [b]) => a - b).map(([hour, count]) => ({ hour: new Date(hour), count }));
}
