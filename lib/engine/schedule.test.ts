import { describe, expect, it } from "vitest";
import { NODE_CONFIGS } from "../journeys/graph";
import { dueOccurrences, fromWallTime, nextOccurrence, toWallTime, type TScheduleTrigger } from "./schedule";
import { localParts } from "./time";

const d = (iso: string) => new Date(iso);
const iso = (x: Date | null) => x?.toISOString() ?? null;

function once(at: string, timezone = "UTC"): TScheduleTrigger {
  return NODE_CONFIGS["trigger.schedule"].parse({ schedule: { kind: "once", at }, timezone, segmentId: "s" });
}
function every(
  amount: number,
  unit: "minutes" | "hours" | "days" | "weeks",
  startAt: string,
  timezone = "UTC",
): TScheduleTrigger {
  return NODE_CONFIGS["trigger.schedule"].parse({
    schedule: { kind: "recurring", every: { amount, unit }, startAt },
    timezone,
    segmentId: "s",
  });
}

/** Every occurrence in (from, to], by asking for the next one repeatedly. */
function series(trigger: TScheduleTrigger, from: string, to: string): string[] {
  const out: string[] = [];
  let t = d(from);
  for (;;) {
    const next = nextOccurrence(trigger, t);
    if (!next || next > d(to)) return out;
    out.push(next.toISOString());
    t = next;
  }
}

describe("a once schedule", () => {
  const t = once("2026-06-01T09:00:00+02:00");

  it("is due in the window that contains its time, and in no other", () => {
    expect(dueOccurrences(t, { after: d("2026-06-01T06:00:00Z"), now: d("2026-06-01T06:59:59.999Z") })).toEqual({
      due: null,
      skipped: 0,
    });
    expect(iso(dueOccurrences(t, { after: d("2026-06-01T06:59:00Z"), now: d("2026-06-01T07:00:00Z") }).due)).toBe(
      "2026-06-01T07:00:00.000Z",
    );
    expect(iso(dueOccurrences(t, { after: d("2026-06-01T06:00:00Z"), now: d("2026-06-03T00:00:00Z") }).due)).toBe(
      "2026-06-01T07:00:00.000Z",
    );
    // the window is (after, now]: a check that ended exactly at the occurrence already covered it
    expect(dueOccurrences(t, { after: d("2026-06-01T07:00:00Z"), now: d("2026-06-01T08:00:00Z") }).due).toBeNull();
  });

  it("has no next occurrence once it has passed", () => {
    expect(iso(nextOccurrence(t, d("2026-05-01T00:00:00Z")))).toBe("2026-06-01T07:00:00.000Z");
    expect(nextOccurrence(t, d("2026-06-01T07:00:00Z"))).toBeNull();
  });

  it("answers nothing for an empty or backwards window", () => {
    expect(dueOccurrences(t, { after: d("2026-06-01T08:00:00Z"), now: d("2026-06-01T06:00:00Z") })).toEqual({
      due: null,
      skipped: 0,
    });
  });
});

