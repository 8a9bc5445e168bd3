/**
 * Revenue, the funnel and conversions as the pages report them, against a real database at a clock the test
 * sets (EngineDriver): purchases with a value convert people in and after a journey, the rollups and the
 * analytics API report revenue, orders, average order value and revenue per person, per journey and per
 * message (the last message sent before converting); the funnel counts only people who reached a step along
 * an edge; a person's journey card and the journey's conversion count agree on who converted.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { GET as journeyAnalyticsRoute } from "@/app/api/v1/journeys/[id]/analytics/route";
import { GET as overviewRoute } from "@/app/api/v1/dashboards/overview/route";
import { workspaceContextForApiKey } from "../api-keys/api-keys";
import type { WorkspaceContext } from "../auth/context";
import { pgPool } from "../db/pool";
import { journeyStats, profileJourneys } from "../engine/read-model";
import type { TJourneyGraphInput } from "../journeys/graph";
import { callRoute } from "../testing/call-route";
import { EngineDriver, publishGraph } from "../testing/engine-driver";
import { ingestFixture } from "../testing/ingest-helpers";
import { journeyAnalytics } from "./dashboards";
import { rollupWorkspace } from "./rollups";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DAY0 = new Date("2026-04-06T10:00:00.000Z");
const at = (y: number) => ({ x: 0, y });
const RANGE = { from: "2026-04-01", to: "2026-04-30" };

/** signed up → welcome email → 1-day delay → reminder email → end; goal "purchased" within 240 h of entry, revenue in `total`. */
function shop(): TJourneyGraphInput {
  return {
    nodes: [
      { id: "trigger", type: "trigger.event", position: at(0), config: { eventName: "signed_up", filters: [] } },
      {
        id: "welcome",
        type: "action.email",
        position: at(100),
        label: "Welcome",
        config: { templateId: "tpl_welcome" },
      },
      { id: "wait", type: "delay.duration", position: at(200), config: { duration: { amount: 1, unit: "days" } } },
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
    settings: { goal: { eventName: "purchased", attributionHours: 240, revenueProperty: "total" } },
  };
}

/** Marks the journey's messages at `nodeId` for these people as sent at `when`, as delivery does (the timestamp, and the timeline row). */
async function markSent(journeyId: string, nodeId: string, userIds: string[], when: Date) {
  const { rowCount } = await pgPool().query(
    `UPDATE "Message" m SET "sentAt" = $4, status = 'SENT' FROM "Profile" p
      WHERE p.id = m."profileId" AND m."journeyId" = $1 AND m."nodeId" = $2 AND p."userId" = ANY($3::text[])`,
    [journeyId, nodeId, userIds, when],
  );
  expect(rowCount).toBe(userIds.length);
  await pgPool().query(
    `INSERT INTO "MessageEvent" ("messageId", "workspaceId", type, at)
     SELECT m.id, m."workspaceId", 'sent', $4 FROM "Message" m JOIN "Profile" p ON p.id = m."profileId"
      WHERE m."journeyId" = $1 AND m."nodeId" = $2 AND p."userId" = ANY($3::text[])`,
    [journeyId, nodeId, userIds, when],
  );
}

async function profileIdOf(workspaceId: string, userId: string): Promise<string> {
  const { rows } = await pgPool().query<{ id: string }>(
    `SELECT id FROM "Profile" WHERE "workspaceId" = $1 AND "userId" = $2`,
    [workspaceId, userId],
  );
  return rows[0].id;
}

describe("revenue, the funnel and conversions on the pages", () => {
  let ctx: WorkspaceContext;
  let bearer: Record<string, string>;
  let workspaceId: string;
  let driver: EngineDriver;
  let journeyId: string;

  beforeAll(async () => {
    const fixture = await ingestFixture("FULL");
    workspaceId = fixture.team.id;
    bearer = fixture.bearer;
    ctx = await workspaceContextForApiKey(fixture.key);
    driver = new EngineDriver(ctx, DAY0);
    ({ journeyId } = await publishGraph(ctx, shop()));

    // Day 0: four people sign up and get the welcome email. Ada buys for 30.5 two hours later, still in the journey.
    for (const user of ["ada", "bob", "carol", "dan"]) await driver.track(user, "signed_up");
    driver.advanceTime(HOUR);
    await markSent(journeyId, "welcome", ["ada", "bob", "carol", "dan"], driver.now);
    driver.advanceTime(HOUR);
    await driver.track("ada", "purchased", { total: 30.5 });
    // Day 1: the delay ends; Bob, Carol and Dan get the reminder (Dan's is never sent) and leave the journey.
    driver.now = new Date(DAY0.getTime() + DAY + HOUR);
    await driver.tick();
    await markSent(journeyId, "reminder", ["bob", "carol"], driver.now);
    // Day 2, after the journey: Bob pays "19.50" (a numeric string), Carol "free" (no value: an order of 0), Dan
    // sends no total at all (an order of 0). All within the 240-hour window from entry.
    driver.now = new Date(DAY0.getTime() + 2 * DAY);
    await driver.track("bob", "purchased", { total: "19.50" });
    await driver.track("carol", "purchased", { total: "free" });
    await driver.track("dan", "purchased", {});
    await rollupWorkspace(workspaceId, driver.now);
  });

  it("records each conversion's revenue as a Decimal and the message it is credited to", async () => {
    const { rows } = await pgPool().query<{ userId: string; revenue: string | null; nodeId: string | null }>(
      `SELECT p."userId", c.revenue::text AS revenue, m."nodeId" FROM "Conversion" c JOIN "Profile" p ON p.id = c."profileId"
         LEFT JOIN "Message" m ON m.id = c."messageId" WHERE c."journeyId" = $1 ORDER BY p."userId"`,
      [journeyId],
    );
    expect(rows).toEqual([
      { userId: "ada", revenue: "30.5000", nodeId: "welcome" },
      { userId: "bob", revenue: "19.5000", nodeId: "reminder" },
      { userId: "carol", revenue: "0.0000", nodeId: "reminder" },
      // Dan's reminder was never sent: the last message he was sent is the welcome
      { userId: "dan", revenue: "0.0000", nodeId: "welcome" },
    ]);
  });

  it("reports revenue, orders, average order value and revenue per person entered, per journey, per day and per message, through the API", async () => {
    const { status, body } = await callRoute(journeyAnalyticsRoute, {
      headers: bearer,
      params: { id: journeyId },
      path: `/api/v1/journeys/${journeyId}/analytics?from=${RANGE.from}&to=${RANGE.to}`,
    });
    expect(status).toBe(200);
    expect(body.totals).toMatchObject({
      entered: 4,
      conversions: 4,
      orders: 4,
      revenue: 50,
      averageOrderValue: 12.5,
      revenuePerEntered: 12.5,
    });
    expect(body.daily.find((d: { day: string }) => d.day === "2026-04-06")).toMatchObject({
      conversions: 1,
      orders: 1,
      revenue: 30.5,
    });
    expect(body.daily.find((d: { day: string }) => d.day === "2026-04-08")).toMatchObject({
      conversions: 3,
      orders: 3,
      revenue: 19.5,
    });
    expect(body.messages).toEqual([
      {
        nodeId: "welcome",
        label: "Welcome",
        channel: "email",
        sent: 4,
        clicked: 0,
        conversions: 2,
        orders: 2,
        revenue: 30.5,
        revenuePerRecipient: 7.625,
        inGraph: true,
      },
      {
        nodeId: "reminder",
        label: "Reminder",
        channel: "email",
        sent: 2,
        clicked: 0,
        conversions: 2,
        orders: 2,
        revenue: 19.5,
        revenuePerRecipient: 9.75,
        inGraph: true,
      },
    ]);
    expect(body.attribution).toMatch(/last message the person was sent in this journey before converting/);

    const overview = await callRoute(overviewRoute, {
      headers: bearer,
      path: `/api/v1/dashboards/overview?from=${RANGE.from}&to=${RANGE.to}`,
    });
    expect(overview.status).toBe(200);
    expect(overview.body.totals).toMatchObject({
      conversions: 4,
      orders: 4,
      revenue: 50,
      averageOrderValue: 12.5,
      revenuePerEntered: 12.5,
    });
    expect(overview.body.journeys).toEqual([
      expect.objectContaining({
        id: journeyId,
        revenue: 50,
        orders: 4,
        averageOrderValue: 12.5,
        revenuePerEntered: 12.5,
      }),
    ]);
    expect(overview.body.daily.find((d: { day: string }) => d.day === "2026-04-08")).toMatchObject({
      revenue: 19.5,
      orders: 3,
    });
  });

  it("a journey without a revenue property has conversions but no orders", async () => {
    const graph = shop();
    graph.nodes[0].config = { eventName: "joined", filters: [] };
    graph.settings = { goal: { eventName: "upgraded", attributionHours: 240 } };
    const plain = await publishGraph(ctx, graph);
    await driver.track("erin", "joined");
    await driver.track("erin", "upgraded", { total: 99 });
    await rollupWorkspace(workspaceId, driver.now);
    const analytics = await journeyAnalytics(ctx, plain.journeyId, RANGE, driver.now);
    expect(analytics.totals).toMatchObject({
      conversions: 1,
      orders: 0,
      revenue: 0,
      averageOrderValue: null,
      revenuePerEntered: 0,
    });
  });

  it("the funnel counts only people who reached a step along an edge: a goal event's jump to the goal step, or an older version's path, does not inflate it", async () => {
    // browsed → 1-day delay → nudge email → goal step "bought" (reached along the edge: completed without buying)
    const v1: TJourneyGraphInput = {
      nodes: [
        { id: "trigger", type: "trigger.event", position: at(0), config: { eventName: "browsed", filters: [] } },
        { id: "wait", type: "delay.duration", position: at(100), config: { duration: { amount: 1, unit: "days" } } },
        { id: "nudge", type: "action.email", position: at(200), label: "Nudge", config: { templateId: "tpl_nudge" } },
        { id: "goal", type: "goal", position: at(300), label: "Bought", config: { eventName: "bought" } },
      ],
      edges: [
        { id: "e1", source: "trigger", target: "wait" },
        { id: "e2", source: "wait", target: "nudge" },
        { id: "e3", source: "nudge", target: "goal" },
      ],
    };
    const start = new Date(DAY0.getTime() + 3 * DAY);
    driver.now = start;
    const { journeyId: funnelId } = await publishGraph(ctx, v1);
    for (const user of ["fay", "gus", "hal"]) await driver.track(user, "browsed");
    // Gus and Hal buy while waiting: the goal step's event converts them where they are, and their trace shows the goal step.
    driver.advanceTime(HOUR);
    await driver.track("gus", "bought");
    await driver.track("hal", "bought");
    driver.now = new Date(start.getTime() + DAY + HOUR);
    await driver.tick(); // Fay walks on: nudge, then onto the goal step along its edge
    await rollupWorkspace(workspaceId, driver.now);

    const range = { from: "2026-04-09", to: "2026-04-11" };
    const before = await journeyAnalytics(ctx, funnelId, range, driver.now);
    const row = (a: typeof before, id: string) => a.funnel.find((s) => s.nodeId === id)!;
    expect(before.funnel.map((s) => [s.nodeId, s.entered, s.visits, s.converted])).toEqual([
      ["trigger", 3, 3, 2],
      ["wait", 3, 3, 2],
      ["nudge", 1, 1, 0],
      // three visits (two are the jumps a conversion records), one along the edge from the nudge
      ["goal", 1, 3, 0],
    ]);
    expect(row(before, "goal").entered).toBeLessThanOrEqual(row(before, "nudge").entered);

    // Version 2 rewires the journey: the nudge first, then the delay, then the goal. Fay reached the goal from
    // the nudge on version 1, which version 2 has no edge for: she does not count on v2's goal step either.
    await publishGraph(
      ctx,
      {
        ...v1,
        edges: [
          { id: "e1", source: "trigger", target: "nudge" },
          { id: "e2", source: "nudge", target: "wait" },
          { id: "e3", source: "wait", target: "goal" },
        ],
      },
      funnelId,
    );
    await rollupWorkspace(workspaceId, driver.now);
    const after = await journeyAnalytics(ctx, funnelId, range, driver.now);
    expect(after.funnel.map((s) => [s.nodeId, s.entered, s.visits])).toEqual([
      ["trigger", 3, 3],
      ["nudge", 0, 1],
      ["wait", 0, 3],
      ["goal", 0, 3],
    ]);
    for (const [i, s] of after.funnel.entries())
      if (i > 0) expect(s.entered).toBeLessThanOrEqual(after.funnel[i - 1].entered);
  });

  it("a person's journey card and the journey's conversion count agree: converted after the journey within the window on both, outside it on neither", async () => {
    // Ivy signs up with the shop journey, leaves it a day later, and buys on day 11 (> 240 h after entry).
    const start = new Date(DAY0.getTime() + 5 * DAY);
    driver.now = start;
    await driver.track("ivy", "signed_up");
    driver.now = new Date(start.getTime() + DAY + HOUR);
    await driver.tick();
    driver.now = new Date(start.getTime() + 11 * DAY);
    await driver.track("ivy", "purchased", { total: 12 });

    const stats = await journeyStats(ctx, journeyId, driver.now);
    const cards = new Map<string, boolean>();
    for (const user of ["ada", "bob", "carol", "dan", "ivy"]) {
      const [card] = (await profileJourneys(ctx, await profileIdOf(workspaceId, user))).filter(
        (e) => e.journeyId === journeyId,
      );
      cards.set(user, card.conversion !== null);
    }
    // Bob bought after the journey ended, within the window: his card says converted, and he is in the count.
    const [bob] = (await profileJourneys(ctx, await profileIdOf(workspaceId, "bob"))).filter(
      (e) => e.journeyId === journeyId,
    );
    expect(bob.status).toBe("COMPLETED");
    expect(bob.conversion).toMatchObject({ eventName: "purchased", revenue: 19.5, afterLeaving: true });
    // Ivy bought outside the window: neither.
    expect(cards.get("ivy")).toBe(false);
    expect(Object.fromEntries(cards)).toEqual({ ada: true, bob: true, carol: true, dan: true, ivy: false });
    expect(stats.totals.converted).toBe([...cards.values()].filter(Boolean).length);
  });
});
