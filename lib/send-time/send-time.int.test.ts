import { describe, expect, it } from "vitest";
import { POST as publishRoute } from "@/app/api/v1/journeys/[id]/publish/route";
import { POST as createRoute } from "@/app/api/v1/journeys/route";
import { workspaceContextForApiKey } from "../api-keys/api-keys";
import type { WorkspaceContext } from "../auth/context";
import { db } from "../db/client";
import { pgPool } from "../db/pool";
import { loadSplitData } from "../experiments/load-split-data";
import type { TJourneyGraphInput } from "../journeys/graph";
import { claimDueMessages, deliverMessage } from "../messaging/delivery";
import { savePolicy } from "../messaging/policy";
import { createTemplate } from "../messaging/templates/create-template";
import { callRoute } from "../testing/call-route";
import { withEmbeddedOutbox } from "../testing/embedded-outbox";
import { EngineDriver, enrollmentsOf, publishGraph } from "../testing/engine-driver";
import { contextOf } from "../testing/factories";
import { ingestFixture } from "../testing/ingest-helpers";
import { updateSendTimes } from "./fold-engagements";

withEmbeddedOutbox();

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const at = (x: number, y = 0) => ({ x, y });
const TUESDAY = 24;

async function workspace() {
  const fixture = await ingestFixture("FULL");
  const ctx = await workspaceContextForApiKey(fixture.key);
  return { fixture, ctx };
}

async function profileSendTime(workspaceId: string, userId: string) {
  const profile = await db().profile.findFirstOrThrow({ where: { workspaceId, userId } });
  return db().profileSendTime.findUnique({ where: { profileId: profile.id } });
}

/** Ingests events at given moments (the driver's clock is the receiving time), without reacting to them. */
async function history(engine: EngineDriver, events: Record<string, unknown>[]): Promise<void> {
  await engine.send(events);
}

/** `count` opens by `userId`, one a week back from `last`. */
function weeklyOpens(userId: string, last: Date, count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => ({
    type: "track",
    userId,
    event: "Email Opened",
    timestamp: new Date(last.getTime() - i * 7 * DAY).toISOString(),
  }));
}

async function fold(ctx: WorkspaceContext, now: Date) {
  return updateSendTimes(() => now, { workspaceIds: [ctx.workspace.id] });
}

