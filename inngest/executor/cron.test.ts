import { describe, expect, it } from "vitest";
import { dueTick, nextFireTime, parseCron } from "./cron";

const t = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe("cron", () => {
  it("every minute and every second", () => {
    expect(iso(nextFireTime(parseCron("* * * * *"), t("2026-01-01T10:00:00Z")))).toBe("2026-01-01T10:01:00.000Z");
    expect(iso(nextFireTime(parseCron("* * * * *"), t("2026-01-01T10:00:30.5Z")))).toBe("2026-01-01T10:01:00.000Z");
    expect(iso(nextFireTime(parseCron("* * * * * *"), t("2026-01-01T10:00:00.250Z")))).toBe("2026-01-01T10:00:01.000Z");
  });

  it("steps, ranges, lists and names", () => {
    expect(iso(nextFireTime(parseCron("*/15 * * * *"), t("2026-01-01T10:14:00Z")))).toBe("2026-01-01T10:15:00.000Z");
    expect(iso(nextFireTime(parseCron("0 9-17/4 * * mon-fri"), t("2026-01-02T17:00:00Z")))).toBe(
      "2026-01-05T09:00:00.000Z",
    ); // Fri → Mon
    expect(iso(nextFireTime(parseCron("30 2 1,15 * *"), t("2026-01-01T03:00:00Z")))).toBe("2026-01-15T02:30:00.000Z");
    expect(iso(nextFireTime(parseCron("0 0 1 feb *"), t("2026-03-01T00:00:00Z")))).toBe("2027-02-01T00:00:00.000Z");
    expect(iso(nextFireTime(parseCron("*/10 * * * * *"), t("2026-01-01T10:00:05Z")))).toBe("2026-01-01T10:00:10.000Z");
    expect(iso(nextFireTime(parseCron("@hourly"), t("2026-01-01T10:00:00Z")))).toBe("2026-01-01T11:00:00.000Z");
    expect(iso(nextFireTime(parseCron("TZ=UTC 0 12 * * 7"), t("2026-01-01T00:00:00Z")))).toBe(
      "2026-01-04T12:00:00.000Z",
    ); // Sunday
  });

  it("day of month or day of week when both are restricted (Vixie cron)", () => {
    // 2026-01-13 is a Tuesday; the 15th is a Thursday.
    expect(iso(nextFireTime(parseCron("0 0 15 * 2"), t("2026-01-12T00:00:00Z")))).toBe("2026-01-13T00:00:00.000Z");
  });

  it("rejects what it cannot read", () => {
    expect(() => parseCron("* * * *")).toThrow(/5 fields/);
    expect(() => parseCron("61 * * * *")).toThrow(/outside 0-59/);
    expect(() => parseCron("TZ=Europe/Paris * * * * *")).toThrow(/UTC only/);
    expect(() => parseCron("*/0 * * * *")).toThrow(/bad step/);
    expect(() => parseCron("L * * * *")).toThrow(/not a number/);
  });

  it("collapses missed ticks into one catch-up tick", () => {
    const everyMinute = parseCron("* * * * *");
    expect(dueTick(everyMinute, t("2026-01-01T10:00:00Z"), t("2026-01-01T10:00:59Z"))).toBeUndefined();
    expect(iso(dueTick(everyMinute, t("2026-01-01T10:00:00Z"), t("2026-01-01T10:01:00Z")))).toBe(
      "2026-01-01T10:01:00.000Z",
    );
    expect(iso(dueTick(everyMinute, t("2026-01-01T10:00:00Z"), t("2026-01-01T13:37:20Z")))).toBe(
      "2026-01-01T13:37:00.000Z",
    );
    expect(iso(dueTick(parseCron("* * * * * *"), t("2026-01-01T10:00:00Z"), t("2026-01-03T10:00:00.5Z")))).toBe(
      "2026-01-03T10:00:00.000Z",
    );
  });
});
