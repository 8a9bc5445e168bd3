/**
 * Cron schedules for `{ cron: "..." }` triggers, in UTC.
 *
 * Standard 5 fields (minute hour day-of-month month day-of-week) and a 6-field form with a leading
 * seconds field, so an app can ask for a once-a-second tick locally (`* * * * * *`; Inngest Cloud has
 * minute resolution). Each field: `*`, `n`, `a-b`, `a,b,...`, `* /n` or `a-b/n` (no space), month and
 * weekday names; `@hourly`-style macros. Day-of-month and day-of-week combine as in Vixie cron: when
 * both are restricted, either matching is enough. A `TZ=`/`CRON_TZ=` prefix is accepted only for UTC.
 */

export interface CronSchedule {
  source: string;
  hasSeconds: boolean;
  seconds: Set<number>;
  minutes: Set<number>;
  hours: Set<number>;
  daysOfMonth: Set<number>;
  months: Set<number>;
  daysOfWeek: Set<number>;
  domRestricted: boolean;
  dowRestricted: boolean;
}

const MACROS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

function parseValue(text: string, names: string[] | undefined, nameOffset: number): number {
  const named = names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + nameOffset;
  if (!/^\d+$/.test(text)) throw new Error(`"${text}" is not a number`);
  return Number(text);
}

function parseField(
  text: string,
  what: string,
  min: number,
  max: number,
  names?: string[],
  nameOffset = 0,
): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(",")) {
    const [range, stepText, extra] = part.split("/");
    if (extra !== undefined || range === "") throw new Error(`${what}: cannot read "${part}"`);
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`${what}: bad step in "${part}"`);
    let from: number;
    let to: number;
    if (range === "*") [from, to] = [min, max];
    else if (range.includes("-")) {
      const [a, b] = range.split("-");
      [from, to] = [parseValue(a, names, nameOffset), parseValue(b, names, nameOffset)];
    } else {
      from = parseValue(range, names, nameOffset);
      to = stepText === undefined ? from : max; // "5/15" means from 5 every 15
    }
    if (from < min || to > max || from > to) throw new Error(`${what}: "${part}" is outside ${min}-${max}`);
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

export function parseCron(source: string): CronSchedule {
  let text = source.trim();
  const tz = /^(?:CRON_)?TZ=(\S+)\s+/.exec(text);
  if (tz) {
    if (!["UTC", "Etc/UTC", "GMT"].includes(tz[1])) throw new Error(`time zone ${tz[1]} is not supported (UTC only)`);
    text = text.slice(tz[0].length);
  }
  text = MACROS[text.toLowerCase()] ?? text;
  const fields = text.split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6)
    throw new Error(`expected 5 fields (or 6 with seconds first), got ${fields.length}`);
  const hasSeconds = fields.length === 6;
  const [sec, min, hour, dom, month, dow] = hasSeconds ? fields : ["0", ...fields];
  const daysOfWeek = parseField(dow, "day of week", 0, 7, WEEKDAYS);
  if (daysOfWeek.has(7)) daysOfWeek.add(0); // 7 is Sunday too
  return {
    source,
    hasSeconds,
    seconds: parseField(sec, "seconds", 0, 59),
    minutes: parseField(min, "minutes", 0, 59),
    hours: parseField(hour, "hours", 0, 23),
    daysOfMonth: parseField(dom, "day of month", 1, 31),
    months: parseField(month, "month", 1, 12, MONTHS, 1),
    daysOfWeek,
    domRestricted: dom !== "*",
    dowRestricted: dow !== "*",
  };
}

function dayMatches(schedule: CronSchedule, date: Date): boolean {
  const dom = schedule.daysOfMonth.has(date.getUTCDate());
  const dow = schedule.daysOfWeek.has(date.getUTCDay());
  if (schedule.domRestricted && schedule.dowRestricted) return dom || dow;
  if (schedule.domRestricted) return dom;
  if (schedule.dowRestricted) return dow;
  return true;
}

/** The first fire time strictly after `afterMs` (epoch ms), or undefined if none within ~5 years. */
export function nextFireTime(schedule: CronSchedule, afterMs: number): number | undefined {
  const d = new Date(Math.floor(afterMs / 1000) * 1000 + 1000);
  if (!schedule.hasSeconds && d.getUTCSeconds() !== 0) d.setUTCSeconds(60); // next whole minute
  const limit = afterMs + 5 * 366 * 24 * 3600 * 1000;
  while (d.getTime() <= limit) {
    if (!schedule.months.has(d.getUTCMonth() + 1)) {
      d.setUTCMonth(d.getUTCMonth() + 1, 1);
      d.setUTCHours(0, 0, 0, 0);
    } else if (!dayMatches(schedule, d)) {
      d.setUTCDate(d.getUTCDate() + 1);
      d.setUTCHours(0, 0, 0, 0);
    } else if (!schedule.hours.has(d.getUTCHours())) {
      d.setUTCHours(d.getUTCHours() + 1, 0, 0, 0);
    } else if (!schedule.minutes.has(d.getUTCMinutes())) {
      d.setUTCMinutes(d.getUTCMinutes() + 1, 0, 0);
    } else if (!schedule.seconds.has(d.getUTCSeconds())) {
      d.setUTCSeconds(d.getUTCSeconds() + 1, 0);
    } else return d.getTime();
  }
  return undefined;
}

/**
 * The tick to fire now, given the last tick fired (`lastMs`, or undefined): the latest fire time that is
 * due (≤ nowMs) and after lastMs. Missed ticks collapse into this one catch-up tick instead of a backlog.
 */
export function dueTick(schedule: CronSchedule, lastMs: number, nowMs: number): number | undefined {
  let due = nextFireTime(schedule, lastMs);
  if (due === undefined || due > nowMs) return undefined;
  // Walk forward to the most recent due tick; bounded, and long outages jump close to now first.
  if (nowMs - due > 24 * 3600 * 1000) {
    const recent = nextFireTime(schedule, nowMs - 24 * 3600 * 1000);
    if (recent !== undefined && recent <= nowMs) due = recent;
  }
  for (let next = nextFireTime(schedule, due); next !== undefined && next <= nowMs; next = nextFireTime(schedule, due))
    due = next;
  return due;
}