describe("the incremental fold", () => {
  it("folds each engagement once, in the person's time zone (the workspace's when unknown), and moves the cursor", async () => {
    const { ctx } = await workspace();
    await db().workspace.update({ where: { id: ctx.workspace.id }, data: { timezone: "Europe/Paris" } });
    const engine = new EngineDriver(ctx, new Date("2026-01-14T16:00:00Z"));
    await history(engine, [
      { type: "identify", userId: "ny", traits: {}, context: { timezone: "America/New_York" } },
      { type: "identify", userId: "nozone", traits: {} },
    ]);
    const wednesday2pm = "2026-01-14T14:00:00.000Z"; // 09:00 in New York, 15:00 in Paris
    await history(engine, [
      { type: "track", userId: "ny", event: "Email Opened", timestamp: wednesday2pm },
      { type: "track", userId: "nozone", event: "Email Link Clicked", timestamp: wednesday2pm },
      { type: "track", userId: "ny", event: "Product Viewed", timestamp: wednesday2pm },
      // three page views in one hour: one visit
      ...[5, 20, 40].map((m) => ({
        type: "page",
        userId: "ny",
        name: "Home",
        timestamp: new Date(Date.parse(wednesday2pm) + m * MINUTE).toISOString(),
      })),
    ]);
    // folded "now" = when the events happened plus 2 hours: a little decay
    const now = new Date("2026-01-14T16:01:00Z");
    const first = await fold(ctx, now);
    expect(first).toMatchObject({ workspaces: 1, batches: 1, engagements: 3 });

    const decay = 2 ** (-2 / (30 * 24));
    const ny = (await profileSendTime(ctx.workspace.id, "ny"))!;
    expect(ny.engagements).toBe(2); // the open and one visit; Product Viewed is not an engagement
    expect(Object.keys(ny.weights as object)).toEqual([String(2 * 24 + 9)]); // Wednesday 09:00 in New York
    expect((ny.weights as Record<string, number>)[String(2 * 24 + 9)]).toBeCloseTo((1 + 0.3) * decay, 4);
    const nozone = (await profileSendTime(ctx.workspace.id, "nozone"))!;
    expect(nozone.weights).toEqual({ [String(2 * 24 + 15)]: expect.closeTo(1.5 * decay, 4) }); // 15:00 in Paris
    const pattern = await db().workspaceSendTime.findUniqueOrThrow({ where: { workspaceId: ctx.workspace.id } });
    const lastEvent = await db().event.findFirstOrThrow({
      where: { workspaceId: ctx.workspace.id },
      orderBy: { id: "desc" },
    });
    expect(pattern.eventCursor).toBe(lastEvent.id);
    expect(pattern.people).toBe(2);
    expect(pattern.total).toBeCloseTo(2.8 * decay, 4);

    // Again: nothing new, nothing folded twice.
    expect(await fold(ctx, now)).toMatchObject({ batches: 0, engagements: 0 });
    expect((await profileSendTime(ctx.workspace.id, "ny"))!.engagements).toBe(2);

    // 30 days later: what was stored has halved, the new open is added at full weight.
    engine.now = new Date(now.getTime() + 30 * DAY);
    await history(engine, [{ type: "track", userId: "ny", event: "Email Opened" }]);
    // not settled yet (received a second ago): left for the next run
    expect(await fold(ctx, new Date(engine.now.getTime() + 1000))).toMatchObject({ batches: 0 });
    expect(await fold(ctx, new Date(engine.now.getTime()))).toMatchObject({ batches: 0 });
    const later = await fold(ctx, new Date(engine.now.getTime() + 10_000));
    expect(later).toMatchObject({ batches: 1, engagements: 1 });
    const after = (await profileSendTime(ctx.workspace.id, "ny"))!;
    expect(after.engagements).toBe(3);
    expect(after.total).toBeCloseTo(1.3 * decay * 0.5 + 1, 3);
    expect((await db().workspaceSendTime.findUniqueOrThrow({ where: { workspaceId: ctx.workspace.id } })).people).toBe(
      2,
    );
  });

  it("the profile page shows the hour a best-time step would choose, from the person's own history or the workspace's", async () => {
    const { ctx } = await workspace();
    const now = new Date("2026-01-12T06:00:00Z"); // a Monday, 07:00 in Paris
    const engine = new EngineDriver(ctx, new Date(now.getTime() - 60 * DAY));
    await history(engine, [
      { type: "identify", userId: "reader", traits: {}, context: { timezone: "Europe/Paris" } },
      { type: "identify", userId: "newcomer", traits: {}, context: { timezone: "Europe/Paris" } },
    ]);
    // twelve Tuesday opens at 09:xx in Paris (08:xx UTC in winter), received after the last of them
    engine.now = new Date("2026-01-06T09:00:00Z");
    await history(engine, weeklyOpens("reader", new Date("2026-01-06T08:15:00Z"), 12));
    engine.now = now;
    await fold(ctx, now);
    const { bestTimeOfProfile } = await import("./profile-best-time");
    const profileOf = (userId: string) =>
      db().profile.findFirstOrThrow({ where: { workspaceId: ctx.workspace.id, userId } });
    const reader = await bestTimeOfProfile(ctx.workspace.id, await profileOf("reader"), now);
    expect(reader).toMatchObject({
      hour: "Tuesday 09:00–10:00",
      source: "own",
      engagements: 12,
      timeZone: "Europe/Paris",
      nextAt: new Date("2026-01-13T08:00:00Z"),
    });
    // no history of their own: the workspace's pattern (here, the reader's) decides
    const newcomer = await bestTimeOfProfile(ctx.workspace.id, await profileOf("newcomer"), now);
    expect(newcomer).toMatchObject({ hour: "Tuesday 09:00–10:00", source: "workspace", engagements: 0 });
    expect(newcomer.reason).toMatch(/^No engagement of their own yet/);
  });

  it("reads only its own workspace's events", async () => {
    const a = await workspace();
    const b = await workspace();
    const engine = new EngineDriver(b.ctx, new Date("2026-02-02T10:00:00Z"));
    await history(engine, [{ type: "track", userId: "b1", event: "Email Opened" }]);
    await fold(a.ctx, new Date("2026-02-02T11:00:00Z"));
    expect(await db().profileSendTime.count({ where: { workspaceId: b.ctx.workspace.id } })).toBe(0);
    const pattern = await db().workspaceSendTime.findUniqueOrThrow({ where: { workspaceId: a.ctx.workspace.id } });
    expect(pattern.total).toBe(0);
  });
});