describe("a recurring schedule", () => {
  it("starts at startAt and not before", () => {
    const t = every(1, "days", "2026-06-01T09:00:00Z");
    expect(dueOccurrences(t, { after: d("2026-05-01T00:00:00Z"), now: d("2026-06-01T08:59:59Z") }).due).toBeNull();
    expect(dueOccurrences(t, { after: d("2026-05-01T00:00:00Z"), now: d("2026-06-01T09:00:00Z") })).toEqual({
      due: d("2026-06-01T09:00:00Z"),
      skipped: 0,
    });
  });

  it("fires only the latest of several missed occurrences, counting the others as skipped", () => {
    const t = every(1, "days", "2026-06-01T09:00:00Z");
    // last checked on the 2nd at 10:00; back on the 7th at 12:00: the 3rd..7th were missed, the 7th fires
    expect(dueOccurrences(t, { after: d("2026-06-02T10:00:00Z"), now: d("2026-06-07T12:00:00Z") })).toEqual({
      due: d("2026-06-07T09:00:00Z"),
      skipped: 4,
    });
    // never checked since before the start: everything from the start on counts
    expect(dueOccurrences(t, { after: d("2020-01-01T00:00:00Z"), now: d("2026-06-03T09:00:00Z") })).toEqual({
      due: d("2026-06-03T09:00:00Z"),
      skipped: 2,
    });
    // a window between two occurrences holds none
    expect(dueOccurrences(t, { after: d("2026-06-03T09:00:00Z"), now: d("2026-06-04T08:59:59.999Z") })).toEqual({
      due: null,
      skipped: 0,
    });
  });

  it("steps minutes and hours as elapsed time, also across a DST change", () => {
    const t = every(6, "hours", "2026-03-28T12:00:00+01:00", "Europe/Paris");
    // Paris springs forward at 02:00 on 29 March: the UTC spacing stays 6 hours, the wall clock shifts
    expect(series(t, "2026-03-28T00:00:00Z", "2026-03-29T12:00:00Z")).toEqual([
      "2026-03-28T11:00:00.000Z",
      "2026-03-28T17:00:00.000Z",
      "2026-03-28T23:00:00.000Z",
      "2026-03-29T05:00:00.000Z",
      "2026-03-29T11:00:00.000Z",
    ]);
    const m = every(15, "minutes", "2026-06-01T10:00:00Z");
    expect(dueOccurrences(m, { after: d("2026-06-01T10:20:00Z"), now: d("2026-06-01T11:05:00Z") })).toEqual({
      due: d("2026-06-01T11:00:00Z"),
      skipped: 2,
    });
  });

  it("steps days on the calendar of the trigger's time zone, keeping the wall-clock time across DST", () => {
    // 09:00 in Paris: 08:00 UTC in winter, 07:00 UTC in summer
    const t = every(1, "days", "2026-03-27T09:00:00+01:00", "Europe/Paris");
    expect(series(t, "2026-03-26T00:00:00Z", "2026-03-31T00:00:00Z")).toEqual([
      "2026-03-27T08:00:00.000Z",
      "2026-03-28T08:00:00.000Z",
      "2026-03-29T07:00:00.000Z",
      "2026-03-30T07:00:00.000Z",
    ]);
    // and back in autumn (25 October)
    expect(series(t, "2026-10-23T12:00:00Z", "2026-10-26T12:00:00Z")).toEqual([
      "2026-10-24T07:00:00.000Z",
      "2026-10-25T08:00:00.000Z",
      "2026-10-26T08:00:00.000Z",
    ]);
  });

  it("finds the right occurrence in the hours where elapsed-time arithmetic would be off by one", () => {
    const t = every(1, "days", "2026-03-27T09:00:00+01:00", "Europe/Paris");
    // 29 March, 08:30 Paris (06:30 UTC): 46.5 h after the start, yet the 29th's 09:00 has not come yet
    expect(dueOccurrences(t, { after: d("2026-03-28T12:00:00Z"), now: d("2026-03-29T06:30:00Z") }).due).toBeNull();
    // 09:30 Paris (07:30 UTC): 47.5 h after the start, less than two nominal days, and the 29th is due
    expect(iso(dueOccurrences(t, { after: d("2026-03-28T12:00:00Z"), now: d("2026-03-29T07:30:00Z") }).due)).toBe(
      "2026-03-29T07:00:00.000Z",
    );
    // autumn: 26 October 08:30 UTC is 09:30 Paris, 24.5 h after the 25th's 09:00 (08:00 UTC); the 26th is due
    expect(iso(dueOccurrences(t, { after: d("2026-10-25T12:00:00Z"), now: d("2026-10-26T08:30:00Z") }).due)).toBe(
      "2026-10-26T08:00:00.000Z",
    );
    expect(dueOccurrences(t, { after: d("2026-10-25T12:00:00Z"), now: d("2026-10-26T07:30:00Z") }).due).toBeNull();
  });

  it("keeps weekly schedules on the same weekday and local time for years", () => {
    const t = every(1, "weeks", "2026-01-05T09:00:00+01:00", "Europe/Paris"); // a Monday
    const all = series(t, "2026-01-01T00:00:00Z", "2027-12-31T00:00:00Z");
    expect(all).toHaveLength(104);
    for (const o of all) {
      const p = localParts(d(o), "Europe/Paris");
      expect([new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay(), p.hour, p.minute]).toEqual([1, 9, 0]);
    }
    // every 2 weeks: the latest of a long gap, with the count of the ones in between
    const fortnightly = every(2, "weeks", "2026-01-05T09:00:00+01:00", "Europe/Paris");
    expect(dueOccurrences(fortnightly, { after: d("2026-01-05T08:00:00Z"), now: d("2026-04-01T00:00:00Z") })).toEqual({
      due: d("2026-03-30T07:00:00Z"),
      skipped: 5,
    });
  });

  it("lands a wall time the clocks skip just after the gap, and a repeated one on its first occurrence", () => {
    // New York springs forward at 02:00 on 8 March 2026 (02:30 does not exist) and falls back at 02:00 on 1 November
    const t = every(1, "days", "2026-03-07T02:30:00-05:00", "America/New_York");
    expect(series(t, "2026-03-07T00:00:00Z", "2026-03-09T12:00:00Z")).toEqual([
      "2026-03-07T07:30:00.000Z",
      "2026-03-08T07:30:00.000Z",
      "2026-03-09T06:30:00.000Z",
    ]);
    const late = every(1, "days", "2026-10-31T01:30:00-04:00", "America/New_York");
    // 01:30 happens twice on 1 November (EDT, then EST): the first, 05:30 UTC
    expect(series(late, "2026-10-31T00:00:00Z", "2026-11-02T12:00:00Z")).toEqual([
      "2026-10-31T05:30:00.000Z",
      "2026-11-01T05:30:00.000Z",
      "2026-11-02T06:30:00.000Z",
    ]);
  });

  it("keeps the seconds of startAt", () => {
    const t = every(1, "days", "2026-06-01T09:00:30.250Z", "Europe/Paris");
    expect(iso(nextOccurrence(t, d("2026-06-01T09:00:30.250Z")))).toBe("2026-06-02T09:00:30.250Z");
  });
});

