import { describe, expect, it } from "vitest";
import { workspaceContextForApiKey } from "../api-keys/api-keys";
import type { WorkspaceContext } from "../auth/context";
import { pgPool } from "../db/pool";
import type { TJourneyGraphInput } from "../journeys/graph";
import { pauseJourney, resumeJourney } from "../journeys/change-journey-status";
import { withWebhookReceiver } from "../testing/webhook-receiver";
import { EngineDriver, enrollmentsOf, messagesOf, publishGraph } from "../testing/engine-driver";
import { ingestFixture } from "../testing/ingest-helpers";
import { walkOne } from "./walk-batch";
import { enrollThroughApi } from "./api-enroll";
import { processIngestedEvents } from "./process-events";
import { performWebhookCall } from "./webhook";
import { verifyWebhookSignature, webhookSigningSecret } from "./webhook-signing";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const at = (x: number, y = 0) => ({ x, y });

async function workspace(): Promise<WorkspaceContext> {
  return workspaceContextForApiKey((await ingestFixture("FULL")).key);
}

/** trigger(event) → [middle nodes in a line] → exit */
function line(
  eventName: string,
  middle: { id: string; type: string; config: Record<string, unknown> }[],
  settings: TJourneyGraphInput["settings"] = {},
): TJourneyGraphInput {
  const nodes = [
    { id: "trigger", type: "trigger.event", position: at(0), config: { eventName, filters: [] } },
    ...middle.map((n, i) => ({ ...n, position: at(0, (i + 1) * 100) })),
    { id: "end", type: "exit", position: at(0, 1000), config: {} },
  ] as TJourneyGraphInput["nodes"];
  const edges = nodes.slice(1).map((n, i) => ({ id: `e${i}`, source: nodes[i].id, target: n.id }));
  return { nodes, edges, settings };
}

/** A real local receiver for journey webhooks: records every request; answers with the statuses queued up, then 200. */
const hooks = withWebhookReceiver();

const callsTo = (path: string) => hooks.received.filter((r) => JSON.parse(r.body || "{}").path === path);

describe("re-entry rules", () => {
  it.each([
    ["once", { mode: "once" }, [true, false, false]],
    ["again after 2 days", { mode: "after", days: 2 }, [true, false, true]],
    ["every time", { mode: "always" }, [true, true, true]],
  ] as const)("%s", async (_, reentry, expected) => {
    const ctx = await workspace();
    const { journeyId } = await publishGraph(
      ctx,
      line("signed_up", [{ id: "wait", type: "delay.duration", config: { duration: { amount: 1, unit: "hours" } } }], {
        reentry,
      }),
    );
    const engine = new EngineDriver(ctx, new Date("2026-05-01T08:00:00Z"));
    const entered: boolean[] = [];
    for (const gap of [0, 2 * HOUR, 2 * DAY]) {
      engine.advanceTime(gap);
      await engine.tick();
      entered.push((await engine.track("ada", "signed_up")).enrolled === 1);
    }
    expect(entered).toEqual(expected);
    expect((await enrollmentsOf(journeyId)).length).toBe(expected.filter(Boolean).length);
  });
});

