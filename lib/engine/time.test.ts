import { describe, expect, it } from "vitest";
import { durationMs, nextTimeOfDay, parseDateTrait, zonedTimeToInstant } from "./time";

describe("nextTimeOfDay", () => {
  it("is later today when the time has not come yet, tomorrow when it has", () => {
    expect(nextTimeOfDay(new Date("2026-06-10T05:00:00Z"), "09:00", "Europe/Paris").toISOString()).toBe(
      "2026-06-10T07:00:00.000Z",
    );
    expect(nextTimeOfDay(new Date("2026-06-10T07:00:00Z"), "09:00", "Europe/Paris").toISOString()).toBe(
      "2026-06-11T07:00:00.000Z",
    );
  });

  it("keeps 9:00 local across the spring-forward night (Paris, 29 March 2026)", () => {
    // Saturday 10:00 Paris (UTC+1) → Sunday 9:00 Paris is already summer time (UTC+2).
    expect(nextTimeOfDay(new Date("2026-03-28T09:00:00Z"), "09:00", "Europe/Paris").toISOString()).toBe(
      "2026-03-29T07:00:00.000Z",
    );
  });

  it("keeps 9:00 local across the fall-back night (New York, 1 November 2026)", () => {
    // Saturday noon New York (UTC−4) → Sunday 9:00 is standard time (UTC−5).
    expect(nextTimeOfDay(new Date("2026-10-31T16:00:00Z"), "09:00", "America/New_York").toISOString()).toBe(
      "2026-11-01T14:00:00.000Z",
    );
  });

  it("moves a time the clocks skip to just after the gap", () => {
    // 02:30 does not exist in Paris on 29 March 2026; 03:30 summer time is 01:30Z.
    expect(
      zonedTimeToInstant({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, "Europe/Paris").toISOString(),
    ).toBe("2026-03-29T01:30:00.000Z");
  });

  it("takes the first of a time that happens twice", () => {
    // 01:30 happens twice in New York on 1 November 2026: first in daylight time (05:30Z).
    expect(
      zonedTimeToInstant({ year: 2026, month: 11, day: 1, hour: 1, minute: 30 }, "America/New_York").toISOString(),
    ).toBe("2026-11-01T05:30:00.000Z");
  });

  it("works east of UTC across midnight", () => {
    expect(nextTimeOfDay(new Date("2026-06-10T23:30:00Z"), "09:00", "Asia/Tokyo").toISOString()).toBe(
      "2026-06-11T00:00:00.000Z",
    );
  });
});

describe("durations and date traits", () => {
  it("counts elapsed time", () => {
    expect(durationMs({ amount: 3, unit: "days" })).toBe(3 * 86_400_000);
    expect(durationMs({ amount: 2, unit: "weeks" })).toBe(14 * 86_400_000);
  });

  it("reads ISO date-times, dates in the person's zone, and Unix timestamps; refuses the rest", () => {
    expect(parseDateTrait("2026-12-01T10:00:00Z", "UTC")?.toISOString()).toBe("2026-12-01T10:00:00.000Z");
    expect(parseDateTrait("2026-12-01", "Europe/Paris")?.toISOString()).toBe("2026-11-30T23:00:00.000Z");
    expect(parseDateTrait(1_800_000_000, "UTC")?.toISOString()).toBe("2027-01-15T08:00:00.000Z");
    expect(parseDateTrait(1_800_000_000_000, "UTC")?.toISOString()).toBe("2027-01-15T08:00:00.000Z");
    expect(parseDateTrait("soon", "UTC")).toBeNull();
    expect(parseDateTrait("2026-13-01", "UTC")).toBeNull();
    expect(parseDateTrait(null, "UTC")).toBeNull();
  });
});
