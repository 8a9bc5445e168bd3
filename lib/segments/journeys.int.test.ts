import { describe, expect, it } from "vitest";
import { pgPool } from "../db/pool";
import { walkBatch as advanceEnrollments, walkInBatches as advanceMany } from "../engine/walk-batch";
import { processIngestedEvents } from "../engine/process-events";
import { enrollSegmentEntries } from "../engine/segment-entries";
import type { TJourneyGraphInput } from "../journeys/graph";
import { enrollmentsOf, publishGraph } from "../testing/engine-driver";
import { rangesOf, recomputeSegment, reevaluateProfileSegments, type MembershipChange } from "./membership";
import { SegmentDriver } from "./test-driver";

const DAY = 86_400_000;
const T0 = new Date("2026-03-02T12:00:00.000Z");
const at = (x: number, y = 0) => ({ x, y });
const VIEWED_3_IN_7 = {
  kind: "group",
  match: "all",
  conditions: [{ kind: "event_count", event: "Product Viewed", operator: "at_least", count: 3, withinDays: 7 }],
};

function segmentJourney(
  segmentId: string,
  reentry: TJourneyGraphInput["settings"] extends infer S ? (S extends { reentry?: infer R } ? R : never) : never,
): TJourneyGraphInput {
  return {
    nodes: [
      { id: "trigger", type: "trigger.segment", position: at(0), config: { segmentId } },
      { id: "wait", type: "delay.duration", position: at(0, 100), config: { duration: { amount: 1, unit: "hours" } } },
      { id: "end", type: "exit", position: at(0, 200), config: {} },
    ],
    edges: [
      { id: "e1", source: "trigger", target: "wait" },
      { id: "e2", source: "wait", target: "end" },
    ],
    settings: { reentry },
  };
}

/** What segment-entries does for the changes: enroll, then walk. */
async function enrollFrom(d: SegmentDriver, changes: MembershipChange[]): Promise<number> {
  let enrolled = 0;
  for (const range of rangesOf(changes)) {
    const result = await enrollSegmentEntries(range, d.now);
    await advanceEnrollments(result.advance, d.now);
    enrolled += result.enrolled;
  }
  return enrolled;
}

const views = (userId: string, n: number) =>
  Array.from({ length: n }, () => ({ type: "track", userId, event: "Product Viewed" }));

