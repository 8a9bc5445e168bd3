/**
 * The analytics rollups against a real database, at a clock the test sets: the engine runs a journey over a
 * week (EngineDriver), messages move through their stages, late data arrives, and after every run the
 * rollup tables must equal a recount of the raw rows done here in plain TypeScript. Then a rebuild from
 * scratch must give the same tables as the incremental runs did.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { workspaceContextForApiKey } from "../api-keys/api-keys";
import type { WorkspaceContext } from "../auth/context";
import { pgPool } from "../db/pool";
import { rollupAllPending } from "../ingest/rollup";
import type { TJourneyGraphInput } from "../journeys/graph";
import { contextOf, createWorkspaceWithTeam, type TestWorkspace } from "../testing/factories";
import { EngineDriver, publishGraph } from "../testing/engine-driver";
import { ingestFixture } from "../testing/ingest-helpers";
import { journeyAnalytics, workspaceOverview } from "./dashboards";
import { CATCH_UP_DAYS, rebuildAnalytics, rollupOrRebuildWorkspace, rollupWorkspace } from "./rollups";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DAY0 = new Date("2026-03-10T10:00:00.000Z");
const dayOf = (d: Date) => d.toISOString().slice(0, 10);
const at = (y: number) => ({ x: 0, y });

/** trigger → welcome email → 2-day delay → reminder email → exit; goal "purchased" within 10 days of entry. */
function onboarding(): TJourneyGraphInput {
  return {
    nodes: [
      {
        id: "trigger",
        type: "trigger.event",
        position: at(0),
        label: "Signed up",
        config: { eventName: "signed_up", filters: [] },
      },
      {
        id: "welcome",
        type: "action.email",
        position: at(100),
        label: "Welcome",
        config: { templateId: "tpl_welcome" },
      },
      { id: "wait", type: "delay.duration", position: at(200), config: { duration: { amount: 2, unit: "days" } } },
      {
        id: "reminder",
        type: "action.email",
        position: at(300),
        label: "Reminder",
        config: { templateId: "tpl_reminder" },
      },
      { id: "end", type: "exit", position: at(400), config: {} },
    ],
    edges: [
      { id: "e1", source: "trigger", target: "welcome" },
      { id: "e2", source: "welcome", target: "wait" },
      { id: "e3", source: "wait", target: "reminder" },
      { id: "e4", source: "reminder", target: "end" },
    ],
    settings: { goal: { eventName: "purchased", attributionHours: 240 } },
  };
}

// ---------------------------------------------------------------------------------------------------
// The oracle: the same counts, recounted from the raw rows in TypeScript.

type Counts = Record<string, Record<string, number>>;

function bump(into: Counts, key: string, field: string, by = 1) {
  into[key] ??= {};
  into[key][field] = (into[key][field] ?? 0) + by;
}

