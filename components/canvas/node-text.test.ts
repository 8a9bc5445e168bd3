import { describe, expect, it } from "vitest";
import { scheduleHint } from "./nodes/trigger-schedule/schedule-hint";
import { describeProblem, exitLabels, summarize } from "./node-text";

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

describe("what a node says about itself", () => {
  const named = new Map([
    ["seg-1", "VIPs"],
    ["tpl-1", "Welcome"],
  ]);

  it("summarizes each type's configuration in one line", () => {
    expect(summarize("trigger.event", { eventName: "Signed Up", filters: [{}, {}] })).toBe(
      "On “Signed Up” · 2 filters",
    );
    expect(summarize("trigger.event", { eventName: " " })).toBe("Choose an event");
    expect(summarize("trigger.segment", { segmentId: "seg-1" }, named)).toBe("Segment “VIPs”");
    expect(summarize("trigger.segment", { segmentId: "seg-9" }, named)).toBe("Segment seg-9");
    expect(summarize("trigger.api", {})).toBe("POST /api/v1/journeys/…/enroll");
    expect(summarize("delay.duration", { duration: { amount: 1, unit: "days" } })).toBe("Wait 1 day");
    expect(summarize("delay.duration", { duration: { unit: "days" } })).toBe("Wait —");
    expect(summarize("delay.time_of_day", { time: "09:00" })).toBe("Until 09:00 local time");
    expect(summarize("delay.until_date_trait", { trait: "renewalDate" })).toBe("Until the date in renewalDate");
    expect(summarize("wait_for_event", { eventName: "Paid", timeout: { amount: 2, unit: "hours" } })).toBe(
      "“Paid” within 2 hours",
    );
    expect(summarize("condition", { rules: { match: "any", rules: [{}, {}] } })).toBe("Any of 2 rules");
    expect(summarize("condition", {})).toBe("All of 0 rules");
    expect(summarize("branch", { branches: [{ id: "b1" }] })).toBe("1 path + else");
    expect(summarize("split", { arms: [{}, {}], holdout: { weight: 10 } })).toBe("2 arms · 10% held out");
    expect(summarize("action.email", { templateId: "tpl-1" }, named)).toBe("Welcome");
    expect(summarize("action.sms", { templateId: "tpl-2" }, named)).toBe("Template tpl-2");
    expect(summarize("action.push", {})).toBe("Choose a template");
    expect(summarize("action.webhook", { url: "https://x.test", method: "PUT", templateId: "tpl-1" }, named)).toBe(
      "PUT https://x.test · Welcome",
    );
    expect(summarize("action.webhook", { url: "https://x.test", templateId: "tpl-3" })).toBe(
      "POST https://x.test · saved template",
    );
    expect(summarize("action.webhook", { url: "" })).toBe("Enter a URL");
    expect(summarize("action.update_profile", { set: { plan: "pro" }, unset: ["trial"] })).toBe(
      "plan = pro, remove trial",
    );
    expect(summarize("action.update_profile", {})).toBe("Choose traits");
    expect(summarize("goal", { eventName: "Order Completed" })).toBe("Converts on “Order Completed”");
    expect(summarize("exit", {})).toBe("Leaves the journey");
  });

  it("labels each exit with the words on its handle", () => {
    expect(exitLabels("condition", {})).toEqual([
      { id: "yes", label: "Yes" },
      { id: "no", label: "No" },
    ]);
    expect(exitLabels("wait_for_event", {})).toEqual([
      { id: "arrived", label: "Arrived" },
      { id: "timed_out", label: "Timed out" },
    ]);
    expect(exitLabels("delay.duration", {})).toEqual([{ id: "next", label: "" }]);
    expect(exitLabels("branch", { branches: [{ id: "b1", label: "VIPs" }, { id: "b2" }] })).toEqual([
      { id: "b1", label: "VIPs" },
      { id: "b2", label: "b2" },
      { id: "else", label: "Else" },
    ]);
    expect(
      exitLabels("split", {
        arms: [
          { id: "a", label: "A", weight: 50 },
          { id: "b", label: "", weight: 50 },
          { id: "c", label: "C" },
        ],
      }),
    ).toEqual([
      { id: "a", label: "A · 50%" },
      { id: "b", label: "b · 50%" },
      { id: "c", label: "C" },
    ]);
    expect(exitLabels("goal", {})).toEqual([]);
  });

  it("names the template channel when a message step's template is missing", () => {
    const problem = { nodeId: "s", path: "config.templateId", message: "is required" };
    expect(describeProblem(problem, { data: { type: "action.in_app" } })).toBe(
      "Choose an existing in-app template (saved, not archived) for this step; Templates lists them.",
    );
    expect(describeProblem(problem, { data: { type: "action.webhook" } })).toBe(
      "Choose an existing webhook template (saved, not archived) for this step; Templates lists them.",
    );
  });
});
