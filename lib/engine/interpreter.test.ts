import { describe, expect, it } from "vitest";
import type { TNode } from "../journeys/graph";
import { decideNode, decideOnEvent, pickArm, splitBucket, type NodeInput } from "./interpreter";
import { compare } from "./rules";

const now = new Date("2026-06-10T12:00:00Z");

function input(overrides: Partial<NodeInput> = {}, performed: Record<string, boolean> = {}): NodeInput {
  return {
    journeyId: "j1",
    enrollmentId: "e1",
    person: {
      profileId: "p1",
      userId: "u1",
      email: "ada@example.com",
      phone: null,
      timezone: "Europe/Paris",
      traits: { plan: "pro", age: 36, tags: ["vip"], renewal_date: "2026-07-01" },
    },
    trigger: {
      eventId: "1",
      name: "cart_updated",
      properties: { cartId: "c1", total: "120.50" },
      timestamp: now.toISOString(),
    },
    facts: { performed: (name, days) => performed[`${name}:${days ?? "ever"}`] ?? false, inSegment: () => false },
    now,
    ...overrides,
  };
}

const node = (type: TNode["type"], config: Record<string, unknown>, id = "n1"): TNode => ({
  id,
  type,
  position: { x: 0, y: 0 },
  config,
});

describe("the interpreter, node by node", () => {
  it("triggers go on and record the trigger", () => {
    const d = decideNode(node("trigger.event", { eventName: "cart_updated", filters: [] }), input());
    expect(d).toMatchObject({ kind: "continue", exit: "next", inputs: { trigger: { name: "cart_updated" } } });
  });

  it("a duration delay waits exactly that long", () => {
    expect(decideNode(node("delay.duration", { duration: { amount: 2, unit: "hours" } }), input())).toMatchObject({
      kind: "wait",
      wakeAt: new Date("2026-06-10T14:00:00Z"),
      timeoutExit: "next",
    });
  });

  it("a time-of-day delay uses the person's zone, or the fallback when they have none", () => {
    expect(
      decideNode(node("delay.time_of_day", { time: "09:00", fallbackTimezone: "America/New_York" }), input()),
    ).toMatchObject({ wakeAt: new Date("2026-06-11T07:00:00Z"), inputs: { source: "profile" } });
    const noZone = input({ person: { ...input().person, timezone: null } });
    expect(
      decideNode(node("delay.time_of_day", { time: "09:00", fallbackTimezone: "America/New_York" }), noZone),
    ).toMatchObject({ wakeAt: new Date("2026-06-10T13:00:00Z"), inputs: { source: "fallback" } });
  });

  it("a date-trait delay waits until the date, shifted by the offset; goes on if it passed; ends without a date", () => {
    const threeDaysBefore = node("delay.until_date_trait", {
      trait: "renewal_date",
      offset: { duration: { amount: 3, unit: "days" }, direction: "before" },
    });
    // 1 July 2026 at midnight in Paris is 30 June 22:00Z; three days before: 27 June 22:00Z.
    expect(decideNode(threeDaysBefore, input())).toMatchObject({
      kind: "wait",
      wakeAt: new Date("2026-06-27T22:00:00Z"),
    });
    const past = input({ person: { ...input().person, traits: { renewal_date: "2026-06-01" } } });
    expect(decideNode(threeDaysBefore, past)).toMatchObject({ kind: "continue", exit: "next" });
    const missing = input({ person: { ...input().person, traits: {} } });
    expect(decideNode(threeDaysBefore, missing)).toMatchObject({
      kind: "end",
      status: "COMPLETED",
      reason: "Trait renewal_date is missing or not a date",
    });
  });

  it("wait-for-event waits for the event with the trigger's match value, until the timeout", () => {
    const wait = node("wait_for_event", {
      eventName: "checkout_completed",
      timeout: { amount: 30, unit: "minutes" },
      match: { property: "cartId", triggerProperty: "cartId" },
    });
    expect(decideNode(wait, input())).toMatchObject({
      kind: "wait",
      wakeAt: new Date("2026-06-10T12:30:00Z"),
      timeoutExit: "timed_out",
      event: { name: "checkout_completed", matchProperty: "cartId", matchValue: "c1" },
    });
    // Without the property on the trigger nothing can match: only the timeout ends the wait.
    const noCart = input({ trigger: { ...input().trigger, properties: {} } });
    const d = decideNode(wait, noCart);
    expect(d).toMatchObject({ kind: "wait", timeoutExit: "timed_out" });
    expect(d.kind === "wait" && d.event).toBeFalsy();
  });

  it("a condition answers yes or no and records every check", () => {
    const cond = node("condition", {
      rules: {
        match: "all",
        rules: [
          { kind: "trait", trait: "plan", operator: "equals", value: "pro" },
          { kind: "event_property", property: "total", operator: "gt", value: 100 },
          { kind: "performed", eventName: "order_completed", performed: false, withinDays: 7 },
        ],
      },
    });
    expect(decideNode(cond, input())).toMatchObject({
      kind: "continue",
      exit: "yes",
      inputs: { matched: true, checks: [{ actual: "pro" }, { actual: "120.50" }, { actual: false }] },
    });
    expect(decideNode(cond, input({}, { "order_completed:7": true }))).toMatchObject({ exit: "no" });
  });

  it("a branch takes the first match, else 'else'", () => {
    const branch = node("branch", {
      branches: [
        {
          id: "young",
          label: "Under 30",
          rules: { match: "all", rules: [{ kind: "trait", trait: "age", operator: "lt", value: 30 }] },
        },
        {
          id: "vip",
          label: "VIP",
          rules: { match: "any", rules: [{ kind: "trait", trait: "tags", operator: "contains", value: "vip" }] },
        },
        {
          id: "pro",
          label: "Pro",
          rules: { match: "all", rules: [{ kind: "trait", trait: "plan", operator: "equals", value: "pro" }] },
        },
      ],
    });
    expect(decideNode(branch, input())).toMatchObject({ kind: "continue", exit: "vip", outcome: 'Matched "VIP"' });
    expect(decideNode(branch, input({ person: { ...input().person, traits: { age: 50 } } }))).toMatchObject({
      exit: "else",
    });
  });

  it("a split assigns deterministically by person and node, in proportion to the weights, with a holdout", () => {
    const split = node(
      "split",
      {
        arms: [
          { id: "a", label: "A", weight: 45 },
          { id: "b", label: "B", weight: 45 },
        ],
        holdout: { weight: 10 },
      },
      "split1",
    );
    const first = decideNode(split, input());
    expect(decideNode(split, input())).toEqual(first);
    const counts: Record<string, number> = { a: 0, b: 0, holdout: 0 };
    for (let i = 0; i < 20_000; i++)
      counts[
        pickArm(
          splitBucket(`person-${i}`, "j1", "split1"),
          [
            { id: "a", weight: 45 },
            { id: "b", weight: 45 },
          ],
          10,
        )
      ]++;
    // Each share within 4 standard errors of its weight, sqrt(p(1 − p)/20,000): ±1.4 points for 45%, ±0.85 for 10%
    // (a fair hash lands outside with probability 6e-5).
    for (const [arm, p] of [
      ["a", 0.45],
      ["b", 0.45],
      ["holdout", 0.1],
    ] as const) {
      expect(Math.abs(counts[arm] / 20_000 - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / 20_000));
    }
    // Held-out people walk on through the control arm's exit (the first arm), held out from here on.
    const heldOut = Array.from({ length: 200 }, (_, i) => `p${i}`).find(
      (p) =>
        pickArm(
          splitBucket(p, "j1", "split1"),
          [
            { id: "a", weight: 45 },
            { id: "b", weight: 45 },
          ],
          10,
        ) === "holdout",
    )!;
    expect(decideNode(split, input({ person: { ...input().person, profileId: heldOut } }))).toMatchObject({
      kind: "split",
      armId: "holdout",
      exit: "a",
      outcome: "Held out: walks on as A (the control) would, and gets nothing from this journey",
      inputs: { heldOut: true, control: "a" },
    });
  });

  it("held out: no assignment at a later split, only its control arm; messages, webhooks and profile updates are withheld, saying what they would have done", () => {
    const heldOut = input({ heldOutBy: "ab" });
    // A later split, even one whose hash would give this person another arm, assigns nothing.
    const later = node(
      "split",
      {
        arms: [
          { id: "x", label: "X", weight: 1 },
          { id: "y", label: "Y", weight: 99 },
        ],
      },
      "later",
    );
    expect(decideNode(later, input())).toMatchObject({ kind: "split", armId: "y" });
    expect(decideNode(later, heldOut)).toEqual({
      kind: "continue",
      exit: "x",
      outcome: "Still held out: follows X (the control) without being assigned here",
      inputs: { heldOutBy: "ab", control: "x" },
    });

    const email = { ...node("action.email", { templateId: "tpl_welcome" }), label: "Welcome" };
    expect(decideNode(email, heldOut)).toEqual({
      kind: "withheld",
      effect: "message",
      outcome: "Held out: would have sent the email “Welcome” now; nothing was sent",
      inputs: { heldOutBy: "ab", withheld: "message", channel: "email", templateId: "tpl_welcome" },
    });
    expect(decideNode(node("action.in_app", { templateId: "tpl_2" }), heldOut)).toMatchObject({
      kind: "withheld",
      effect: "message",
      outcome: "Held out: would have sent the in-app message (template tpl_2) now; nothing was sent",
    });

    const hook = node("action.webhook", {
      url: "https://example.com/hook",
      method: "POST",
      headers: {},
      body: '{"email":"{{ profile.email }}"}',
    });
    expect(decideNode(hook, heldOut)).toEqual({
      kind: "withheld",
      effect: "webhook",
      outcome: "Held out: would have called POST https://example.com/hook now; no call was made",
      inputs: { heldOutBy: "ab", withheld: "webhook", method: "POST", url: "https://example.com/hook" },
    });

    const update = node("action.update_profile", { set: { stage: "lead" }, unset: ["temp"] });
    expect(decideNode(update, heldOut)).toMatchObject({
      kind: "withheld",
      effect: "update_profile",
      outcome: "Held out: would have updated the profile (set stage, removed temp); left unchanged",
    });

    // Everything else decides as for anyone: their timing and path are real.
    const delay = node("delay.duration", { duration: { amount: 2, unit: "hours" } });
    expect(decideNode(delay, heldOut)).toEqual(decideNode(delay, input()));
    const condition = node("condition", {
      rules: { match: "all", rules: [{ kind: "trait", trait: "plan", operator: "equals", value: "pro" }] },
    });
    expect(decideNode(condition, heldOut)).toEqual(decideNode(condition, input()));
    expect(decideNode(node("goal", { eventName: "order_completed" }), heldOut)).toMatchObject({
      kind: "end",
      status: "COMPLETED",
    });
  });

  it("message actions queue their channel and template", () => {
    expect(decideNode(node("action.sms", { templateId: "tpl_1" }), input())).toMatchObject({
      kind: "message",
      channel: "sms",
      templateId: "tpl_1",
    });
    expect(decideNode(node("action.in_app", { templateId: "tpl_2" }), input())).toMatchObject({
      kind: "message",
      channel: "in_app",
    });
  });

  it("a webhook fills its body's placeholders from the person and the trigger", () => {
    const hook = node("action.webhook", {
      url: "https://example.com/hook",
      method: "POST",
      headers: { "x-team": "growth" },
      body: '{"email":"{{ profile.email }}","cart":"{{event.properties.cartId}}","missing":"{{ profile.traits.nope }}"}',
    });
    expect(decideNode(hook, input())).toMatchObject({
      kind: "webhook",
      request: {
        url: "https://example.com/hook",
        method: "POST",
        headers: { "x-team": "growth" },
        body: '{"email":"ada@example.com","cart":"c1","missing":""}',
      },
    });
  });

  it("update-profile sets and removes traits; goal and exit end the journey", () => {
    expect(
      decideNode(node("action.update_profile", { set: { stage: "lead" }, unset: ["temp"] }), input()),
    ).toMatchObject({ kind: "update_profile", set: { stage: "lead" }, unset: ["temp"] });
    expect(decideNode(node("goal", { eventName: "order_completed" }), input())).toMatchObject({
      kind: "end",
      status: "COMPLETED",
    });
    expect(decideNode(node("exit", {}), input())).toMatchObject({ kind: "end", status: "COMPLETED" });
  });
});