async function recount(
  workspaceId: string,
): Promise<{ journeyDays: Counts; nodeDays: Counts; edgeDays: Counts; messageDays: Counts }> {
  const pool = pgPool();
  const journeyDays: Counts = {};
  const nodeDays: Counts = {};
  const edgeDays: Counts = {};
  const messageDays: Counts = {};
  const { rows: enrollments } = await pool.query<{
    id: string;
    journeyId: string;
    status: string;
    enteredAt: Date;
    endedAt: Date | null;
  }>(`SELECT id, "journeyId", status::text, "enteredAt", "endedAt" FROM "Enrollment" WHERE "workspaceId" = $1`, [
    workspaceId,
  ]);
  for (const e of enrollments) {
    bump(journeyDays, `${e.journeyId}|${dayOf(e.enteredAt)}`, "entered");
    if (e.endedAt && ["COMPLETED", "EXITED", "FAILED"].includes(e.status))
      bump(journeyDays, `${e.journeyId}|${dayOf(e.endedAt)}`, e.status.toLowerCase());
  }
  const { rows: conversions } = await pool.query<{
    enrollmentId: string;
    journeyId: string;
    convertedAt: Date;
    revenue: number | null;
    messageId: string | null;
  }>(
    `SELECT "enrollmentId", "journeyId", "convertedAt", revenue::float8 AS revenue, "messageId" FROM "Conversion" WHERE "workspaceId" = $1`,
    [workspaceId],
  );
  const { rows: steps } = await pool.query<{
    enrollmentId: string;
    journeyId: string;
    nodeId: string;
    enteredAt: Date;
    exit: string | null;
    graph: { edges: { source: string; target: string; branch?: string }[] };
  }>(
    `SELECT s."enrollmentId", s."journeyId", s."nodeId", s."enteredAt", s.exit, v.graph
       FROM "EnrollmentStep" s JOIN "Enrollment" e ON e.id = s."enrollmentId" JOIN "JourneyVersion" v ON v.id = e."journeyVersionId" WHERE e."workspaceId" = $1`,
    [workspaceId],
  );
  for (const s of steps) bump(nodeDays, `${s.journeyId}|${dayOf(s.enteredAt)}|${s.nodeId}`, "entered");
  // Edges: a visit of a node whose enrollment left an edge's source through its exit into that node.
  const cameAlong = (enrollmentId: string, target: string) => {
    const mine = steps.filter((s) => s.enrollmentId === enrollmentId);
    return (mine[0]?.graph.edges ?? []).filter(
      (e) => e.target === target && mine.some((p) => p.nodeId === e.source && p.exit === (e.branch ?? "next")),
    );
  };
  for (const s of steps)
    for (const e of cameAlong(s.enrollmentId, s.nodeId))
      bump(edgeDays, `${s.journeyId}|${dayOf(s.enteredAt)}|${e.source}|${e.branch ?? "next"}|${e.target}`, "entered");
  for (const c of conversions) {
    for (const target of new Set(steps.filter((s) => s.enrollmentId === c.enrollmentId).map((s) => s.nodeId))) {
      for (const e of cameAlong(c.enrollmentId, target))
        bump(
          edgeDays,
          `${c.journeyId}|${dayOf(c.convertedAt)}|${e.source}|${e.branch ?? "next"}|${e.target}`,
          "converted",
        );
    }
  }
  for (const c of conversions) {
    bump(journeyDays, `${c.journeyId}|${dayOf(c.convertedAt)}`, "converted");
    if (c.revenue !== null) {
      bump(journeyDays, `${c.journeyId}|${dayOf(c.convertedAt)}`, "orders");
      if (c.revenue !== 0) bump(journeyDays, `${c.journeyId}|${dayOf(c.convertedAt)}`, "revenue", c.revenue);
    }
    for (const nodeId of new Set(steps.filter((s) => s.enrollmentId === c.enrollmentId).map((s) => s.nodeId))) {
      bump(nodeDays, `${c.journeyId}|${dayOf(c.convertedAt)}|${nodeId}`, "converted");
    }
  }
  const { rows: messages } = await pool.query<{
    id: string;
    journeyId: string | null;
    nodeId: string | null;
    channel: string;
    createdAt: Date;
    sentAt: Date | null;
    openedAt: Date | null;
  }>(
    `SELECT id, "journeyId", "nodeId", channel, "createdAt", "sentAt", "openedAt" FROM "Message" WHERE "workspaceId" = $1`,
    [workspaceId],
  );
  const { rows: events } = await pool.query<{ messageId: string; type: string; at: Date }>(
    `SELECT "messageId", type, at FROM "MessageEvent" WHERE "workspaceId" = $1 ORDER BY at`,
    [workspaceId],
  );
  for (const m of messages) {
    const key = (d: Date) => `${dayOf(d)}|${m.journeyId ?? ""}|${m.nodeId ?? ""}|${m.channel}`;
    bump(messageDays, key(m.createdAt), "queued");
    if (m.sentAt) bump(messageDays, key(m.sentAt), "sent");
    if (m.openedAt) bump(messageDays, key(m.openedAt), "opened");
    const seen = new Set<string>();
    for (const e of events.filter((e) => e.messageId === m.id)) {
      if (
        seen.has(e.type) ||
        !["delivered", "clicked", "bounced", "failed", "suppressed", "unsubscribed", "complained"].includes(e.type)
      )
        continue;
      seen.add(e.type);
      bump(messageDays, key(e.at), e.type);
    }
    // conversions credited to this message, on the conversion's day
    for (const c of conversions.filter((c) => c.messageId === m.id)) {
      bump(messageDays, key(c.convertedAt), "conversions");
      if (c.revenue !== null) bump(messageDays, key(c.convertedAt), "orders");
      if (c.revenue) bump(messageDays, key(c.convertedAt), "revenue", c.revenue);
    }
  }
  return { journeyDays, nodeDays, edgeDays, messageDays };
}