describe("a visitor who signs up mid-journey", () => {
  it("continues as the person they were merged into: that person's traits decide, and the message is theirs", async () => {
    const ctx = await workspace();
    const { journeyId } = await publishGraph(ctx, {
      nodes: [
        { id: "trigger", type: "trigger.event", position: at(0), config: { eventName: "viewed_pricing", filters: [] } },
        {
          id: "wait",
          type: "delay.duration",
          position: at(0, 100),
          config: { duration: { amount: 1, unit: "hours" } },
        },
        {
          id: "pro",
          type: "condition",
          position: at(0, 200),
          config: {
            rules: { match: "all", rules: [{ kind: "trait", trait: "plan", operator: "equals", value: "pro" }] },
          },
        },
        { id: "offer", type: "action.email", position: at(0, 300), config: { templateId: "tpl_offer" } },
        { id: "end", type: "exit", position: at(200, 300), config: {} },
      ],
      edges: [
        { id: "e1", source: "trigger", target: "wait" },
        { id: "e2", source: "wait", target: "pro" },
        { id: "e3", source: "pro", target: "offer", branch: "yes" },
        { id: "e4", source: "pro", target: "end", branch: "no" },
      ],
    });
    const engine = new EngineDriver(ctx, new Date("2026-05-01T08:00:00Z"));
    await engine.send([{ type: "identify", userId: "ada", traits: { plan: "pro", email: "ada@example.com" } }]);
    await engine.send([{ type: "track", anonymousId: "visitor-1", event: "viewed_pricing" }]);
    const [waiting] = await enrollmentsOf(journeyId);
    expect(waiting).toMatchObject({ status: "WAITING", currentNodeId: "wait", userId: null });
    // the visitor signs in: their anonymous profile is merged into Ada's
    await engine.send([{ type: "identify", userId: "ada", anonymousId: "visitor-1" }]);
    engine.advanceTime(HOUR);
    await engine.tick();
    const { rows } = await pgPool().query<{ userId: string | null; nodeId: string }>(
      `SELECT p."userId", m."nodeId" FROM "Message" m JOIN "Profile" p ON p.id = m."profileId" WHERE m."journeyId" = $1`,
      [journeyId],
    );
    expect(rows).toEqual([{ userId: "ada", nodeId: "offer" }]);
  });
});

describe("pause and resume", () => {
  it("holds people where they are while paused and moves them on when resumed", async () => {
    const ctx = await workspace();
    const { journeyId } = await publishGraph(
      ctx,
      line("signed_up", [
        { id: "wait", type: "delay.duration", config: { duration: { amount: 1, unit: "hours" } } },
        { id: "welcome", type: "action.email", config: { templateId: "tpl_welcome" } },
      ]),
    );
    const engine = new EngineDriver(ctx, new Date("2026-05-01T08:00:00Z"));
    await engine.track("ada", "signed_up");
    await pauseJourney(ctx, journeyId);
    await engine.runFor(3 * HOUR);
    expect(await messagesOf(journeyId)).toEqual([]);
    expect((await enrollmentsOf(journeyId))[0]).toMatchObject({ status: "WAITING", currentNodeId: "wait" });
    // A paused journey takes no one new.
    expect((await engine.track("grace", "signed_up")).enrolled).toBe(0);

    await resumeJourney(ctx, journeyId);
    await engine.tick();
    expect((await messagesOf(journeyId)).map((m) => m.userId)).toEqual(["ada"]);
    expect((await enrollmentsOf(journeyId))[0]).toMatchObject({ status: "COMPLETED", currentNodeId: "end" });
  });
});

describe("new versions", () => {
  it("lets people finish on the version they started while new entries use the new one", async () => {
    const ctx = await workspace();
    const v1 = line("signed_up", [
      { id: "wait", type: "delay.duration", config: { duration: { amount: 1, unit: "days" } } },
      { id: "welcome", type: "action.email", config: { templateId: "tpl_v1" } },
    ]);
    const { journeyId } = await publishGraph(ctx, v1);
    const engine = new EngineDriver(ctx, new Date("2026-05-01T08:00:00Z"));
    await engine.track("ada", "signed_up");

    const v2 = structuredClone(v1);
    v2.nodes.find((n) => n.id === "welcome")!.config = { templateId: "tpl_v2" };
    await publishGraph(ctx, v2, journeyId);
    await engine.track("grace", "signed_up");
    await engine.runFor(2 * DAY, HOUR);

    expect((await messagesOf(journeyId)).map((m) => [m.userId, m.templateId])).toEqual([
      ["ada", "tpl_v1"],
      ["grace", "tpl_v2"],
    ]);
  });
});

