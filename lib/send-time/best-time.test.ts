import { describe, expect, it } from "vitest";
import { localParts } from "../engine/time";
import { CHANNEL_EVENT_PREFIX } from "../messaging/engagement";
import { chooseBestTime, type OwnHistory, type WorkspacePattern } from "./best-time";
import { engagementKind, MESSAGE_EVENT_PREFIXES, priorStrength, PRIOR_ENGAGEMENTS } from "./engagement-model";
import { describeHourOfWeek, HourOfWeekCache, hourOfWeekAt } from "./hour-of-week";

/** A workspace whose people mostly engage at `peak` (hour of week), with a little everywhere else. */
function pattern(peak: number, people = 50): WorkspacePattern {
  const weights = Array.from({ length: 168 }, (_, h) => (h === peak ? 30 : 1));
  return { weights, total: weights.reduce((a, b) => a + b, 0), people };
}

function history(byHour: Record<number, number>, asOf: Date): OwnHistory {
  const total = Object.values(byHour).reduce((a, b) => a + b, 0);
  return { weights: Object.fromEntries(Object.entries(byHour)), total, engagements: Math.round(total), asOf };
}

const SUNDAY = 6 * 24;
const TUESDAY = 24;

describe("hour of the week", () => {
  it("counts from Monday 00:00 in the given zone", () => {
    expect(hourOfWeekAt(new Date("2026-12-07T00:30:00Z"), "UTC")).toBe(0); // a Monday
    expect(hourOfWeekAt(new Date("2026-12-07T00:30:00Z"), "America/New_York")).toBe(163); // still Sunday 19:30
    expect(hourOfWeekAt(new Date("2026-12-07T00:30:00Z"), "Asia/Kolkata")).toBe(6); // Monday 06:00
    expect(describeHourOfWeek(TUESDAY + 9)).toBe("Tuesday 09:00–10:00");
  });

  it("the cache answers like the direct computation, half-hour zones included", () => {
    const cache = new HourOfWeekCache();
    for (let i = 0; i < 500; i++) {
      const at = new Date(Date.UTC(2026, 2, 27) + i * 7 * 60_000 + 13_000);
      for (const zone of ["Europe/Paris", "Asia/Kolkata", "Asia/Kathmandu", "America/St_Johns"])
        expect(cache.hourOfWeek(at, zone)).toBe(hourOfWeekAt(at, zone));
    }
  });

  it("knows every channel's open and click event", () => {
    expect([...MESSAGE_EVENT_PREFIXES].sort()).toEqual(Object.values(CHANNEL_EVENT_PREFIX).sort());
    expect(engagementKind("track", "Push Notification Link Clicked")).toBe("click");
    expect(engagementKind("track", "In-App Message Opened")).toBe("open");
    expect(engagementKind("page", "Page Viewed")).toBe("session");
    expect(engagementKind("track", "Order Completed")).toBe("purchase");
    expect(engagementKind("track", "Product Viewed")).toBeNull();
  });
});