/** The rollup tables in the oracle's shape (zero counts left out). */
async function rolledUp(
  workspaceId: string,
): Promise<{ journeyDays: Counts; nodeDays: Counts; edgeDays: Counts; messageDays: Counts }> {
  const pool = pgPool();
  const strip = (row: Record<string, unknown>, keys: string[]) =>
    Object.fromEntries(Object.entries(row).filter(([k, v]) => !keys.includes(k) && v !== 0)) as Record<string, number>;
  const journeyDays: Counts = {};
  const { rows: j } = await pool.query(
    `SELECT "journeyId", to_char(day, 'YYYY-MM-DD') AS day, entered, completed, exited, failed, converted, orders, revenue::float8 AS revenue FROM "AnalyticsJourneyDay" WHERE "workspaceId" = $1`,
    [workspaceId],
  );
  for (const r of j) journeyDays[`${r.journeyId}|${r.day}`] = strip(r, ["journeyId", "day"]);
  const nodeDays: Counts = {};
  const { rows: n } = await pool.query(
    `SELECT "journeyId", to_char(day, 'YYYY-MM-DD') AS day, "nodeId", entered, converted FROM "AnalyticsNodeDay" WHERE "workspaceId" = $1`,
    [workspaceId],
  );
  for (const r of n) nodeDays[`${r.journeyId}|${r.day}|${r.nodeId}`] = strip(r, ["journeyId", "day", "nodeId"]);
  const edgeDays: Counts = {};
  const { rows: g } = await pool.query(
    `SELECT "journeyId", to_char(day, 'YYYY-MM-DD') AS day, source, branch, target, entered, converted FROM "AnalyticsEdgeDay" WHERE "workspaceId" = $1`,
    [workspaceId],
  );
  for (const r of g)
    edgeDays[`${r.journeyId}|${r.day}|${r.source}|${r.branch}|${r.target}`] = strip(r, [
      "journeyId",
      "day",
      "source",
      "branch",
      "target",
    ]);
  const messageDays: Counts = {};
  const { rows: m } = await pool.query(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, "journeyId", "nodeId", channel, queued, sent, delivered, opened, clicked, bounced, failed, suppressed, unsubscribed, complained,
            conversions, orders, revenue::float8 AS revenue
       FROM "AnalyticsMessageDay" WHERE "workspaceId" = $1`,
    [workspaceId],
  );
  for (const r of m)
    messageDays[`${r.day}|${r.journeyId}|${r.nodeId}|${r.channel}`] = strip(r, [
      "day",
      "journeyId",
      "nodeId",
      "channel",
    ]);
  return { journeyDays, nodeDays, edgeDays, messageDays };
}

async function expectRollupsEqualRecount(workspaceId: string) {
  expect(await rolledUp(workspaceId)).toEqual(await recount(workspaceId));
}

// ---------------------------------------------------------------------------------------------------
// Message stages, written as the delivery code writes them (timestamps on Message, rows in MessageEvent).

async function messageOf(
  journeyId: string,
  userId: string,
  nodeId: string,
): Promise<{ id: string; workspaceId: string }> {
  const { rows } = await pgPool().query(
    `SELECT m.id, m."workspaceId" FROM "Message" m JOIN "Profile" p ON p.id = m."profileId" WHERE m."journeyId" = $1 AND p."userId" = $2 AND m."nodeId" = $3`,
    [journeyId, userId, nodeId],
  );
  if (!rows[0]) throw new Error(`no message for ${userId} at ${nodeId}`);
  return rows[0];
}

async function stage(
  message: { id: string; workspaceId: string },
  type: "sent" | "delivered" | "opened" | "clicked" | "bounced" | "unsubscribed",
  when: Date,
) {
  const column = { sent: "sentAt", delivered: "deliveredAt", opened: "openedAt", clicked: "clickedAt" }[type as string];
  const status = { sent: "SENT", delivered: "DELIVERED", bounced: "BOUNCED" }[type as string];
  if (column)
    await pgPool().query(`UPDATE "Message" SET "${column}" = COALESCE("${column}", $2) WHERE id = $1`, [
      message.id,
      when,
    ]);
  if (type === "clicked")
    await pgPool().query(`UPDATE "Message" SET "openedAt" = COALESCE("openedAt", $2) WHERE id = $1`, [
      message.id,
      when,
    ]);
  if (status)
    await pgPool().query(`UPDATE "Message" SET status = $2::"MessageStatus" WHERE id = $1`, [message.id, status]);
  await pgPool().query(`INSERT INTO "MessageEvent" ("messageId", "workspaceId", type, at) VALUES ($1, $2, $3, $4)`, [
    message.id,
    message.workspaceId,
    type,
    when,
  ]);
}

// ---------------------------------------------------------------------------------------------------

describe("analytics rollups", () => {
  let team: TestWorkspace;
  let ctx: WorkspaceContext;
  let driver: EngineDriver;
  let journeyId: string;
  const run = () => rollupWorkspace(team.id, driver.now);

  beforeAll(async () => {
    // a full key: the driver ingests (API keys only) and reads the dashboards with it
    const fixture = await ingestFixture("FULL");
    team = fixture.team;
    ctx = await workspaceContextForApiKey(fixture.key);
    driver = new EngineDriver(ctx, DAY0);
    ({ journeyId } = await publishGraph(ctx, onboarding()));
  });

  it("counts what happened today, at every run, equal to a recount of the raw rows", async () => {
    await driver.track("ada", "signed_up");
    await driver.track("bob", "signed_up");
    const result = await run();
    // yesterday, today and tomorrow, and the first day of the catch-up sweep (the day before yesterday)
    expect(result.recomputed).toEqual([{ from: "2026-03-08", to: "2026-03-12" }]);
    await expectRollupsEqualRecount(team.id);

    // The welcome emails go out; Ada's is opened, Bob's bounces.
    driver.advanceTime(HOUR);
    await stage(await messageOf(journeyId, "ada", "welcome"), "sent", driver.now);
    await stage(await messageOf(journeyId, "ada", "welcome"), "delivered", driver.now);
    await stage(await messageOf(journeyId, "bob", "welcome"), "sent", driver.now);
    await stage(await messageOf(journeyId, "bob", "welcome"), "bounced", driver.now);
    driver.advanceTime(HOUR);
    await stage(await messageOf(journeyId, "ada", "welcome"), "opened", driver.now);
    await run();
    await expectRollupsEqualRecount(team.id);
    expect((await rolledUp(team.id)).journeyDays[`${journeyId}|2026-03-10`]).toEqual({ entered: 2 });
  });

  it("counts a conversion days after the visit on the conversion's day, for every node the person passed", async () => {
    // Day 1: Carol signs up; Ada buys while still in the journey (converted, ended).
    driver.now = new Date(DAY0.getTime() + DAY);
    await driver.track("carol", "signed_up");
    await driver.track("ada", "purchased");
    await run();
    await expectRollupsEqualRecount(team.id);

    // Day 2 and 3: the delays end; Bob and Carol get the reminder and leave (completed).
    driver.now = new Date(DAY0.getTime() + 2 * DAY + HOUR);
    await driver.tick();
    await run();
    driver.now = new Date(DAY0.getTime() + 3 * DAY + HOUR);
    await driver.tick();
    await run();
    await expectRollupsEqualRecount(team.id);

    // Day 5: Bob buys, three days after he left and five after his visits: within the attribution window.
    driver.now = new Date(DAY0.getTime() + 5 * DAY);
    const before = await rolledUp(team.id);
    await driver.track("bob", "purchased");
    await run();
    await expectRollupsEqualRecount(team.id);
    const after = await rolledUp(team.id);
    // The visits' days did not change; the conversion is on day 5, for each node Bob passed.
    expect(after.nodeDays[`${journeyId}|2026-03-10|welcome`]).toEqual(
      before.nodeDays[`${journeyId}|2026-03-10|welcome`],
    );
    for (const node of ["trigger", "welcome", "wait", "reminder", "end"])
      expect(after.nodeDays[`${journeyId}|2026-03-15|${node}`]).toEqual({ converted: 1 });

    // The journey's funnel over the week: three entered, two converted; per node, conversions of those who passed it.
    const analytics = await journeyAnalytics(ctx, journeyId, { from: "2026-03-10", to: "2026-03-16" }, driver.now);
    expect(analytics.funnel.map((s) => [s.nodeId, s.entered, s.converted])).toEqual([
      ["trigger", 3, 2],
      ["welcome", 3, 2],
      ["wait", 3, 2],
      ["reminder", 2, 1],
      ["end", 2, 1],
    ]);
    expect(analytics.funnel[3].conversionRate).toBe(0.5);
    expect(analytics.totals).toMatchObject({ entered: 3, conversions: 2, completed: 2, activeNow: 0 });
    expect(analytics.daily.find((d) => d.day === "2026-03-15")).toEqual({
      day: "2026-03-15",
      entered: 0,
      sent: 0,
      conversions: 1,
      revenue: 0,
      orders: 0,
    });
    expect(analytics.channels).toEqual([
      expect.objectContaining({
        channel: "email",
        queued: 5,
        sent: 2,
        delivered: 1,
        opened: 1,
        bounced: 1,
        deliveryRate: 0.5,
        openRate: 1,
        bounceRate: 0.5,
      }),
    ]);
    expect(analytics.funnel[1].messages).toMatchObject({ queued: 3, sent: 2, delivered: 1, opened: 1, bounced: 1 });
  });

  it("counts an event that arrives late for yesterday at the next run", async () => {
    // Day 6: Carol's purchase from yesterday evening reaches Cairn only now (an offline app), stamped yesterday:
    // a conversion on yesterday's day, within her attribution window.
    driver.now = new Date(DAY0.getTime() + 6 * DAY);
    await driver.send([
      {
        type: "track",
        userId: "carol",
        event: "purchased",
        timestamp: new Date(DAY0.getTime() + 5 * DAY + 10 * HOUR).toISOString(),
      },
    ]);
    // Dave's sign-up from yesterday arrives late too: the engine enrolls him now, on its own clock.
    await driver.send([
      {
        type: "track",
        userId: "dave",
        event: "signed_up",
        timestamp: new Date(DAY0.getTime() + 5 * DAY + 3 * HOUR).toISOString(),
      },
    ]);
    await run();
    await expectRollupsEqualRecount(team.id);
    const days = (await rolledUp(team.id)).journeyDays;
    expect(days[`${journeyId}|2026-03-15`]).toMatchObject({ converted: 2 });
    expect(days[`${journeyId}|2026-03-16`]).toMatchObject({ entered: 1 });
  });

  it("finds a conversion dated days back, and reaches older days through the catch-up sweep", async () => {
    // Erin enters on day 6; her purchase two hours later reaches Cairn only on day 9, three days late.
    driver.now = new Date(DAY0.getTime() + 6 * DAY + HOUR);
    await driver.track("erin", "signed_up");
    await run();
    driver.now = new Date(DAY0.getTime() + 9 * DAY);
    await driver.send([
      {
        type: "track",
        userId: "erin",
        event: "purchased",
        timestamp: new Date(DAY0.getTime() + 6 * DAY + 2 * HOUR).toISOString(),
      },
    ]);
    await driver.tick(); // Dave's delay ends: reminder, exit
    // A provider's delivery report, dated four days back (outside today and yesterday).
    const carolReminder = await messageOf(journeyId, "carol", "reminder");
    await stage(carolReminder, "sent", new Date(DAY0.getTime() + 3 * DAY + 2 * HOUR));
    await stage(carolReminder, "delivered", new Date(DAY0.getTime() + 5 * DAY));
    const first = await run();
    // The conversion check found day 6 at once.
    expect(first.recomputed.some((r) => r.from <= "2026-03-16" && r.to > "2026-03-16")).toBe(true);
    expect((await rolledUp(team.id)).journeyDays[`${journeyId}|2026-03-16`]).toMatchObject({
      entered: 2,
      converted: 1,
    });
    // The report's days are found by the sweep, one older day per run.
    for (let i = 0; i < CATCH_UP_DAYS; i++) await run();
    await expectRollupsEqualRecount(team.id);
  });

  it("a rebuild from the raw tables gives the same tables as the incremental runs", async () => {
    const incremental = await rolledUp(team.id);
    // Damage the rollups: a rebuild must not depend on what is there.
    await pgPool().query(`UPDATE "AnalyticsJourneyDay" SET entered = entered + 7 WHERE "workspaceId" = $1`, [team.id]);
    await pgPool().query(
      `INSERT INTO "AnalyticsNodeDay" ("workspaceId", "journeyId", day, "nodeId", entered) VALUES ($1, $2, '2025-01-01', 'ghost', 3)`,
      [team.id, journeyId],
    );
    await pgPool().query(`DELETE FROM "AnalyticsMessageDay" WHERE "workspaceId" = $1`, [team.id]);
    const progress: string[] = [];
    await rebuildAnalytics({
      workspaceId: team.id,
      now: driver.now,
      chunkDays: 3,
      onProgress: (m) => progress.push(m),
    });
    expect(await rolledUp(team.id)).toEqual(incremental);
    await expectRollupsEqualRecount(team.id);
    expect(progress[0]).toMatch(/^workspace 1\/1 \(test-\w+\): 2026-03-10 to 2026-03-20, 11 days$/);
    // An incremental run right after changes nothing.
    await run();
    expect(await rolledUp(team.id)).toEqual(incremental);
  });

  it("the overview adds up events, entries, conversions and messages from the rollups", async () => {
    await rollupAllPending(); // the event catalog's daily volume
    const overview = await workspaceOverview(ctx, { from: "2026-03-10", to: "2026-03-19" }, driver.now);
    expect(overview.range).toEqual({ from: "2026-03-10", to: "2026-03-19", days: 10 });
    expect(overview.daily).toHaveLength(10);
    expect(overview.totals).toMatchObject({ entered: 5, conversions: 4, activeNow: 0 });
    const events = await pgPool().query(
      `SELECT count(*)::int AS n FROM "Event" WHERE "workspaceId" = $1 AND name IS NOT NULL`,
      [team.id],
    );
    expect(overview.totals.events).toBe(events.rows[0].n);
    expect(overview.daily.find((d) => d.day === "2026-03-15")).toMatchObject({ conversions: 2, events: 3 });
    expect(overview.channels.map((c) => [c.channel, c.sent, c.delivered])).toEqual([["email", 3, 2]]);
    expect(overview.journeys).toEqual([
      expect.objectContaining({ id: journeyId, entered: 5, conversions: 4, conversionRate: 0.8 }),
    ]);
    expect(overview.updatedAt).toBe(driver.now.toISOString());
  });

  it("the cron's first run for a workspace rebuilds it: data from before the rollups existed is counted", async () => {
    const fixture = await ingestFixture("FULL");
    const other = await workspaceContextForApiKey(fixture.key);
    const early = new EngineDriver(other, new Date(DAY0.getTime() - 60 * DAY));
    const { journeyId: otherJourney } = await publishGraph(other, onboarding());
    await early.track("ada", "signed_up");
    early.advanceTime(3 * DAY);
    await early.tick();
    expect(await rollupOrRebuildWorkspace(fixture.team.id, driver.now)).toBe("rebuilt");
    await expectRollupsEqualRecount(fixture.team.id);
    expect((await rolledUp(fixture.team.id)).journeyDays[`${otherJourney}|2026-01-09`]).toEqual({ entered: 1 });
    expect(await rollupOrRebuildWorkspace(fixture.team.id, driver.now)).toBe("incremental");
  });

  it("keeps workspaces apart", async () => {
    const other = await createWorkspaceWithTeam("Other");
    const result = await rollupWorkspace(other.id, driver.now);
    expect(result.workspaceId).toBe(other.id);
    const overview = await workspaceOverview(await contextOf(other, "VIEWER"), {}, driver.now);
    expect(overview.totals).toEqual({
      events: 0,
      entered: 0,
      conversions: 0,
      activeNow: 0,
      sent: 0,
      revenue: 0,
      orders: 0,
      averageOrderValue: null,
      revenuePerEntered: null,
    });
    await expect(journeyAnalytics(await contextOf(other, "OWNER"), journeyId, {}, driver.now)).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(journeyAnalytics(ctx, randomUUID(), {}, driver.now)).rejects.toMatchObject({ code: "not_found" });
  });
});