describe("exit events and time zones", () => {
  it("an exit event removes a waiting person", async () => {
    const ctx = await workspace();
    const { journeyId } = await publishGraph(
      ctx,
      line(
        "trial_started",
        [
          { id: "wait", type: "delay.duration", config: { duration: { amount: 3, unit: "days" } } },
          { id: "nudge", type: "action.push", config: { templateId: "tpl_nudge" } },
        ],
        { exitEvents: ["unsubscribed"] },
      ),
    );
    const engine = new EngineDriver(ctx, new Date("2026-05-01T08:00:00Z"));
    await engine.track("ada", "trial_started");
    engine.advanceTime(DAY);
    expect((await engine.track("ada", "unsubscribed")).exited).toBe(1);
    await engine.runFor(3 * DAY, HOUR);
    expect(await messagesOf(journeyId)).toEqual([]);
    expect((await enrollmentsOf(journeyId))[0]).toMatchObject({
      status: "EXITED",
      endReason: "Exit event unsubscribed",
    });
  });

  it("a time-of-day delay fires at 9:00 in the person's zone across the spring-forward night", async () => {
    const ctx = await workspace();
    const { journeyId } = await publishGraph(
      ctx,
      line("signed_up", [
        { id: "morning", type: "delay.time_of_day", config: { time: "09:00", fallbackTimezone: "UTC" } },
        { id: "hello", type: "action.email", config: { templateId: "tpl_morning" } },
      ]),
    );
    // Saturday 28 March 2026, 10:00 in Paris (UTC+1); Sunday 9:00 in Paris is UTC+2, i.e. 07:00Z.
    const engine = new EngineDriver(ctx, new Date("2026-03-28T09:00:00Z"));
    await engine.send([{ type: "identify", userId: "ada", traits: {}, context: { timezone: "Europe/Paris" } }]);
    await engine.track("ada", "signed_up");
    expect((await enrollmentsOf(journeyId))[0].wakeAt?.toISOString()).toBe("2026-03-29T07:00:00.000Z");
    engine.now = new Date("2026-03-29T06:59:59Z");
    await engine.tick();
    expect(await messagesOf(journeyId)).toEqual([]);
    engine.now = new Date("2026-03-29T07:00:00Z");
    await engine.tick();
    expect((await messagesOf(journeyId)).map((m) => m.userId)).toEqual(["ada"]);
  });
});

describe("profile updates and conditions", () => {
  it("a condition after an update sees the new trait", async () => {
    const ctx = await workspace();
    const graph: TJourneyGraphInput = {
      nodes: [
        {
          id: "trigger",
          type: "trigger.event",
          position: at(0),
          config: { eventName: "signed_up", filters: [{ property: "plan", operator: "equals", value: "pro" }] },
        },
        {
          id: "tag",
          type: "action.update_profile",
          position: at(0, 100),
          config: { set: { stage: "onboarding" }, unset: ["lead_source"] },
        },
        {
          id: "check",
          type: "condition",
          position: at(0, 200),
          config: {
            rules: {
              match: "all",
              rules: [{ kind: "trait", trait: "stage", operator: "equals", value: "onboarding" }],
            },
          },
        },
        { id: "yes", type: "exit", position: at(-100, 300), config: {} },
        { id: "no", type: "exit", position: at(100, 300), config: {} },
      ],
      edges: [
        { id: "e1", source: "trigger", target: "tag" },
        { id: "e2", source: "tag", target: "check" },
        { id: "e3", source: "check", target: "yes", branch: "yes" },
        { id: "e4", source: "check", target: "no", branch: "no" },
      ],
    };
    const { journeyId } = await publishGraph(ctx, graph);
    const engine = new EngineDriver(ctx, new Date("2026-05-01T08:00:00Z"));
    await engine.send([{ type: "identify", userId: "ada", traits: { lead_source: "ads" } }]);
    // The trigger's filter: only the pro plan enters.
    await engine.track("ada", "signed_up", { plan: "free" });
    expect(await enrollmentsOf(journeyId)).toEqual([]);
    await engine.track("ada", "signed_up", { plan: "pro" });
    expect((await enrollmentsOf(journeyId))[0]).toMatchObject({ status: "COMPLETED", currentNodeId: "yes" });
    const { rows } = await pgPool().query(
      `SELECT traits FROM "Profile" WHERE "workspaceId" = $1 AND "userId" = 'ada'`,
      [ctx.workspace.id],
    );
    expect(rows[0].traits).toEqual({ stage: "onboarding" });
  });
});