describe("segments and journeys", () => {
  it("the segment-entry trigger enrolls exactly once per entry, under the journey's re-entry rule", async () => {
    const d = await SegmentDriver.start(T0);
    const segmentId = await d.segment(VIEWED_3_IN_7);
    const once = await publishGraph(d.ctx, segmentJourney(segmentId, { mode: "once" }));
    const always = await publishGraph(d.ctx, segmentJourney(segmentId, { mode: "always" }));
    const after = await publishGraph(d.ctx, segmentJourney(segmentId, { mode: "after", days: 30 }));

    const entered = await d.send(views("ada", 3));
    expect(entered.map((c) => c.kind)).toEqual(["entered"]);
    expect(await enrollFrom(d, entered)).toBe(3);
    // the same entry announced again (a retry, an overlapping range, the sweep): nobody enrolls twice
    expect(await enrollFrom(d, entered)).toBe(0);
    expect(await enrollFrom(d, [...entered, ...entered])).toBe(0);
    // more views while a member: no new entry
    expect(await d.send(views("ada", 2))).toEqual([]);

    // the window closes on all five views (the 3rd newest leaves first): an exit, then a new entry
    d.advance(7 * DAY + 1);
    expect((await d.tick()).changes.map((c) => c.kind)).toEqual(["exited"]);
    const again = await d.send(views("ada", 3));
    expect(again.map((c) => c.kind)).toEqual(["entered"]);
    expect(await enrollFrom(d, again)).toBe(1); // "always" only: "once" refuses, "after 30 days" is too soon
    expect(await enrollFrom(d, again)).toBe(0);

    expect((await enrollmentsOf(once.journeyId)).map((e) => e.userId)).toEqual(["ada"]);
    expect((await enrollmentsOf(always.journeyId)).map((e) => [e.userId, e.status, e.currentNodeId])).toEqual([
      ["ada", "WAITING", "wait"],
      ["ada", "WAITING", "wait"],
    ]);
    expect((await enrollmentsOf(after.journeyId)).map((e) => e.userId)).toEqual(["ada"]);
    // each entry is its own entry key
    const { rows } = await pgPool().query<{ entryKey: string }>(
      `SELECT "entryKey" FROM "Enrollment" WHERE "journeyId" = $1 ORDER BY "enteredAt"`,
      [always.journeyId],
    );
    expect(rows.map((r) => r.entryKey)).toEqual([`segment:${entered[0].id}`, `segment:${again[0].id}`]);
  });

  it("condition steps test real membership", async () => {
    const d = await SegmentDriver.start(T0);
    const segmentId = await d.segment(VIEWED_3_IN_7);
    const { journeyId } = await publishGraph(d.ctx, {
      nodes: [
        {
          id: "trigger",
          type: "trigger.event",
          position: at(0),
          config: { eventName: "Checkout Started", filters: [] },
        },
        {
          id: "in",
          type: "condition",
          position: at(0, 100),
          config: { rules: { match: "all", rules: [{ kind: "segment", segmentId, member: true }] } },
        },
        { id: "yes", type: "exit", position: at(-100, 200), config: {} },
        { id: "no", type: "exit", position: at(100, 200), config: {} },
      ],
      edges: [
        { id: "e1", source: "trigger", target: "in" },
        { id: "e2", source: "in", target: "yes", branch: "yes" },
        { id: "e3", source: "in", target: "no", branch: "no" },
      ],
      settings: { reentry: { mode: "always" } },
    });
    await d.send(views("ada", 3));
    for (const userId of ["ada", "bob"]) {
      const ids = await d.store([{ type: "track", userId, event: "Checkout Started" }]);
      const { advance } = await processIngestedEvents(d.ctx.workspace.id, ids, d.now);
      await advanceEnrollments(advance, d.now);
    }
    expect((await enrollmentsOf(journeyId)).map((e) => [e.userId, e.currentNodeId]).sort()).toEqual([
      ["ada", "yes"],
      ["bob", "no"],
    ]);
  });

  it("an identify that merges an anonymous visitor moves their memberships and re-evaluates the person with all their events", async () => {
    const d = await SegmentDriver.start(T0);
    const viewed3 = await d.segment(VIEWED_3_IN_7);
    const viewed2 = await d.segment({
      kind: "group",
      match: "all",
      conditions: [{ kind: "event_count", event: "Product Viewed", operator: "at_least", count: 2 }],
    });
    const noPlan = await d.segment({
      kind: "group",
      match: "all",
      conditions: [{ kind: "trait", trait: "plan", operator: "not_exists" }],
    });
    await d.send([
      { type: "identify", userId: "ada", traits: { plan: "pro" } },
      { type: "track", userId: "ada", event: "Product Viewed" },
      { type: "track", anonymousId: "visitor-1", event: "Product Viewed" },
      { type: "track", anonymousId: "visitor-1", event: "Product Viewed" },
    ]);
    const { rows: anon } = await pgPool().query<{ id: string }>(
      `SELECT "profileId" AS id FROM "ProfileIdentity" WHERE "workspaceId" = $1 AND value = 'visitor-1'`,
      [d.ctx.workspace.id],
    );
    const visitor = anon[0].id;
    expect(await d.members(viewed2)).toEqual([visitor]);
    expect(await d.members(noPlan)).toEqual([visitor]);
    expect(await d.members(viewed3)).toEqual([]);

    const changes = await d.send([{ type: "identify", userId: "ada", anonymousId: "visitor-1", traits: {} }]);
    // visitor-1 is ada now: 3 views (enters), still 2+ (the membership moved, no new entry), and a plan (leaves)
    expect(await d.members(viewed3)).toEqual(["ada"]);
    expect(await d.members(viewed2)).toEqual(["ada"]);
    expect(await d.members(noPlan)).toEqual([]);
    expect(
      changes
        .map((c) => `${c.segmentId === viewed3 ? "viewed3" : c.segmentId === viewed2 ? "viewed2" : "noPlan"} ${c.kind}`)
        .sort(),
    ).toEqual(["noPlan exited", "viewed3 entered"]);
    expect(await d.changes(viewed2)).toEqual([{ userId: visitor, kind: "entered", at: T0.toISOString() }]);
    // a recompute agrees and changes nothing
    for (const id of [viewed3, viewed2, noPlan])
      expect(await recomputeSegment(id, { now: () => d.now })).toMatchObject({ entered: 0, exited: 0 });
    const { rows } = await pgPool().query<{ memberCount: number }>(
      `SELECT "memberCount" FROM "Segment" WHERE id = ANY($1::uuid[]) ORDER BY array_position($1::uuid[], id)`,
      [[viewed3, viewed2, noPlan]],
    );
    expect(rows.map((r) => r.memberCount)).toEqual([1, 1, 0]);
  });

  it("segment conditions: another dynamic segment, inlined, its time windows scheduled in the segment that reads it", async () => {
    const d = await SegmentDriver.start(T0);
    const viewers = await d.segment(VIEWED_3_IN_7);
    const viewersNoOrder = await d.segment({
      kind: "group",
      match: "all",
      conditions: [
        { kind: "segment", segmentId: viewers, member: true },
        { kind: "segment", segmentId: viewers, member: true },
        { kind: "not_performed", event: "Order Completed", withinDays: 30 },
      ],
    });
    await d.send(views("ada", 3));
    await d.send(views("bob", 3));
    await d.track("bob", "Order Completed");
    expect(await d.members(viewersNoOrder)).toEqual(["ada"]);
    expect((await d.nextCheck(viewersNoOrder, "ada")).nextCheckAt).toBe(
      new Date(T0.getTime() + 7 * DAY + 1).toISOString(),
    );
    d.advance(7 * DAY + 1);
    await d.tick();
    expect(await d.members(viewers)).toEqual([]);
    expect(await d.members(viewersNoOrder)).toEqual([]);
  });

  it("reachability: an email with consent, not suppressed; a push token", async () => {
    const d = await SegmentDriver.start(T0);
    const email = await d.segment({
      kind: "group",
      match: "all",
      conditions: [{ kind: "reachable", channel: "email" }],
    });
    const push = await d.segment({ kind: "group", match: "all", conditions: [{ kind: "reachable", channel: "push" }] });
    await d.send([
      { type: "identify", userId: "ada", traits: { email: "ada@example.com" } },
      { type: "identify", userId: "bob", traits: { email: "bob@example.com", email_subscribe: "unsubscribed" } },
      { type: "identify", userId: "cy", traits: { email: "cy@example.com" } },
      { type: "identify", userId: "dee", traits: { email: "not an address" } },
      {
        type: "track",
        userId: "eve",
        event: "App Opened",
        context: { device: { token: "fcm-token-1", type: "android" } },
      },
    ]);
    await pgPool().query(
      `INSERT INTO "Suppression" ("workspaceId", channel, address, reason, "createdAt") VALUES ($1, 'email', 'cy@example.com', 'bounce', now())`,
      [d.ctx.workspace.id],
    );
    await recomputeSegment(email, { now: () => d.now });
    expect(await d.members(email)).toEqual(["ada"]);
    expect(await d.members(push)).toEqual(["eve"]);
    // consent recorded by a preference page wins over the trait
    await pgPool().query(
      `INSERT INTO "ChannelConsent" ("workspaceId", "profileId", channel, status, source, "updatedAt")
       SELECT "workspaceId", id, 'email', 'subscribed', 'preference_page', now() FROM "Profile" WHERE "workspaceId" = $1 AND "userId" = 'bob'`,
      [d.ctx.workspace.id],
    );
    await d.identify("bob", { first_name: "Bob" });
    expect(await d.members(email)).toEqual(["ada", "bob"]);
    // workspaces that require opt-in reach only people who opted in
    await pgPool().query(
      `INSERT INTO "MessagingPolicy" ("workspaceId", "requireOptIn", "updatedByLabel") VALUES ($1, '{email}', 'test')`,
      [d.ctx.workspace.id],
    );
    await d.identify("ada", { email_subscribe: "opted_in" });
    await recomputeSegment(email, { now: () => d.now });
    expect(await d.members(email)).toEqual(["ada"]);
  });

  it("a journey's update_profile step re-evaluates the person's trait segments in the same walk, and the entry starts a segment-entry journey", async () => {
    const d = await SegmentDriver.start(T0);
    const vip = await d.segment({
      kind: "group",
      match: "all",
      conditions: [{ kind: "trait", trait: "plan", operator: "equals", value: "vip" }],
    });
    const viewers = await d.segment(VIEWED_3_IN_7); // reads no trait: not re-evaluated by a profile update
    const upgrade = await publishGraph(d.ctx, {
      nodes: [
        { id: "trigger", type: "trigger.event", position: at(0), config: { eventName: "Upgraded", filters: [] } },
        { id: "tag", type: "action.update_profile", position: at(0, 100), config: { set: { plan: "vip" } } },
        { id: "end", type: "exit", position: at(0, 200), config: {} },
      ],
      edges: [
        { id: "e1", source: "trigger", target: "tag" },
        { id: "e2", source: "tag", target: "end" },
      ],
      settings: { reentry: { mode: "always" } },
    });
    const welcome = await publishGraph(d.ctx, segmentJourney(vip, { mode: "always" }));
    await d.send([
      { type: "identify", userId: "ada", traits: { plan: "free" } },
      { type: "identify", userId: "bob", traits: { plan: "free" } },
      ...views("ada", 3),
    ]);
    expect(await d.members(vip)).toEqual([]);
    expect(await d.members(viewers)).toEqual(["ada"]);

    const ids = await d.store([
      { type: "track", userId: "ada", event: "Upgraded" },
      { type: "track", userId: "bob", event: "Upgraded" },
    ]);
    const { advance } = await processIngestedEvents(d.ctx.workspace.id, ids, d.now);
    const walked = await advanceMany(advance, d.now);
    expect((await enrollmentsOf(upgrade.journeyId)).map((e) => [e.userId, e.status]).sort()).toEqual([
      ["ada", "COMPLETED"],
      ["bob", "COMPLETED"],
    ]);
    // both entered the trait segment with the walk, recorded once each; the event segment saw no change
    expect(await d.members(vip)).toEqual(["ada", "bob"]);
    // (one statement records both entries: their order within it is not defined)
    expect((await d.changes(vip)).sort((a, b) => a.userId.localeCompare(b.userId))).toEqual([
      { userId: "ada", kind: "entered", at: T0.toISOString() },
      { userId: "bob", kind: "entered", at: T0.toISOString() },
    ]);
    expect(await d.changes(viewers)).toEqual([{ userId: "ada", kind: "entered", at: T0.toISOString() }]);
    // one range for the batch, for the caller to announce; announced, it enrolls them in the welcome journey once
    expect(walked.segmentRanges).toHaveLength(1);
    const { rows: entries } = await pgPool().query<{ id: string; profileId: string }>(
      `SELECT id::text, "profileId" FROM "SegmentMembershipChange" WHERE "segmentId" = $1 ORDER BY id`,
      [vip],
    );
    expect(walked.segmentRanges[0]).toEqual({
      workspaceId: d.ctx.workspace.id,
      fromId: entries[0].id,
      toId: entries[1].id,
    });
    for (const round of [2, 0]) {
      const result = await enrollSegmentEntries(walked.segmentRanges[0], d.now);
      await advanceEnrollments(result.advance, d.now);
      expect(result.enrolled).toBe(round);
    }
    expect((await enrollmentsOf(welcome.journeyId)).map((e) => [e.userId, e.currentNodeId]).sort()).toEqual([
      ["ada", "wait"],
      ["bob", "wait"],
    ]);
    // an evaluation now agrees: nothing left stale for the clock or a recompute to correct
    expect(await recomputeSegment(vip, { now: () => d.now })).toMatchObject({ entered: 0, exited: 0 });
  });

  it("reevaluateProfileSegments after a change committed elsewhere (consent): profile segments only, merged ids as their person, other workspaces' ids ignored", async () => {
    const d = await SegmentDriver.start(T0);
    const other = await SegmentDriver.start(T0);
    const email = await d.segment({
      kind: "group",
      match: "all",
      conditions: [{ kind: "reachable", channel: "email" }],
    });
    const viewers = await d.segment(VIEWED_3_IN_7);
    await d.send([{ type: "identify", anonymousId: "visitor-1", traits: {} }]);
    const { rows: anon } = await pgPool().query<{ id: string }>(
      `SELECT "profileId" AS id FROM "ProfileIdentity" WHERE "workspaceId" = $1 AND value = 'visitor-1'`,
      [d.ctx.workspace.id],
    );
    await d.send([
      {
        type: "identify",
        userId: "ada",
        anonymousId: "visitor-1",
        traits: { email: "ada@example.com", email_subscribe: "unsubscribed" },
      },
      ...views("ada", 3),
    ]);
    await other.send([
      { type: "identify", userId: "zed", traits: { email: "zed@example.com", email_subscribe: "unsubscribed" } },
    ]);
    const { rows: zed } = await pgPool().query<{ id: string }>(
      `SELECT id FROM "Profile" WHERE "workspaceId" = $1 AND "userId" = 'zed'`,
      [other.ctx.workspace.id],
    );
    expect(await d.members(email)).toEqual([]);

    // a preference page records consent: nothing is ingested, so nothing else would notice
    await pgPool().query(
      `INSERT INTO "ChannelConsent" ("workspaceId", "profileId", channel, status, source, "updatedAt")
       SELECT "workspaceId", id, 'email', 'subscribed', 'preference_page', now() FROM "Profile" WHERE "userId" IN ('ada', 'zed')`,
    );
    expect(await d.members(email)).toEqual([]);
    // the anonymous profile's id stands for ada; zed belongs to another workspace and is left alone
    const changes = await reevaluateProfileSegments(pgPool(), d.ctx.workspace.id, [anon[0].id, zed[0].id], d.now);
    expect(changes.map((c) => [c.segmentId === email ? "email" : c.segmentId, c.kind])).toEqual([["email", "entered"]]);
    expect(await d.members(email)).toEqual(["ada"]);
    expect(await d.changes(viewers)).toEqual([{ userId: "ada", kind: "entered", at: T0.toISOString() }]);
    // no ids, unknown ids: nothing to do
    expect(await reevaluateProfileSegments(pgPool(), d.ctx.workspace.id, [], d.now)).toEqual([]);
    expect(
      await reevaluateProfileSegments(pgPool(), d.ctx.workspace.id, ["00000000-0000-4000-8000-000000000000"], d.now),
    ).toEqual([]);
    // again: recorded once
    expect(await reevaluateProfileSegments(pgPool(), d.ctx.workspace.id, [anon[0].id], d.now)).toEqual([]);
  });
});
