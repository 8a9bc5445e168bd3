/**
 * A broadcast's results from rows written as the sender and the audience leave them: statuses and engagement
 * timestamps, MessageEvent rows, held-out people, conversion events inside and outside the window (and before the
 * send), a merged profile, revenue as a number and as a string; the statistics' shape on each metric; the route.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { GET as resultsRoute } from "@/app/api/v1/broadcasts/[id]/results/route";
import { GET as sessionResultsRoute } from "@/app/api/workspaces/[slug]/broadcasts/[id]/results/route";
import { callRoute } from "../../testing/call-route";
import { contextOf, createWorkspaceWithTeam, sessionCookie } from "../../testing/factories";
import { getBroadcastResults } from "./load-broadcast-results";
import { at, insertBroadcast, insertEvents, insertHoldout, insertMessages, insertProfiles, T0 } from "./testing";

const ORDER = "Order Completed";

async function scenario() {
  const team = await createWorkspaceWithTeam("Results");
  const ws = team.id;
  const broadcastId = await insertBroadcast(ws, {
    holdoutPercent: 10,
    conversionEvent: ORDER,
    conversionWindowHours: 24,
  });
  const [a1, a2, , a4] = await insertMessages(ws, broadcastId, [
    { variant: "A", deliveredAt: at(0.1), openedAt: at(1), clickedAt: at(2) },
    { variant: "A", deliveredAt: at(0.1), openedAt: at(30) },
    { variant: "A", status: "BOUNCED", events: [{ type: "bounced", at: at(0.2) }] },
    { variant: "A", status: "SUPPRESSED", sentAt: null },
  ]);
  const oldProfile = randomUUID();
  const survivor = randomUUID();
  const [b1, b2] = await insertMessages(ws, broadcastId, [
    { variant: "B", deliveredAt: at(0.1), openedAt: at(50), events: [{ type: "unsubscribed", at: at(50) }] },
    { variant: "B", deliveredAt: at(0.1), events: [{ type: "complained", at: at(3) }] },
    { variant: "B", sentAt: null },
    { variant: "B", deliveredAt: at(0.1), profileId: oldProfile },
  ]);
  await insertProfiles(ws, [{ id: survivor }, { id: oldProfile, mergedIntoId: survivor }]);
  const [h1, h2] = [randomUUID(), randomUUID()];
  await insertHoldout(ws, broadcastId, [h1, h2]);
  await insertEvents(ws, [
    // a1: two orders in the window, one as a decimal string
    { profileId: a1, name: ORDER, at: at(3), properties: { revenue: 10.5 } },
    { profileId: a1, name: ORDER, at: at(5), properties: { revenue: " 4.5 " } },
    // a2: after the 24 h window
    { profileId: a2, name: ORDER, at: at(30), properties: { revenue: 99 } },
    // a4 was never sent a message
    { profileId: a4, name: ORDER, at: at(2), properties: { revenue: 50 } },
    // b1: an order without a value; another event name does not convert
    { profileId: b1, name: ORDER, at: at(2) },
    { profileId: b1, name: "Page Viewed", at: at(2), properties: { revenue: 1000 } },
    // b2: before the message was sent
    { profileId: b2, name: ORDER, at: at(-1), properties: { revenue: 5 } },
    // the merged profile's survivor converts for the message sent to the old profile
    { profileId: survivor, name: ORDER, at: at(1), properties: { revenue: "not a number" } },
    // holdout: h1 after the start, h2 before it
    { profileId: h1, name: ORDER, at: at(10), properties: { revenue: 7 } },
    { profileId: h2, name: ORDER, at: at(-2), properties: { revenue: 7 } },
  ]);
  return { team, broadcastId };
}

describe("broadcast results", () => {
  it("counts each variant's messages, engagement, guardrails, conversions in the window and revenue, and the holdout", async () => {
    const { team, broadcastId } = await scenario();
    const results = await getBroadcastResults(await contextOf(team, "VIEWER"), broadcastId, {}, at(60));

    const [a, b] = results.variants;
    expect(a).toMatchObject({
      key: "A",
      label: "A: Plain",
      audience: 4,
      queued: 0,
      sent: 3,
      delivered: 2,
      opened: 2,
      clicked: 1,
      bounced: 1,
      suppressed: 1,
      unsubscribed: 0,
      converted: 1,
      orders: 1,
      revenue: 15,
      openRate: 1,
      clickRate: 0.5,
      bounceRate: 1 / 3,
      conversionRate: 1 / 3,
    });
    expect(b).toMatchObject({
      key: "B",
      label: "Variant B",
      audience: 4,
      queued: 1,
      sent: 3,
      delivered: 3,
      opened: 1,
      unsubscribed: 1,
      complained: 1,
      converted: 2,
      orders: 2,
      revenue: 0,
    });
    expect(results.holdout).toEqual({ audience: 2, converted: 1, revenue: 7, conversionRate: 0.5 });
    expect(results.totals).toMatchObject({ audience: 8, sent: 6, delivered: 5, converted: 3, revenue: 15 });
    expect(results.revenueProperty).toBe("revenue");
  });

  it("counts only what happened by the clock given", async () => {
    const { team, broadcastId } = await scenario();
    const early = await getBroadcastResults(await contextOf(team, "VIEWER"), broadcastId, {}, at(2.5));
    expect(early.variants[0]).toMatchObject({ opened: 1, clicked: 1, converted: 0 });
    expect(early.variants[1]).toMatchObject({ opened: 0, converted: 2, complained: 0 });
    expect(early.holdout).toMatchObject({ converted: 0 });
  });

  it("draws sends, opens, clicks and first conversions per hour for 48 hours, then per day", async () => {
    const { team, broadcastId } = await scenario();
    const { series } = await getBroadcastResults(await contextOf(team, "VIEWER"), broadcastId, {}, at(60));
    const point = (hours: number) => series.find((p) => p.at === at(hours).toISOString());
    expect(point(0)).toEqual({ at: T0.toISOString(), unit: "hour", sent: 6, opened: 0, clicked: 0, converted: 0 });
    expect(point(1)).toMatchObject({ opened: 1, converted: 1 });
    expect(point(2)).toMatchObject({ clicked: 1, converted: 1 });
    expect(point(3)).toMatchObject({ converted: 1 });
    expect(point(30)).toMatchObject({ unit: "hour", opened: 1 });
    // 50 h after the start is past the hourly part: the day's point starts where the hours end
    expect(point(48)).toMatchObject({ unit: "day", opened: 1 });
    expect(series.reduce((n, p) => n + p.converted, 0)).toBe(3);
  });

  it("analyses the variants as a split on the chosen metric, with the holdout only for conversions", async () => {
    const { team, broadcastId } = await scenario();
    const ctx = await contextOf(team, "VIEWER");
    const conversion = await getBroadcastResults(ctx, broadcastId, {}, at(60));
    const stats = conversion.statistics!;
    expect(conversion.metric).toBe("conversion");
    expect(stats.test.method).toBe("sequential");
    expect(stats.arms.map((a) => [a.armId, a.assigned, a.converted, a.isControl])).toEqual([
      ["A", 4, 1, true],
      ["B", 4, 2, false],
    ]);
    expect(stats.arms[0].revenue).toBe(15);
    expect(stats.holdout).toMatchObject({ assigned: 2, converted: 1 });
    expect(stats.incrementality).toMatchObject({ holdoutConverted: 1, treatedConverted: 3 });
    expect(stats.banners.map((b) => b.kind)).toContain("too_little_data");
    expect(stats.banners.find((b) => b.kind === "too_little_data")!.message).toMatch(/conversions/);
    expect(stats.winner).toBeNull();

    const opens = await getBroadcastResults(ctx, broadcastId, { metric: "open" }, at(60));
    expect(opens.metric).toBe("open");
    expect(opens.statistics!.arms.map((a) => a.converted)).toEqual([2, 1]);
    expect(opens.statistics!.holdout).toBeNull();
    expect(opens.statistics!.goal.revenueProperty).toBeNull();
  });

  it("without a conversion event: no conversions, and the statistics say what to set", async () => {
    const team = await createWorkspaceWithTeam();
    const id = await insertBroadcast(team.id);
    await insertMessages(team.id, id, [{ variant: "A" }, { variant: "B" }]);
    const results = await getBroadcastResults(await contextOf(team, "VIEWER"), id, {}, at(5));
    expect(results.totals.converted).toBe(0);
    expect(results.statistics!.banners.find((b) => b.kind === "no_goal")!.message).toMatch(/conversion event/);
  });
});

describe("GET /broadcasts/{id}/results", () => {
  it("a viewer reads it; another workspace's broadcast, a malformed id and an unknown metric are refused", async () => {
    const { team, broadcastId } = await scenario();
    const cookie = await sessionCookie(team.members.VIEWER);
    const path = `/api/workspaces/${team.slug}/broadcasts/${broadcastId}/results`;
    const ok = await callRoute(sessionResultsRoute, { path, cookie, params: { slug: team.slug, id: broadcastId } });
    expect(ok.status).toBe(200);
    expect(ok.body.variants.map((v: { key: string }) => v.key)).toEqual(["A", "B"]);
    expect(ok.body.statistics.arms).toHaveLength(2);

    const other = await createWorkspaceWithTeam("Other");
    const foreign = await insertBroadcast(other.id);
    const notFound = await callRoute(sessionResultsRoute, {
      path: `/api/workspaces/${team.slug}/broadcasts/${foreign}/results`,
      cookie,
      params: { slug: team.slug, id: foreign },
    });
    expect(notFound.status).toBe(404);
    const malformed = await callRoute(sessionResultsRoute, {
      path: `/api/workspaces/${team.slug}/broadcasts/nope/results`,
      cookie,
      params: { slug: team.slug, id: "nope" },
    });
    expect(malformed.status).toBe(404);

    const badMetric = await callRoute(resultsRoute, {
      path: `${path}?metric=revenue`,
      cookie,
      params: { slug: team.slug, id: broadcastId },
    });
    expect(badMetric.status).toBe(422);
    expect(badMetric.body.error.fields).toEqual([expect.objectContaining({ path: "metric" })]);
  });
});