describe("webhooks", () => {
  it("calls the URL once with a signature, the person's data and an idempotency key, and records the answer", async () => {
    const ctx = await workspace();
    const { journeyId } = await publishGraph(
      ctx,
      line("order_completed", [
        {
          id: "hook",
          type: "action.webhook",
          config: {
            url: `${hooks.url}/crm`,
            method: "POST",
            headers: { "x-team": "growth" },
            body: '{"path":"signed","user":"{{ profile.userId }}","total":{{ event.properties.total }}}',
          },
        },
      ]),
    );
    const engine = new EngineDriver(ctx, new Date());
    await engine.track("ada", "order_completed", { total: 42 });
    const [call] = callsTo("signed");
    expect(JSON.parse(call.body)).toEqual({ path: "signed", user: "ada", total: 42 });
    expect(call.headers["x-team"]).toBe("growth");
    expect(call.headers["idempotency-key"]).toMatch(/^[0-9a-f-]{36}:hook:1$/);
    expect(
      verifyWebhookSignature(
        webhookSigningSecret(ctx.workspace.id),
        call.body,
        String(call.headers["x-cairn-signature"]),
        new Date(),
      ),
    ).toBe(true);
    expect(
      verifyWebhookSignature(
        webhookSigningSecret(ctx.workspace.id),
        call.body + " ",
        String(call.headers["x-cairn-signature"]),
        new Date(),
      ),
    ).toBe(false);
    const { rows } = await pgPool().query(
      `SELECT s.outcome, s.inputs FROM "EnrollmentStep" s JOIN "Enrollment" e ON e.id = s."enrollmentId" WHERE e."journeyId" = $1 AND s."nodeId" = 'hook'`,
      [journeyId],
    );
    expect(rows[0].outcome).toBe(`POST ${hooks.url}/crm: answered 200`);
    expect((await enrollmentsOf(journeyId))[0]).toMatchObject({ status: "COMPLETED" });
  });

  it("retries a failing receiver, gives up on a permanent error, and the journey goes on either way", async () => {
    const ctx = await workspace();
    const { journeyId } = await publishGraph(
      ctx,
      line("order_completed", [
        {
          id: "hook",
          type: "action.webhook",
          config: { url: `${hooks.url}/retry`, method: "POST", headers: {}, body: '{"path":"retry"}' },
        },
      ]),
    );
    const engine = new EngineDriver(ctx, new Date(), { maxAttempts: 3, backoffMs: [10, 10] });
    hooks.statuses.push(503, 500);
    await engine.track("ada", "order_completed");
    expect(callsTo("retry")).toHaveLength(3);
    const { rows } = await pgPool().query(
      `SELECT w.status, w.attempts, w."responseStatus" FROM "WebhookCall" w JOIN "Enrollment" e ON e.id = w."enrollmentId" WHERE e."journeyId" = $1`,
      [journeyId],
    );
    expect(rows[0]).toEqual({ status: "succeeded", attempts: 3, responseStatus: 200 });

    hooks.statuses.push(404);
    await engine.track("grace", "order_completed");
    expect(callsTo("retry")).toHaveLength(4);
    const graceSteps = await pgPool().query(
      `SELECT s.outcome FROM "EnrollmentStep" s JOIN "Enrollment" e ON e.id = s."enrollmentId" JOIN "Profile" p ON p.id = e."profileId" WHERE e."journeyId" = $1 AND p."userId" = 'grace' AND s."nodeId" = 'hook'`,
      [journeyId],
    );
    expect(graceSteps.rows[0].outcome).toBe(`POST ${hooks.url}/retry: failed (HTTP 404)`);
    expect((await enrollmentsOf(journeyId)).map((e) => e.status)).toEqual(["COMPLETED", "COMPLETED"]);
  });
});