describe("chooseBestTime", () => {
  const now = new Date("2026-03-28T11:00:00Z"); // Saturday 12:00 in Paris (CET, +1)

  it("with no workspace data at all sends at once and says so", () => {
    const choice = chooseBestTime({
      now,
      within: "7d",
      timeZone: "UTC",
      zoneSource: "profile",
      own: null,
      workspace: null,
    });
    expect(choice).toMatchObject({ at: now, source: "none", hourOfWeek: null });
    expect(choice.reason).toMatch(/No engagement history in this workspace/);
  });

  it("follows the workspace's pattern for a person without history", () => {
    const choice = chooseBestTime({
      now,
      within: "7d",
      timeZone: "Europe/Paris",
      zoneSource: "profile",
      own: null,
      workspace: pattern(TUESDAY + 10),
    });
    expect(choice.source).toBe("workspace");
    expect(choice.hourOfWeek).toBe(TUESDAY + 10);
    // Tuesday 31 March 10:00 in Paris is CEST (+2) by then: 08:00 UTC
    expect(choice.at.toISOString()).toBe("2026-03-31T08:00:00.000Z");
    expect(choice.reason).toMatch(/No engagement of their own yet/);
  });

  it("thin history leans on the workspace; a habit seen often enough wins", () => {
    const workspace = pattern(TUESDAY + 10);
    const thin = chooseBestTime({
      now,
      within: "7d",
      timeZone: "UTC",
      zoneSource: "profile",
      own: history({ [TUESDAY + 21]: 2 }, now),
      workspace,
    });
    expect(thin).toMatchObject({ source: "workspace", hourOfWeek: TUESDAY + 10, engagements: 2 });
    expect(thin.reason).toMatch(/Only 2 engagements of their own/);
    const habit = chooseBestTime({
      now,
      within: "7d",
      timeZone: "UTC",
      zoneSource: "profile",
      own: history({ [TUESDAY + 21]: 6, [TUESDAY + 10]: 1 }, now),
      workspace,
    });
    expect(habit).toMatchObject({ source: "own", hourOfWeek: TUESDAY + 21 });
    expect(habit.reason).toMatch(/Their own history: 7 engagements, most likely Tuesday 21:00–22:00/);
  });

  it("an old habit fades toward the workspace (decayed as of now)", () => {
    const workspace = pattern(TUESDAY + 10);
    const own = history({ [TUESDAY + 21]: 6 }, new Date(now.getTime() - 90 * 86_400_000));
    const choice = chooseBestTime({ now, within: "7d", timeZone: "UTC", zoneSource: "profile", own, workspace });
    expect(choice.source).toBe("workspace"); // 6 × 2^-3 = 0.75 engagements left
  });

  it("α makes the workspace's busiest hour worth PRIOR_ENGAGEMENTS engagements", () => {
    const workspace = pattern(5);
    expect((priorStrength(workspace.weights) * 30) / workspace.total).toBeCloseTo(PRIOR_ENGAGEMENTS);
    expect(priorStrength(new Array(168).fill(0))).toBe(0);
  });

  it("across the spring-forward night: Sunday 03:00 in Paris is 01:00 UTC (CEST), and the skipped 02:00 is never chosen", () => {
    const workspace = pattern(SUNDAY + 2);
    const own = history({ [SUNDAY + 3]: 8 }, now);
    const choice = chooseBestTime({
      now,
      within: "24h",
      timeZone: "Europe/Paris",
      zoneSource: "profile",
      own,
      workspace,
    });
    expect(choice).toMatchObject({ source: "own", hourOfWeek: SUNDAY + 3 });
    expect(choice.at.toISOString()).toBe("2026-03-29T01:00:00.000Z");
    // Only the workspace's 02:00 to go on: it does not exist that night, so another hour is chosen, never a
    // moment that is 02:00 nowhere.
    const skipped = chooseBestTime({
      now,
      within: "24h",
      timeZone: "Europe/Paris",
      zoneSource: "profile",
      own: null,
      workspace,
    });
    expect(skipped.hourOfWeek).not.toBe(SUNDAY + 2);
    expect(hourOfWeekAt(skipped.at, "Europe/Paris")).toBe(skipped.hourOfWeek);
  });

  it("across the fall-back night: the repeated 02:00 is taken at its first occurrence, later hours at the winter offset", () => {
    const saturday = new Date("2026-10-24T10:00:00Z"); // Saturday 12:00 CEST
    const workspace = pattern(SUNDAY + 2);
    const first = chooseBestTime({
      now: saturday,
      within: "24h",
      timeZone: "Europe/Paris",
      zoneSource: "profile",
      own: null,
      workspace,
    });
    expect(first.at.toISOString()).toBe("2026-10-25T00:00:00.000Z"); // 02:00 CEST; 02:00 CET is 01:00 UTC
    const nine = chooseBestTime({
      now: saturday,
      within: "24h",
      timeZone: "Europe/Paris",
      zoneSource: "profile",
      own: history({ [SUNDAY + 9]: 8 }, saturday),
      workspace,
    });
    expect(nine.at.toISOString()).toBe("2026-10-25T08:00:00.000Z"); // 09:00 CET
  });

  it("chooses only within the window, and sends at once when the best hour is the current one", () => {
    const monday = new Date("2026-12-07T09:20:00Z");
    const workspace = pattern(4 * 24 + 18); // Friday 18:00
    const day = chooseBestTime({
      now: monday,
      within: "24h",
      timeZone: "UTC",
      zoneSource: "workspace",
      own: null,
      workspace,
    });
    expect(day.at.getTime() - monday.getTime()).toBeLessThan(86_400_000);
    expect(day.reason).toMatch(/the workspace's zone: the person has none/);
    const week = chooseBestTime({
      now: monday,
      within: "7d",
      timeZone: "UTC",
      zoneSource: "workspace",
      own: null,
      workspace,
    });
    expect(week.at.toISOString()).toBe("2026-12-11T18:00:00.000Z");
    const current = chooseBestTime({
      now: monday,
      within: "7d",
      timeZone: "UTC",
      zoneSource: "profile",
      own: null,
      workspace: pattern(9),
    });
    expect(current.at).toEqual(monday);
    expect(current.reason).toMatch(/sends now, within that hour/);
  });
  it("the chosen moment is always the start of the chosen local hour, inside the window, in every zone and season", () => {
    const zones = [
      "Europe/Paris",
      "America/New_York",
      "Asia/Kolkata",
      "Australia/Lord_Howe",
      "UTC",
      "America/Santiago",
    ];
    for (let i = 0; i < 400; i++) {
      const now = new Date(Date.UTC(2026, 0, 1) + i * 21.7 * 3_600_000 + i * 7_919);
      const zone = zones[i % zones.length];
      const within = i % 2 ? "24h" : "7d";
      const choice = chooseBestTime({
        now,
        within,
        timeZone: zone,
        zoneSource: "profile",
        own: null,
        workspace: pattern((i * 37) % 168),
      });
      expect(choice.at.getTime()).toBeGreaterThanOrEqual(now.getTime());
      expect(choice.at.getTime()).toBeLessThan(now.getTime() + (within === "24h" ? 1 : 7) * 86_400_000);
      expect(hourOfWeekAt(choice.at, zone)).toBe(choice.hourOfWeek);
      if (choice.at.getTime() !== now.getTime())
        expect(localParts(choice.at, zone)).toMatchObject({ minute: 0, second: 0 });
    }
  });
});
