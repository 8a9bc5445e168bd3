import { describe, expect, it } from "vitest";
import { describeProblem, scheduleHint, summarize } from "./node-meta";

const paris = (schedule: Record<string, unknown>) => ({ schedule, timezone: "Europe/Paris", segmentId: "seg-1" });
const names = new Map([["seg-1", "VIPs"]]);

describe("the schedule trigger on the canvas", () => {
  it("summarizes when it runs, in its time zone, and for whom", () => {
    expect(summarize("trigger.schedule", paris({ kind: "once", at: "2026-06-01T07:00:00.000Z" }), names)).toBe(
      "On 2026-06-01 09:00 · segment “VIPs”",
    );
    expect(
      summarize(
        "trigger.schedule",
        paris({ kind: "recurring", every: { amount: 2, unit: "weeks" }, startAt: "2026-01-05T08:00:00.000Z" }),
        names,
      ),
    ).toBe("Every 2 weeks from 2026-01-05 09:00 · segment “VIPs”");
    expect(summarize("trigger.schedule", { schedule: { kind: "once", at: "" }, timezone: "UTC", segmentId: "" })).toBe(
      "Choose a time · choose a segment",
    );
  });

  it("says when the next run is, or that a time already past never runs", () => {
    const now = new Date("2026-03-27T12:00:00Z");
    expect(
      scheduleHint(
        paris({ kind: "recurring", every: { amount: 1, unit: "days" }, startAt: "2026-03-01T08:00:00.000Z" }),
        now,
      ),
    ).toBe("Next run: 2026-03-28 09:00 Europe/Paris.");
    expect(scheduleHint(paris({ kind: "once", at: "2026-04-01T07:00:00.000Z" }), now)).toBe(
      "Next run: 2026-04-01 09:00 Europe/Paris.",
    );
    expect(scheduleHint(paris({ kind: "once", at: "2026-03-01T07:00:00.000Z" }), now)).toBe(
      "This time has passed: a schedule runs only at times after it is published.",
    );
    // before a segment is chosen, too
    expect(
      scheduleHint({ schedule: { kind: "once", at: "2026-04-01T07:00:00.000Z" }, timezone: "UTC", segmentId: "" }, now),
    ).toBe("Next run: 2026-04-01 07:00 UTC.");
    // incomplete times: the field errors speak instead
    expect(scheduleHint(paris({ kind: "once", at: "" }), now)).toBeUndefined();
    expect(
      scheduleHint({ ...paris({ kind: "once", at: "2026-04-01T07:00:00.000Z" }), timezone: "Mars/Olympus" }, now),
    ).toBeUndefined();
  });

  it("names a missing schedule time as a choice to make, other problems as they are", () => {
    const node = { data: { type: "trigger.schedule" as const } };
    expect(
      describeProblem({ nodeId: "t", path: "config.schedule.at", message: "must be an ISO 8601 date-time" }, node),
    ).toBe("Schedule date: choose a date and time");
    expect(
      describeProblem({ nodeId: "t", path: "config.schedule.startAt", message: "must be an ISO 8601 date-time" }, node),
    ).toBe("Schedule start: choose a date and time");
    expect(
      describeProblem(
        { nodeId: "t", path: "config.timezone", message: "must be an IANA time zone, e.g. Europe/Paris" },
        node,
      ),
    ).toBe("Time zone: must be an IANA time zone, e.g. Europe/Paris");
    expect(
      describeProblem({ nodeId: "t", path: "config.schedule.every.amount", message: "must be at least 1" }, node),
    ).toBe("Schedule every amount: must be at least 1");
    // a condition's rule list reads once, with the rule's number (it read "Rules Rules #1 value")
    expect(
      describeProblem({ nodeId: "t", path: "config.rules.rules.0.value", message: "must not be empty" }, node),
    ).toBe("Rule 1 value: must not be empty");
    // a journey-level problem does not name the journey's internal list (it read "Nodes: a journey needs…")
    expect(describeProblem({ nodeId: "", path: "nodes", message: "a journey needs exactly one trigger" }, node)).toBe(
      "A journey needs exactly one trigger",
    );
  });
});