describe("exactly once", () => {
  const journey = () =>
    line("order_completed", [
      {
        id: "hook",
        type: "action.webhook",
        config: {
          url: `${hooks.url}/once`,
          method: "POST",
          headers: {},
          body: '{"path":"once","user":"{{ profile.userId }}"}',
        },
      },
      { id: "thanks", type: "action.email", config: { templateId: "tpl_thanks" } },
    ]);

  it("replaying an event, or the same events processed twice at once, enrolls once", async () => {
    const ctx = await workspace();
    const { journeyId } = await publishGraph(ctx, { ...journey(), settings: { reentry: { mode: "always" } } });
    const engine = new EngineDriver(ctx, new Date());
    const first = await engine.track("ada", "order_completed");
    expect(first.enrolled).toBe(1);
    const { rows } = await pgPool().query<{ id: string }>(
      `SELECT id::text FROM "Event" WHERE "workspaceId" = $1 AND name = 'order_completed'`,
      [ctx.workspace.id],
    );
    const ids = rows.map((r) => r.id);
    // The same ingested batch delivered again, and twice concurrently (Inngest at-least-once delivery).
    expect((await engine.process(ids)).enrolled).toBe(0);
    const racing = await Promise.all([
      processIngestedEvents(ctx.workspace.id, ids, engine.now),
      processIngestedEvents(ctx.workspace.id, ids, engine.now),
    ]);
    expect(racing.map((r) => r.enrolled)).toEqual([0, 0]);
    expect(await enrollmentsOf(journeyId)).toHaveLength(1);
    expect(await messagesOf(journeyId)).toHaveLength(1);
    expect(callsTo("once").filter((c) => JSON.parse(c.body).user === "ada")).toHaveLength(1);
  });

  it("two advances racing and a crash between the webhook and the bookkeeping never repeat a call or a message", async () => {
    const ctx = await workspace();
    const { journeyId } = await publishGraph(ctx, journey());
    const engine = new EngineDriver(ctx, new Date());
    // Enroll without advancing, as if the advance event were still in flight.
    const processed = await processIngestedEvents(ctx.workspace.id, await storeTrack(ctx, engine, "grace"), engine.now);
    const [enrollmentId] = processed.advance;

    // Two advances at once: one walks to the webhook, the other finds the enrollment locked, then in the same place.
    const [a, b] = await Promise.all([walkOne(enrollmentId, engine.now), walkOne(enrollmentId, engine.now)]);
    expect([a.state, b.state]).toEqual(["webhook", "webhook"]);
    // Both try the call (as two racing Inngest runs would): one calls, the other finds it claimed or done.
    const outcomes = await Promise.allSettled([performWebhookCall(a.webhook!), performWebhookCall(b.webhook!)]);
    expect(outcomes.filter((o) => o.status === "fulfilled" && !o.value.alreadyDone)).toHaveLength(1);
    expect(callsTo("once").filter((c) => JSON.parse(c.body).user === "grace")).toHaveLength(1);

    // "Crash" after the call was recorded and before the enrollment moved on: the retry calls nothing again.
    const again = await performWebhookCall(a.webhook!);
    expect(again.alreadyDone).toBe(true);
    const [c, d] = await Promise.all([walkOne(enrollmentId, engine.now), walkOne(enrollmentId, engine.now)]);
    expect([c.state, d.state].sort()).toEqual(["ended", "idle"]);
    // And an advance replayed after it committed (its "message queued" event lost) queues nothing new.
    expect((await walkOne(enrollmentId, engine.now)).state).toBe("idle");
    expect(callsTo("once").filter((x) => JSON.parse(x.body).user === "grace")).toHaveLength(1);
    expect(await messagesOf(journeyId)).toHaveLength(1);
    const { rows } = await pgPool().query(
      `SELECT count(*)::int AS n FROM "EnrollmentStep" s JOIN "Enrollment" e ON e.id = s."enrollmentId" WHERE e."journeyId" = $1`,
      [journeyId],
    );
    expect(rows[0].n).toBe(4); // trigger, hook, thanks, end: each once
  });
});

