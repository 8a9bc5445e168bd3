/**
 * The app's one date format and one pluraliser (components/ui/format.ts): every date states its zone, and a
 * count of one reads in the singular.
 */
import { describe, expect, it } from "vitest";
import { formatDateTime, formatTimesInText, plural, pluralNoun, UNKNOWN_TIME } from "./format";

describe("formatDateTime", () => {
  it("writes day, short month, year and time, and names the zone (UTC unless told)", () => {
    expect(formatDateTime("2026-12-06T14:05:09.123Z")).toBe("6 Dec 2026, 14:05 (UTC)");
    expect(formatDateTime(new Date("2026-12-06T14:05:09Z"), { seconds: true })).toBe("6 Dec 2026, 14:05:09 (UTC)");
  });

  it("writes the time in the viewer's zone, and says which", () => {
    expect(formatDateTime("2026-12-06T14:05:00Z", { timeZone: "Europe/Paris" })).toBe(
      "6 Dec 2026, 15:05 (Europe/Paris)",
    );
    expect(formatDateTime("2026-07-01T23:30:00Z", { timeZone: "America/New_York" })).toBe(
      "1 Jul 2026, 19:30 (America/New_York)",
    );
  });

  it("falls back to UTC for a zone it does not know, and never throws on a bad time", () => {
    expect(formatDateTime("2026-12-06T14:05:00Z", { timeZone: "Mars/Olympus" })).toBe("6 Dec 2026, 14:05 (UTC)");
    expect(formatDateTime("not a time")).toBe(UNKNOWN_TIME);
    expect(formatDateTime(null)).toBe("—");
    expect(formatDateTime(undefined)).toBe("—");
  });

  it("rewrites ISO timestamps inside a sentence", () => {
    expect(formatTimesInText("Waiting 2 days, until 2026-12-08T09:00:00.000Z")).toBe(
      "Waiting 2 days, until 8 Dec 2026, 09:00 (UTC)",
    );
    expect(
      formatTimesInText("Waiting until 09:00 in Europe/Paris (2026-12-08T08:00:00.000Z)", { timeZone: "Europe/Paris" }),
    ).toBe("Waiting until 09:00 in Europe/Paris (8 Dec 2026, 09:00 (Europe/Paris))");
    expect(formatTimesInText("No time here")).toBe("No time here");
  });
});

describe("plural", () => {
  it("puts the noun in the singular for one and the plural otherwise, the count grouped", () => {
    expect(plural(1, "conversion")).toBe("1 conversion");
    expect(plural(0, "conversion")).toBe("0 conversions");
    expect(plural(2, "conversion")).toBe("2 conversions");
    expect(plural(1204, "person", "people")).toBe("1,204 people");
    expect(plural(1, "person", "people")).toBe("1 person");
    expect(pluralNoun(1, "message")).toBe("message");
    expect(pluralNoun(3, "message")).toBe("messages");
  });
});