describe("operators", () => {
  it.each([
    ["pro", "equals", "pro", true],
    ["5", "equals", 5, true],
    [true, "equals", "true", true],
    [undefined, "not_equals", "x", true],
    ["Hello world", "contains", "WORLD", true],
    [["a", "b"], "contains", "b", true],
    [["a"], "not_contains", "b", true],
    [10, "gt", 9, true],
    ["10", "gte", 10, true],
    ["abc", "lt", 5, false],
    [3, "lte", 3, true],
    [null, "exists", undefined, false],
    [0, "exists", undefined, true],
    [undefined, "not_exists", undefined, true],
    ["fr", "in", ["fr", "de"], true],
    ["es", "not_in", ["fr", "de"], true],
    [undefined, "in", ["fr"], false],
  ] as const)("%j %s %j is %s", (actual, operator, expected, result) => {
    expect(compare(actual, operator, expected)).toBe(result);
  });
});

describe("an event that is at once awaited, a goal or an exit (decideOnEvent)", () => {
  const wait = node("wait_for_event", { eventName: "order_completed", timeout: { amount: 1, unit: "days" } }, "wait");
  const graph = (settings: Record<string, unknown>, extra: TNode[] = []) => ({
    nodes: [wait, ...extra],
    settings: { reentry: { mode: "once" as const }, exitEvents: [], frequencyCaps: true, ...settings },
  });
  const goalStep = node("goal", { eventName: "order_completed" }, "bought");

  it("wait event = the journey goal's, the goal ending the journey (the default): converts and ends, arrived is not taken", () => {
    const g = graph({ goal: { eventName: "order_completed", attributionHours: 72 } });
    expect(decideOnEvent(g, { name: "order_completed", converts: true, awaited: true })).toEqual({
      kind: "convert",
      then: "end",
    });
  });

  it("wait event = the journey goal's, the goal letting people continue: converts and follows the wait's arrived path", () => {
    const g = graph({ goal: { eventName: "order_completed", attributionHours: 72, onConversion: "continue" } });
    expect(decideOnEvent(g, { name: "order_completed", converts: true, awaited: true })).toEqual({
      kind: "convert",
      then: "arrived",
    });
    // Someone converting who is not waiting for it (elsewhere in the journey, or waiting for another order) stays put.
    expect(decideOnEvent(g, { name: "order_completed", converts: true, awaited: false })).toEqual({
      kind: "convert",
      then: "stay",
    });
  });

  it("wait event = a goal step's: the goal step always ends the journey, even when the journey goal says continue", () => {
    const g = graph({ goal: { eventName: "order_completed", attributionHours: 72, onConversion: "continue" } }, [
      goalStep,
    ]);
    expect(decideOnEvent(g, { name: "order_completed", converts: true, awaited: true })).toEqual({
      kind: "convert",
      then: "end",
    });
  });

  it("wait event = an exit event: the person exits (exit wins over arrived and over a goal)", () => {
    const g = graph({
      exitEvents: ["order_completed"],
      goal: { eventName: "order_completed", attributionHours: 72, onConversion: "continue" },
    });
    expect(decideOnEvent(g, { name: "order_completed", converts: true, awaited: true })).toEqual({ kind: "exit" });
    expect(
      decideOnEvent(graph({ exitEvents: ["order_completed"] }), {
        name: "order_completed",
        converts: false,
        awaited: true,
      }),
    ).toEqual({ kind: "exit" });
  });

  it("different events: the awaited one takes arrived, the goal converts and ends, anything else does nothing", () => {
    const g = graph({
      goal: { eventName: "subscription_started", attributionHours: 72 },
      exitEvents: ["unsubscribed"],
    });
    expect(decideOnEvent(g, { name: "order_completed", converts: false, awaited: true })).toEqual({ kind: "arrived" });
    expect(decideOnEvent(g, { name: "subscription_started", converts: true, awaited: false })).toEqual({
      kind: "convert",
      then: "end",
    });
    expect(decideOnEvent(g, { name: "page_viewed", converts: false, awaited: false })).toEqual({ kind: "none" });
  });
});