describe("a webhook whose person moved on", () => {
  it("is not called when they left the journey before the call was made", async () => {
    const ctx = await workspace();
    const graph = line(
      "order_completed",
      [
        {
          id: "hook",
          type: "action.webhook",
          config: { url: `${hooks.url}/late`, method: "POST", headers: {}, body: '{"path":"late"}' },
        },
      ],
      { exitEvents: ["unsubscribed"] },
    );
    await publishGraph(ctx, graph);
    const engine = new EngineDriver(ctx, new Date());
    const processed = await processIngestedEvents(ctx.workspace.id, await storeTrack(ctx, engine, "zoe"), engine.now);
    const walked = await walkOne(processed.advance[0], engine.now);
    expect(walked.state).toBe("webhook");
    // The advance event is still queued when Zoe unsubscribes.
    await engine.track("zoe", "unsubscribed");
    expect(await performWebhookCall(walked.webhook!)).toMatchObject({ status: "skipped", alreadyDone: true });
    expect(callsTo("late")).toHaveLength(0);
  });
});

async function storeTrack(ctx: WorkspaceContext, engine: EngineDriver, userId: string): Promise<string[]> {
  const { ingest } = await import("../ingest/ingest");
  const stored = await ingest(
    ctx,
    JSON.stringify({
      batch: [{ type: "track", userId, event: "order_completed", messageId: `m-${userId}-${Date.now()}` }],
    }),
    "batch",
    engine.clock,
  );
  return stored.eventIds;
}

describe("API-triggered journeys", () => {
  it("enrolls a known person once per idempotency key, and explains refusals", async () => {
    const ctx = await workspace();
    const graph: TJourneyGraphInput = {
      nodes: [
        { id: "api", type: "trigger.api", position: at(0), config: {} },
        { id: "sms", type: "action.sms", position: at(0, 100), config: { templateId: "tpl_code" } },
      ],
      edges: [{ id: "e1", source: "api", target: "sms" }],
      settings: { reentry: { mode: "always" } },
    };
    const { journeyId } = await publishGraph(ctx, graph);
    const engine = new EngineDriver(ctx, new Date());
    await engine.send([{ type: "identify", userId: "ada", traits: { phone: "+33600000000" } }]);

    const first = await enrollThroughApi(
      ctx,
      journeyId,
      { userId: "ada", idempotencyKey: "k1", properties: { code: "1234" } },
      engine.now,
    );
    expect(first).toMatchObject({ enrolled: true, reason: null });
    const repeat = await enrollThroughApi(ctx, journeyId, { userId: "ada", idempotencyKey: "k1" }, engine.now);
    expect(repeat).toMatchObject({ enrolled: false, enrollmentId: first.enrollmentId });
    await engine.advance([first.enrollmentId!]);
    expect((await messagesOf(journeyId)).map((m) => [m.userId, m.channel])).toEqual([["ada", "sms"]]);

    await expect(enrollThroughApi(ctx, journeyId, { userId: "nobody" })).rejects.toMatchObject({ code: "not_found" });
    await expect(enrollThroughApi(ctx, journeyId, { userId: "ada", profileId: "x" })).rejects.toMatchObject({
      code: "validation",
    });
    await expect(enrollThroughApi(ctx, journeyId, { userId: "ada", extra: 1 })).rejects.toMatchObject({
      code: "validation",
    });
    await expect(enrollThroughApi(ctx, "not-a-uuid", { userId: "ada" })).rejects.toMatchObject({ code: "not_found" });
    const eventJourney = await publishGraph(ctx, line("signed_up", []));
    await expect(enrollThroughApi(ctx, eventJourney.journeyId, { userId: "ada" })).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringContaining("API trigger"),
    });
  });
});

describe("the journey webhook signing secret", () => {
  it("is shown to admins only, and is the one calls are signed with", async () => {
    const { createWorkspaceWithTeam, contextOf } = await import("../testing/factories");
    const { journeyWebhookSecretFor } = await import("./webhook-signing");
    const team = await createWorkspaceWithTeam();
    const admin = await contextOf(team, "ADMIN");
    expect(journeyWebhookSecretFor(admin)).toBe(webhookSigningSecret(team.id));
    expect(journeyWebhookSecretFor(admin)).toMatch(/^whsec_/);
    await contextOf(team, "EDITOR").then((editor) =>
      expect(() => journeyWebhookSecretFor(editor)).toThrow(expect.objectContaining({ code: "forbidden" })),
    );
  });
});