/** trigger(event) → middle nodes in a line → exit */
function line(middle: { id: string; type: string; config: Record<string, unknown> }[]): TJourneyGraphInput {
  const nodes = [
    { id: "trigger", type: "trigger.event", position: at(0), config: { eventName: "signed_up", filters: [] } },
    ...middle.map((n, i) => ({ ...n, position: at(0, (i + 1) * 100) })),
    { id: "end", type: "exit", position: at(0, 1000), config: {} },
  ] as TJourneyGraphInput["nodes"];
  const edges = nodes.slice(1).map((n, i) => ({ id: `e${i}`, source: nodes[i].id, target: n.id }));
  return { nodes, edges, settings: { reentry: { mode: "always" } } };
}

async function traceOf(journeyId: string, nodeId: string) {
  const { rows } = await pgPool().query<{ userId: string; outcome: string; inputs: Record<string, unknown> }>(
    `SELECT p."userId", s.outcome, s.inputs FROM "EnrollmentStep" s JOIN "Enrollment" e ON e.id = s."enrollmentId"
       JOIN "Profile" p ON p.id = e."profileId" WHERE s."journeyId" = $1 AND s."nodeId" = $2 ORDER BY p."userId"`,
    [journeyId, nodeId],
  );
  return rows;
}

describe("journeys at the best time", () => {
  it("an A/B split of a fixed time against the best time records both arms, and arm B's messages wait for each person's hour", async () => {
    const { ctx } = await workspace();
    // Monday 7 December 2026, 10:00 UTC; everyone in UTC
    const monday = new Date("2026-12-07T10:00:00Z");
    const engine = new EngineDriver(ctx, new Date(monday.getTime() - HOUR));
    const people = Array.from({ length: 40 }, (_, i) => `p${String(i).padStart(2, "0")}`);
    await history(
      engine,
      people.map((userId) => ({ type: "identify", userId, traits: {}, context: { timezone: "UTC" } })),
    );
    // each opens their email on Tuesdays at 19:xx, five weeks running
    await history(
      engine,
      people.flatMap((userId) => weeklyOpens(userId, new Date("2026-12-01T19:20:00Z"), 5)),
    );
    await fold(ctx, monday);

    const graph: TJourneyGraphInput = {
      nodes: [
        { id: "trigger", type: "trigger.event", position: at(0), config: { eventName: "signed_up", filters: [] } },
        {
          id: "ab",
          type: "split",
          position: at(0, 100),
          label: "Fixed vs best time",
          config: {
            arms: [
              { id: "fixed", label: "Tomorrow at 10:00", weight: 50 },
              { id: "best", label: "Best time", weight: 50 },
            ],
          },
        },
        {
          id: "at_ten",
          type: "delay.time_of_day",
          position: at(0, 200),
          config: { time: "10:00", fallbackTimezone: "UTC" },
        },
        { id: "email_fixed", type: "action.email", position: at(0, 250), config: { templateId: "tpl-1" } },
        {
          id: "email_best",
          type: "action.email",
          position: at(200, 200),
          config: { templateId: "tpl-1", sendTime: { mode: "best", within: "7d" } },
        },
        { id: "end", type: "exit", position: at(0, 300), config: {} },
      ],
      edges: [
        { id: "e0", source: "trigger", target: "ab" },
        { id: "e1", source: "ab", target: "at_ten", branch: "fixed" },
        { id: "e1b", source: "at_ten", target: "email_fixed" },
        { id: "e2", source: "ab", target: "email_best", branch: "best" },
        { id: "e3", source: "email_fixed", target: "end" },
        { id: "e4", source: "email_best", target: "end" },
      ],
      settings: { reentry: { mode: "once" } },
    } as TJourneyGraphInput;
    const { journeyId } = await publishGraph(ctx, graph);
    engine.now = monday;
    for (const userId of people) await engine.track(userId, "signed_up");
    // arm A's fixed time: Tuesday 10:00 UTC
    engine.now = new Date("2026-12-08T10:00:00Z");
    await engine.tick();

    const messages = await pgPool().query<{ nodeId: string; sendAfter: Date | null }>(
      `SELECT "nodeId", "sendAfter" FROM "Message" WHERE "journeyId" = $1`,
      [journeyId],
    );
    const fixed = messages.rows.filter((m) => m.nodeId === "email_fixed");
    const best = messages.rows.filter((m) => m.nodeId === "email_best");
    expect(fixed.length + best.length).toBe(people.length);
    expect(fixed.length).toBeGreaterThan(5);
    expect(best.length).toBeGreaterThan(5);
    expect(fixed.every((m) => m.sendAfter === null)).toBe(true); // queued at 10:00, sent at once
    // Tuesday 8 December, 19:00 UTC: their own hour
    expect(best.every((m) => m.sendAfter?.toISOString() === "2026-12-08T19:00:00.000Z")).toBe(true);

    const trace = await traceOf(journeyId, "email_best");
    expect(trace).toHaveLength(best.length);
    for (const step of trace) {
      expect(step.inputs.sendTime).toMatchObject({ source: "own", hourOfWeek: TUESDAY + 19, engagements: 5 });
      expect(step.outcome).toMatch(/for 2026-12-08T19:00:00.000Z, the best time\. Their own history: 5 engagements/);
    }

    // The experiment engine sees both arms (so the lift of the best time is measured, not claimed).
    const client = await pgPool().connect();
    try {
      const { data } = await loadSplitData(client, {
        journeyId,
        nodeId: "ab",
        now: new Date(monday.getTime() + 2 * DAY),
        goal: { eventName: null, attributionHours: 72, revenueProperty: null },
        weightChanges: [],
      });
      const byArm = Object.fromEntries(data.map((d) => [d.armId, d]));
      expect(byArm.fixed.assigned).toBe(fixed.length);
      expect(byArm.best.assigned).toBe(best.length);
      expect(byArm.fixed.messages).toBe(fixed.length);
      expect(byArm.best.messages).toBe(best.length);
    } finally {
      client.release();
    }
  });

  it("a person without history follows the workspace's pattern; a workspace without any sends at once, saying so", async () => {
    const { ctx } = await workspace();
    const monday = new Date("2026-12-07T10:00:00Z");
    const engine = new EngineDriver(ctx, new Date(monday.getTime() - HOUR));
    const { journeyId } = await publishGraph(
      ctx,
      line([
        {
          id: "send",
          type: "action.email",
          config: { templateId: "tpl-1", sendTime: { mode: "best", within: "24h" } },
        },
      ]),
    );
    engine.now = monday;
    await engine.track("first", "signed_up");
    const [none] = await traceOf(journeyId, "send");
    expect(none.inputs.sendTime).toMatchObject({ source: "none", at: monday.toISOString() });
    expect(none.outcome).toMatch(/to go now, the best time\. No engagement history in this workspace yet/);

    // others engage on Monday evenings at 18:xx (UTC, the workspace's zone)
    await history(engine, [
      ...weeklyOpens("regular1", new Date("2026-11-30T18:10:00Z"), 4),
      ...weeklyOpens("regular2", new Date("2026-11-30T18:40:00Z"), 4),
    ]);
    // folded and walked a minute later, when those events have settled
    engine.now = new Date(monday.getTime() + MINUTE);
    await fold(ctx, engine.now);
    await engine.track("newcomer", "signed_up");
    const newcomer = (await traceOf(journeyId, "send")).find((s) => s.userId === "newcomer")!;
    expect(newcomer.inputs.sendTime).toMatchObject({
      source: "workspace",
      hourOfWeek: 18,
      engagements: 0,
      at: "2026-12-07T18:00:00.000Z",
      timeZone: "UTC",
    });
    expect(newcomer.outcome).toMatch(/No engagement of their own yet, so the workspace's pattern \(2 people\)/);
  });

  it("delay.best_time waits across the spring-forward night until the person's hour, then walks on", async () => {
    const { ctx } = await workspace();
    // Saturday 28 March 2026, 12:00 in Paris (CET); the clocks go forward that night
    const saturday = new Date("2026-03-28T11:00:00Z");
    const engine = new EngineDriver(ctx, new Date(saturday.getTime() - HOUR));
    await history(engine, [{ type: "identify", userId: "paris", traits: {}, context: { timezone: "Europe/Paris" } }]);
    // Sunday mornings at 09:xx Paris time, winter (08:xx UTC) — as the person's own clock says
    await history(engine, weeklyOpens("paris", new Date("2026-03-22T08:15:00Z"), 6));
    await fold(ctx, saturday);
    const { journeyId } = await publishGraph(
      ctx,
      line([
        { id: "wait", type: "delay.best_time", config: { within: "24h" } },
        { id: "tag", type: "action.update_profile", config: { set: { reached: true } } },
      ]),
    );
    engine.now = saturday;
    await engine.track("paris", "signed_up");
    const [waiting] = await enrollmentsOf(journeyId);
    // Sunday 09:00 in Paris is CEST by then: 07:00 UTC, not 08:00
    expect(waiting).toMatchObject({ status: "WAITING", currentNodeId: "wait" });
    expect(waiting.wakeAt?.toISOString()).toBe("2026-03-29T07:00:00.000Z");
    const [trace] = await traceOf(journeyId, "wait");
    expect(trace.inputs).toMatchObject({
      within: "24h",
      source: "own",
      hourOfWeek: 6 * 24 + 9,
      timeZone: "Europe/Paris",
    });

    engine.now = new Date("2026-03-29T06:59:00Z");
    await engine.tick();
    expect((await enrollmentsOf(journeyId))[0].currentNodeId).toBe("wait");
    engine.now = new Date("2026-03-29T07:00:00Z");
    await engine.tick();
    expect((await enrollmentsOf(journeyId))[0]).toMatchObject({ status: "COMPLETED" });
  });

  it("quiet hours still apply: a best time inside them is held by delivery until they end", async () => {
    const { fixture, ctx } = await workspace();
    const owner = await contextOf(fixture.team, "OWNER");
    await savePolicy(owner, { quietHours: { start: "21:00", end: "08:00", channels: ["email"] } });
    const template = await createTemplate(ctx, {
      name: "Evening",
      channel: "email",
      content: { subject: "Hello", html: "<p>Hello</p>" },
    });
    // Wednesday 14 January 2026, 12:00 UTC (13:00 in Paris)
    const noon = new Date("2026-01-14T12:00:00Z");
    const engine = new EngineDriver(ctx, new Date(noon.getTime() - HOUR));
    await history(engine, [
      { type: "identify", userId: "owl", traits: { email: "owl@example.com" }, context: { timezone: "Europe/Paris" } },
    ]);
    // Wednesdays at 22:xx in Paris (21:xx UTC)
    await history(engine, weeklyOpens("owl", new Date("2026-01-07T21:30:00Z"), 6));
    await fold(ctx, noon);
    await publishGraph(
      ctx,
      line([
        {
          id: "send",
          type: "action.email",
          config: { templateId: template.id, sendTime: { mode: "best", within: "24h" } },
        },
      ]),
    );
    engine.now = noon;
    await engine.track("owl", "signed_up");
    const id = engine.messages[engine.messages.length - 1];
    const queued = await db().message.findUniqueOrThrow({ where: { id } });
    expect(queued.sendAfter?.toISOString()).toBe("2026-01-14T21:00:00.000Z"); // 22:00 in Paris

    // Not before its time: delivery leaves it queued, and the due sweep does not hand it over early.
    expect(await deliverMessage(id, () => noon)).toMatchObject({ outcome: "delayed", afterAttempt: false });
    expect((await claimDueMessages(new Date("2026-01-14T20:59:00Z"))).map((m) => m.id)).not.toContain(id);
    const best = new Date("2026-01-14T21:00:00Z");
    expect((await claimDueMessages(best)).map((m) => m.id)).toContain(id);
    // 22:00 in Paris is within quiet hours: held until 08:00 there
    expect(await deliverMessage(id, () => best)).toEqual({
      outcome: "delayed",
      until: "2026-01-15T07:00:00.000Z",
      reason: "Quiet hours 21:00–08:00 in Europe/Paris",
      afterAttempt: false,
    });
    const morning = new Date("2026-01-15T07:00:00Z");
    expect((await claimDueMessages(morning)).map((m) => m.id)).toContain(id);
    expect(await deliverMessage(id, () => morning)).toMatchObject({ outcome: "sent" });
  });

  it("frequency caps still apply: a best-time message over the cap when its time comes is suppressed", async () => {
    const { fixture, ctx } = await workspace();
    const owner = await contextOf(fixture.team, "OWNER");
    await savePolicy(owner, { frequencyCaps: [{ channel: "email", limit: 1, hours: 24 }] });
    const template = await createTemplate(ctx, {
      name: "Capped",
      channel: "email",
      content: { subject: "Hello", html: "<p>Hello</p>" },
    });
    const noon = new Date("2026-01-14T12:00:00Z");
    const engine = new EngineDriver(ctx, new Date(noon.getTime() - HOUR));
    await history(engine, [
      { type: "identify", userId: "busy", traits: { email: "busy@example.com" }, context: { timezone: "UTC" } },
    ]);
    // Wednesdays at 18:xx UTC
    await history(engine, weeklyOpens("busy", new Date("2026-01-07T18:30:00Z"), 6));
    await fold(ctx, noon);
    const { journeyId } = await publishGraph(
      ctx,
      line([
        { id: "now", type: "action.email", config: { templateId: template.id } },
        {
          id: "best",
          type: "action.email",
          config: { templateId: template.id, sendTime: { mode: "best", within: "24h" } },
        },
      ]),
    );
    engine.now = noon;
    await engine.track("busy", "signed_up");
    const ids = async (nodeId: string) =>
      (await db().message.findFirstOrThrow({ where: { journeyId, nodeId }, select: { id: true } })).id;
    const [first, second] = [await ids("now"), await ids("best")];
    expect(await deliverMessage(first, () => noon)).toMatchObject({ outcome: "sent" });
    const queued = await db().message.findUniqueOrThrow({ where: { id: second } });
    expect(queued.sendAfter?.toISOString()).toBe("2026-01-14T18:00:00.000Z");
    const evening = new Date("2026-01-14T18:00:00Z");
    expect((await claimDueMessages(evening)).map((m) => m.id)).toContain(second);
    expect(await deliverMessage(second, () => evening)).toEqual({
      outcome: "suppressed",
      reason: expect.stringMatching(/^Frequency cap: /),
    });
  });

  it("refuses a best time with an unknown window: 422 naming config.sendTime.within and config.within", async () => {
    const { bearer } = await ingestFixture("FULL");
    const graph = line([
      { id: "wait", type: "delay.best_time", config: { within: "2h" } },
      { id: "hook", type: "action.update_profile", config: { set: { x: 1 } } },
    ]);
    const created = await callRoute(createRoute, { method: "POST", headers: bearer, body: { name: "Best", graph } });
    expect(created.status).toBe(201);
    const refused = await callRoute(publishRoute, { method: "POST", headers: bearer, params: { id: created.body.id } });
    expect(refused.status).toBe(422);
    expect(refused.body.error.fields).toEqual([{ path: "nodes.wait.config.within", message: "must be 24h or 7d" }]);

    const template = await callRoute(createRoute, {
      method: "POST",
      headers: bearer,
      body: {
        name: "Best email",
        graph: line([
          {
            id: "send",
            type: "action.email",
            config: { templateId: "tpl-x", sendTime: { mode: "best", within: "3d" } },
          },
        ]),
      },
    });
    expect(template.body.problems).toContainEqual({
      nodeId: "send",
      path: "config.sendTime.within",
      message: "must be 24h or 7d",
    });
    const moded = await callRoute(createRoute, {
      method: "POST",
      headers: bearer,
      body: {
        name: "Best email 2",
        graph: line([
          { id: "send", type: "action.email", config: { templateId: "tpl-x", sendTime: { mode: "later" } } },
        ]),
      },
    });
    expect(moded.body.problems).toContainEqual({
      nodeId: "send",
      path: "config.sendTime.mode",
      message: "must be now or best",
    });
    expect(await db().journeyVersion.count({ where: { journeyId: created.body.id } })).toBe(0);
  });
});
