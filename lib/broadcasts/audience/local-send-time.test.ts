import { describe, expect, it } from "vitest";
import { AppError } from "../../errors";
import {
  firstSendMoment,
  hourlyDistribution,
  lastSendMoment,
  recipientZone,
  sendMomentIn,
  wallClockMs,
} from "./local-send-time";

const at = (zone: string, date: string, time: string) => sendMomentIn(zone, date, time).toISOString();

describe("sendMomentIn", () => {
  it("is the local time in zones without a change that day, including half-hour and extreme offsets", () => {
    expect(at("Europe/Berlin", "2026-03-28", "09:00")).toBe("2026-03-28T08:00:00.000Z"); // CET +1
    expect(at("Asia/Kolkata", "2026-03-29", "09:00")).toBe("2026-03-29T03:30:00.000Z"); // +05:30
    expect(at("Pacific/Kiritimati", "2026-03-29", "09:00")).toBe("2026-03-28T19:00:00.000Z"); // +14
    expect(at("Etc/GMT+12", "2026-03-29", "09:00")).toBe("2026-03-29T21:00:00.000Z"); // −12
    expect(at("UTC", "2026-03-29", "00:00")).toBe("2026-03-29T00:00:00.000Z");
  });

  it("uses the offset after a spring-forward change for a time after it (Berlin 2026-03-29, +1 → +2)", () => {
    expect(at("Europe/Berlin", "2026-03-29", "01:59")).toBe("2026-03-29T00:59:00.000Z");
    expect(at("Europe/Berlin", "2026-03-29", "09:00")).toBe("2026-03-29T07:00:00.000Z");
  });

  it("sends a skipped time at the first instant after the gap", () => {
    // Berlin: 02:00 → 03:00 at 01:00Z
    expect(at("Europe/Berlin", "2026-03-29", "02:00")).toBe("2026-03-29T01:00:00.000Z");
    expect(at("Europe/Berlin", "2026-03-29", "02:30")).toBe("2026-03-29T01:00:00.000Z");
    expect(at("Europe/Berlin", "2026-03-29", "03:00")).toBe("2026-03-29T01:00:00.000Z");
    // New York: 02:00 → 03:00 EDT at 07:00Z
    expect(at("America/New_York", "2026-03-08", "02:15")).toBe("2026-03-08T07:00:00.000Z");
    // Sydney (southern hemisphere, October): 02:00 → 03:00 AEDT at 16:00Z the day before
    expect(at("Australia/Sydney", "2026-10-04", "02:30")).toBe("2026-10-03T16:00:00.000Z");
    // Lord Howe moves by 30 minutes: 02:00 → 02:30
    expect(at("Australia/Lord_Howe", "2026-10-04", "02:15")).toBe("2026-10-03T15:30:00.000Z");
  });

  it("sends a time that happens twice at its first occurrence", () => {
    // New York 2026-11-01: 01:30 EDT (05:30Z), then 01:30 EST (06:30Z)
    expect(at("America/New_York", "2026-11-01", "01:30")).toBe("2026-11-01T05:30:00.000Z");
    expect(at("America/New_York", "2026-11-01", "02:00")).toBe("2026-11-01T07:00:00.000Z");
    expect(at("America/New_York", "2026-11-01", "00:59")).toBe("2026-11-01T04:59:00.000Z");
    // Berlin 2026-10-25 and Sydney 2026-04-05
    expect(at("Europe/Berlin", "2026-10-25", "02:30")).toBe("2026-10-25T00:30:00.000Z");
    expect(at("Australia/Sydney", "2026-04-05", "02:30")).toBe("2026-04-04T15:30:00.000Z");
    expect(at("Australia/Sydney", "2026-04-05", "09:00")).toBe("2026-04-04T23:00:00.000Z"); // AEST +10
  });

  it("refuses a zone, date or time that does not exist, naming the field", () => {
    const field = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(AppError);
        return (error as AppError).fields[0]?.path;
      }
      throw new Error("did not throw");
    };
    expect(field(() => sendMomentIn("Mars/Olympus", "2026-03-29", "09:00"))).toBe("timezone");
    expect(field(() => sendMomentIn("", "2026-03-29", "09:00"))).toBe("timezone");
    expect(field(() => sendMomentIn("UTC", "2026-02-30", "09:00"))).toBe("localDate");
    expect(field(() => sendMomentIn("UTC", "29.03.2026", "09:00"))).toBe("localDate");
    expect(field(() => sendMomentIn("UTC", "2026-03-29", "24:00"))).toBe("localTime");
    expect(field(() => sendMomentIn("UTC", "2026-03-29", "9:00"))).toBe("localTime");
    expect(field(() => wallClockMs("2026-13-01", "09:00"))).toBe("localDate");
  });
});

describe("first and last send moments", () => {
  it("are when UTC+14 and UTC−12 reach the local time, bracketing every zone", () => {
    expect(firstSendMoment("2026-03-29", "09:00").toISOString()).toBe("2026-03-28T19:00:00.000Z");
    expect(lastSendMoment("2026-03-29", "09:00").toISOString()).toBe("2026-03-29T21:00:00.000Z");
    expect(firstSendMoment("2026-03-29", "09:00")).toEqual(sendMomentIn("Pacific/Kiritimati", "2026-03-29", "09:00"));
    expect(lastSendMoment("2026-03-29", "09:00")).toEqual(sendMomentIn("Etc/GMT+12", "2026-03-29", "09:00"));
    const first = firstSendMoment("2026-11-01", "01:30").getTime();
    const last = lastSendMoment("2026-11-01", "01:30").getTime();
    for (const zone of Intl.supportedValuesOf("timeZone")) {
      const moment = sendMomentIn(zone, "2026-11-01", "01:30").getTime();
      expect(moment, zone).toBeGreaterThanOrEqual(first);
      expect(moment, zone).toBeLessThanOrEqual(last);
    }
  });
});

describe("recipientZone", () => {
  it("keeps a person's zone and falls back to the broadcast's for an unknown or invalid one", () => {
    expect(recipientZone("Asia/Kolkata", "Europe/Berlin")).toBe("Asia/Kolkata");
    expect(recipientZone(null, "Europe/Berlin")).toBe("Europe/Berlin");
    expect(recipientZone("", "Europe/Berlin")).toBe("Europe/Berlin");
    expect(recipientZone("Not/AZone", "Europe/Berlin")).toBe("Europe/Berlin");
    expect(recipientZone("Not/AZone", "Also/Wrong")).toBe("UTC");
  });
});

describe("hourlyDistribution", () => {
  it("counts messages per UTC hour, unknown zones in the fallback zone", () => {
    const hours = hourlyDistribution(
      [
        { zone: "Europe/Berlin", count: 10 },
        { zone: "Europe/Paris", count: 5 }, // same hour as Berlin
        { zone: "Asia/Kolkata", count: 3 }, // 03:30Z → the 03:00 hour
        { zone: null, count: 2 }, // falls back to New York: 13:00Z (EDT since March 8)
        { zone: "Bogus/Zone", count: 1 },
        { zone: "Pacific/Kiritimati", count: 0 }, // nobody: no hour
      ],
      "2026-03-29",
      "09:00",
      "America/New_York",
    );
    expect(hours.map((h) => [h.hour.toISOString(), h.count])).toEqual([
      ["2026-03-29T03:00:00.000Z", 3],
      ["2026-03-29T07:00:00.000Z", 15],
      ["2026-03-29T13:00:00.000Z", 3],
    ]);
  });

  it("is empty for an empty audience", () => {
    expect(hourlyDistribution([], "2026-03-29", "09:00", "UTC")).toEqual([]);
  });
});