describe("wall-clock times for the canvas", () => {
  it("shows an instant as the trigger's local time and reads a local time back as the instant", () => {
    expect(toWallTime("2026-06-01T07:00:00.000Z", "Europe/Paris")).toBe("2026-06-01T09:00");
    expect(toWallTime("2026-06-01T09:00:00+02:00", "America/New_York")).toBe("2026-06-01T03:00");
    expect(fromWallTime("2026-06-01T09:00", "Europe/Paris")).toBe("2026-06-01T07:00:00.000Z");
    expect(fromWallTime("2026-01-15T09:00", "Europe/Paris")).toBe("2026-01-15T08:00:00.000Z");
    // a time the clocks skip lands just after the gap, as the engine reads it
    expect(fromWallTime("2026-03-29T02:30", "Europe/Paris")).toBe("2026-03-29T01:30:00.000Z");
    const stored = fromWallTime("2026-10-25T18:45", "Asia/Tokyo");
    expect(
      NODE_CONFIGS["trigger.schedule"].safeParse({
        schedule: { kind: "once", at: stored },
        timezone: "Asia/Tokyo",
        segmentId: "s",
      }).success,
    ).toBe(true);
    expect(toWallTime(stored, "Asia/Tokyo")).toBe("2026-10-25T18:45");
  });

  it("uses UTC while the time zone is still being typed, and nothing for empty or bad values", () => {
    expect(toWallTime("2026-06-01T07:00:00Z", "Europe/Pa")).toBe("2026-06-01T07:00");
    expect(fromWallTime("2026-06-01T07:00", "")).toBe("2026-06-01T07:00:00.000Z");
    expect(toWallTime("", "UTC")).toBe("");
    expect(toWallTime(undefined, "UTC")).toBe("");
    expect(toWallTime("not a date", "UTC")).toBe("");
    expect(fromWallTime("", "UTC")).toBe("");
    expect(fromWallTime("2026-06-01", "UTC")).toBe("");
  });
});
