import { localParts } from "../engine/time";

/**
 * The hour of the week (Monday 00:00–00:59 = 0 … Sunday 23:00–23:59 = 167) an instant falls in, in a time zone:
 * the one bucket send-time optimisation counts engagements in and chooses among.
 */
export const HOURS_PER_WEEK = 168;

const DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

export function hourOfWeekAt(instant: Date, timeZone: string): number {
  const p = localParts(instant, timeZone);
  // Date.UTC on the local calendar date gives its weekday (Sunday = 0), whatever the zone's offset.
  const mondayFirst = (new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay() + 6) % 7;
  return mondayFirst * 24 + p.hour;
}

/** "Tuesday 09:00–10:00" */
export function describeHourOfWeek(hourOfWeek: number): string {
  const hour = hourOfWeek % 24;
  const pad = (h: number) => String(h).padStart(2, "0");
  return `${DAY_NAMES[Math.floor(hourOfWeek / 24)]} ${pad(hour)}:00–${pad((hour + 1) % 24)}:00`;
}

const QUARTER_HOUR_MS = 900_000;

/**
 * hourOfWeekAt for many instants (the fold): Intl's formatting costs microseconds a call, and a batch has tens of
 * thousands of events in a few zones. Every zone's offset is a whole number of quarter hours (India +5:30, Nepal
 * +5:45) and changes only on a quarter hour, so every instant of one UTC quarter hour falls in the same local hour:
 * the answer is remembered per (zone, quarter hour).
 */
export class HourOfWeekCache {
  private readonly byZone = new Map<string, Map<number, number>>();

  hourOfWeek(instant: Date, timeZone: string): number {
    let zone = this.byZone.get(timeZone);
    if (!zone) this.byZone.set(timeZone, (zone = new Map()));
    const quarter = Math.floor(instant.getTime() / QUARTER_HOUR_MS);
    let hour = zone.get(quarter);
    if (hour === undefined) {
      hour = hourOfWeekAt(new Date(quarter * QUARTER_HOUR_MS), timeZone);
      zone.set(quarter, hour);
    }
    return hour;
  }
}
