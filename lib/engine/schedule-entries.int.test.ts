import { describe, expect, it } from "vitest";
import { pgPool } from "../db/pool";
import type { TJourneyGraphInput } from "../journeys/graph";
import { archiveJourney, pauseJourney, resumeJourney } from "../journeys/change-journey-status";
import { recomputeSegment } from "../segments/membership";
import { archiveSegment } from "../segments/archive-segment";
import { SegmentDriver } from "../segments/test-driver";
import { enrollmentsOf, publishGraph } from "../testing/engine-driver";
import { walkInBatches } from "./walk-batch";
import {
  enrollScheduleBatch,
  findDueSchedules,
  fireDueSchedules,
  RECOMPUTE_WAIT_MS,
  SCHEDULE_FIRED,
  startCursor,
} from "./schedule-entries";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const T0 = new Date("2026-03-02T08:00:00.000Z");
const at = (x: number, y = 0) => ({ x, y });
const PRO = {
  kind: "group",
  match: "all",
  conditions: [{ kind: "trait", trait: "plan", operator: "equals", value: "pro" }],
};

type Reentry = NonNullable<TJourneyGraphInput["settings"]>["reentry"];
type Schedule =
  | { kind: "once"; at: string }
  | { kind: "recurring"; every: { amount: number; unit: string }; startAt: string };

function scheduledJourney(
  segmentId: string,
  schedule: Schedule,
  reentry: Reentry = { mode: "always" },
  timezone = "UTC",
): TJourneyGraphInput {
  return {
    nodes: [
      { id: "trigger", type: "trigger.schedule", position: at(0), config: { schedule, timezone, segmentId } },
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

/** Publishes at the test's clock (publishGraph stamps the database's). */
async function publishAt(
  d: SegmentDriver,
  graph: TJourneyGraphInput,
  publishedAt: Date,
  journeyId?: string,
): Promise<string> {
  const published = await publishGraph(d.ctx, graph, journeyId);
  await pgPool().query(`UPDATE "JourneyVersion" SET "publishedAt" = $2 WHERE id = $1`, [
    published.versionId,
    publishedAt,
  ]);
  return published.journeyId;
}

/** What the schedule-journeys function does at the driver's clock, for this workspace: enroll, then walk. */
async function tick(d: SegmentDriver, limit?: number): Promise<number> {
  const { enrolled } = await fireDueSchedules(d.now, { workspaceId: d.ctx.workspace.id, limit });
  await walkInBatches(enrolled, d.now);
  return enrolled.length;
}

/** Who entered, per occurrence: "userId@occurrence", sorted. */
async function entries(journeyId: string): Promise<string[]> {
  const { rows } = await pgPool().query<{ userId: string; key: string }>(
    `SELECT p."userId", e."entryKey" AS key FROM "Enrollment" e JOIN "Profile" p ON p.id = e."profileId" WHERE e."journeyId" = $1`,
    [journeyId],
  );
  return rows.map((r) => `${r.userId}@${r.key.split(":").slice(2, -1).join(":")}`).sort();
}

async function firings(journeyId: string): Promise<{ occurrence: string; summary: string; enrolled: number }[]> {
  const { rows } = await pgPool().query<{ summary: string; metadata: { occurrence: string; enrolled: number } }>(
    `SELECT summary, metadata FROM "AuditLog" WHERE action = $1 AND "targetId" = $2 ORDER BY "createdAt"`,
    [SCHEDULE_FIRED, journeyId],
  );
  return rows.map((r) => ({ occurrence: r.metadata.occurrence, summary: r.summary, enrolled: r.metadata.enrolled }));
}

/** A computed dynamic segment (tests run no background recompute) of the given people. */
async function proSegment(d: SegmentDriver, userIds: string[]): Promise<string> {
  const segmentId = await d.segment(PRO);
  await recomputeSegment(segmentId, { now: () => d.now });
  if (userIds.length) await d.send(userIds.map((userId) => ({ type: "identify", userId, traits: { plan: "pro" } })));
  return segmentId;
}

describe("schedule triggers", () => {
  it("a once schedule enrolls the segment's members exactly once, at its time and not before", async () => {
    const d = await SegmentDriver.start(T0);
    const segmentId = await proSegment(d, ["ada", "bob"]);
    await d.identify("cy", { plan: "free" });
    const journeyId = await publishAt(d, scheduledJourney(segmentId, { kind: "once", at: "2026-03-02T09:00:00Z" }), T0);

    d.advance(59 * MINUTE); // 08:59
    expect(await tick(d)).toBe(0);
    expect(await enrollmentsOf(journeyId)).toEqual([]);

    d.advance(MINUTE); // 09:00
    expect(await tick(d)).toBe(2);
    expect(await entries(journeyId)).toEqual(["ada@2026-03-02T09:00:00.000Z", "bob@2026-03-02T09:00:00.000Z"]);
    // walked to their next wait, like any entry
    expect((await enrollmentsOf(journeyId)).map((e) => [e.userId, e.status, e.currentNodeId])).toEqual([
      ["ada", "WAITING", "wait"],
      ["bob", "WAITING", "wait"],
    ]);
    expect(await firings(journeyId)).toEqual([
      {
        occurrence: "2026-03-02T09:00:00.000Z",
        enrolled: 2,
        summary: expect.stringMatching(/ran for 2026-03-02 09:00 UTC: 2 people entered$/),
      },
    ]);

    // Later ticks, and someone joining the segment afterwards: nobody else enters for that occurrence.
    d.advance(MINUTE);
    await d.identify("cy", { plan: "pro" });
    expect(await tick(d)).toBe(0);
    d.advance(DAY);
    expect(await tick(d)).toBe(0);
    expect(await entries(journeyId)).toHaveLength(2);
    expect(await firings(journeyId)).toHaveLength(1);
  });

  it("a recurring schedule enrolls again at each occurrence, under the re-entry rule", async () => {
    const d = await SegmentDriver.start(T0);
    const segmentId = await proSegment(d, ["ada", "bob"]);
    const daily = {
      kind: "recurring" as const,
      every: { amount: 1, unit: "days" },
      startAt: "2026-03-02T09:00:00+01:00",
    };
    const always = await publishAt(
      d,
      scheduledJourney(segmentId, daily, { mode: "always" }, "Europe/Paris"),
      new Date(T0.getTime() - HOUR),
    );
    const once = await publishAt(
      d,
      scheduledJourney(segmentId, daily, { mode: "once" }, "Europe/Paris"),
      new Date(T0.getTime() - HOUR),
    );

    expect(await tick(d)).toBe(4); // 08:00 UTC is 09:00 in Paris: the first occurrence
    d.advance(12 * HOUR);
    expect(await tick(d)).toBe(0);
    await d.identify("cy", { plan: "pro" });
    d.advance(12 * HOUR); // the next day, 09:00 Paris
    expect(await tick(d)).toBe(4); // always: ada, bob, cy; once: cy only
    expect(await entries(always)).toEqual([
      "ada@2026-03-02T08:00:00.000Z",
      "ada@2026-03-03T08:00:00.000Z",
      "bob@2026-03-02T08:00:00.000Z",
      "bob@2026-03-03T08:00:00.000Z",
      "cy@2026-03-03T08:00:00.000Z",
    ]);
    expect(await entries(once)).toEqual([
      "ada@2026-03-02T08:00:00.000Z",
      "bob@2026-03-02T08:00:00.000Z",
      "cy@2026-03-03T08:00:00.000Z",
    ]);
    expect((await firings(once)).map((f) => f.summary)).toEqual([
      expect.stringMatching(/ran for 2026-03-02 09:00 Europe\/Paris: 2 people entered$/),
      expect.stringMatching(
        /ran for 2026-03-03 09:00 Europe\/Paris: 1 person entered, 2 members turned away by the re-entry rule$/,
      ),
    ]);
    // The occurrence that turned people away is recorded as fired: the next ticks do not run it again.
    d.advance(MINUTE);
    expect(await findDueSchedules(d.now, { workspaceId: d.ctx.workspace.id })).toEqual([]);
  });

  it("keeps 09:00 in the trigger's time zone across a DST change", async () => {
    const d = await SegmentDriver.start(new Date("2026-03-28T07:30:00Z"));
    const segmentId = await proSegment(d, ["ada"]);
    const journeyId = await publishAt(
      d,
      scheduledJourney(
        segmentId,
        { kind: "recurring", every: { amount: 1, unit: "days" }, startAt: "2026-03-28T09:00:00+01:00" },
        { mode: "always" },
        "Europe/Paris",
      ),
      d.now,
    );
    for (let i = 0; i < 3 * 24 * 4; i++) {
      d.advance(15 * MINUTE);
      await tick(d);
    }
    // Paris moves to summer time on 29 March: 08:00 UTC, then 07:00 UTC
    expect(await entries(journeyId)).toEqual([
      "ada@2026-03-28T08:00:00.000Z",
      "ada@2026-03-29T07:00:00.000Z",
      "ada@2026-03-30T07:00:00.000Z",
      "ada@2026-03-31T07:00:00.000Z",
    ]);
  });

  it("enrolls once when run twice or concurrently, also in batches and after a crash half-way", async () => {
    const d = await SegmentDriver.start(T0);
    const users = ["u1", "u2", "u3", "u4", "u5", "u6", "u7"];
    const segmentId = await proSegment(d, users);
    const journeyId = await publishAt(
      d,
      scheduledJourney(segmentId, { kind: "once", at: T0.toISOString() }, { mode: "always" }),
      new Date(T0.getTime() - HOUR),
    );

    // A run that stops after its first batch of 3 (a crash): those 3 are in, nothing is recorded as fired.
    const [due] = await findDueSchedules(d.now, { workspaceId: d.ctx.workspace.id });
    const first = await enrollScheduleBatch(due, startCursor(), d.now, 3);
    expect(first.enrolled).toHaveLength(3);
    expect(first.next).not.toBeNull();
    expect(await firings(journeyId)).toEqual([]);
    // the next run in this process takes it up from there; one after a restart starts over, enrolling nobody twice
    expect((await findDueSchedules(d.now, { workspaceId: d.ctx.workspace.id }))[0].resume).toEqual(first.next);
    expect((await enrollScheduleBatch(due, startCursor(), d.now, 3)).enrolled).toEqual([]);

    // Three runs at once, in batches of 2: the rest enter, nobody twice.
    const counts = await Promise.all([tick(d, 2), tick(d, 2), tick(d, 2)]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(4);
    expect(await entries(journeyId)).toEqual(users.map((u) => `${u}@${T0.toISOString()}`));
    expect(await firings(journeyId)).toHaveLength(1);
    // and once more, later
    d.advance(MINUTE);
    expect(await tick(d)).toBe(0);
    expect(await entries(journeyId)).toHaveLength(users.length);
  });

  it("a paused journey does not fire; resumed, it fires the latest missed occurrence only", async () => {
    const d = await SegmentDriver.start(T0);
    const segmentId = await proSegment(d, ["ada"]);
    const journeyId = await publishAt(
      d,
      scheduledJourney(segmentId, {
        kind: "recurring",
        every: { amount: 1, unit: "days" },
        startAt: "2026-03-02T09:00:00Z",
      }),
      T0,
    );
    await pauseJourney(d.ctx, journeyId);
    d.advance(HOUR + MINUTE); // 09:01
    expect(await tick(d)).toBe(0);
    d.advance(3 * DAY); // 5 March 09:01: four occurrences missed
    expect(await tick(d)).toBe(0);
    expect(await enrollmentsOf(journeyId)).toEqual([]);

    await resumeJourney(d.ctx, journeyId);
    expect(await tick(d)).toBe(1);
    expect(await entries(journeyId)).toEqual(["ada@2026-03-05T09:00:00.000Z"]);
    expect((await firings(journeyId))[0].summary).toMatch(
      /: 1 person entered \(3 earlier runs missed meanwhile not sent\)$/,
    );
    d.advance(MINUTE);
    expect(await tick(d)).toBe(0);

    // Paused between batches: the firing stops, and finishes when resumed (before the next occurrence)
    d.advance(DAY - 2 * MINUTE + 1); // just before 6 March 09:00
    await d.identify("bob", { plan: "pro" });
    d.advance(MINUTE); // 09:00
    const [due] = await findDueSchedules(d.now, { workspaceId: d.ctx.workspace.id });
    expect(due.occurrence).toBe("2026-03-06T09:00:00.000Z");
    const first = await enrollScheduleBatch(due, startCursor(), d.now, 1);
    await pauseJourney(d.ctx, journeyId);
    expect(await enrollScheduleBatch(due, first.next!, d.now, 1)).toEqual({
      enrolled: [],
      next: null,
      stopped: "the journey is paused",
    });
    await resumeJourney(d.ctx, journeyId);
    d.advance(MINUTE);
    expect(await tick(d)).toBe(1);
    expect((await entries(journeyId)).filter((e) => e.endsWith("2026-03-06T09:00:00.000Z"))).toHaveLength(2);
  });

  it("an archived journey does not fire", async () => {
    const d = await SegmentDriver.start(T0);
    const segmentId = await proSegment(d, ["ada"]);
    const journeyId = await publishAt(d, scheduledJourney(segmentId, { kind: "once", at: "2026-03-02T09:00:00Z" }), T0);
    await archiveJourney(d.ctx, journeyId);
    d.advance(2 * HOUR);
    expect(await tick(d)).toBe(0);
    expect(await enrollmentsOf(journeyId)).toEqual([]);
  });

  it("an empty, archived or unknown segment enrolls nobody, without error, and the occurrence counts as run", async () => {
    const d = await SegmentDriver.start(T0);
    const empty = await proSegment(d, []);
    const archived = await proSegment(d, []);
    await archiveSegment(d.ctx, archived);
    const once = { kind: "once" as const, at: "2026-03-02T09:00:00Z" };
    const onEmpty = await publishAt(d, scheduledJourney(empty, once), T0);
    const onArchived = await publishAt(d, scheduledJourney(archived, once), T0);
    const onUnknown = await publishAt(d, scheduledJourney("not-a-segment", once), T0);
    const onMissing = await publishAt(d, scheduledJourney("6c1f4a52-6f43-4a0e-9a52-000000000000", once), T0);
    d.advance(HOUR);
    expect(await tick(d)).toBe(0);
    expect((await firings(onEmpty))[0].summary).toMatch(/: 0 people entered$/);
    expect((await firings(onArchived))[0].summary).toMatch(/: the segment is archived, nobody entered$/);
    expect((await firings(onUnknown))[0].summary).toMatch(/: the segment does not exist, nobody entered$/);
    expect((await firings(onMissing))[0].summary).toMatch(/: the segment does not exist, nobody entered$/);
    // Someone entering the empty segment later does not get the occurrence that found it empty.
    d.advance(HOUR);
    await d.identify("ada", { plan: "pro" });
    expect(await tick(d)).toBe(0);
    expect(await enrollmentsOf(onEmpty)).toEqual([]);
  });

  it("counts occurrences from when the schedule went live: other edits keep it, a new schedule starts afresh", async () => {
    const d = await SegmentDriver.start(T0);
    const segmentId = await proSegment(d, ["ada"]);
    // Published at 10:00 for 09:00 that day: already past, never fires.
    const past = await publishAt(
      d,
      scheduledJourney(segmentId, { kind: "once", at: "2026-03-02T09:00:00Z" }),
      new Date("2026-03-02T10:00:00Z"),
    );
    d.advance(3 * HOUR);
    expect(await tick(d)).toBe(0);
    expect(await enrollmentsOf(past)).toEqual([]);

    // An hourly schedule; v2 changes the re-entry rule only, published just after an occurrence nobody ran yet.
    const hourly = { kind: "recurring" as const, every: { amount: 1, unit: "hours" }, startAt: "2026-03-02T12:00:00Z" };
    const journeyId = await publishAt(
      d,
      scheduledJourney(segmentId, hourly, { mode: "always" }),
      new Date("2026-03-02T10:30:00Z"),
    );
    d.advance(HOUR); // 12:00
    await publishAt(
      d,
      scheduledJourney(segmentId, hourly, { mode: "after", days: 1 }),
      new Date(d.now.getTime() + 1),
      journeyId,
    );
    d.advance(MINUTE);
    expect(await tick(d)).toBe(1);
    // v3 moves it to half past: starts from its publication (12:10), so 12:30 is the next
    d.advance(9 * MINUTE);
    await publishAt(
      d,
      scheduledJourney(segmentId, { ...hourly, startAt: "2026-03-02T12:30:00Z" }, { mode: "always" }),
      d.now,
      journeyId,
    );
    d.advance(19 * MINUTE); // 12:29
    expect(await tick(d)).toBe(0);
    d.advance(MINUTE);
    expect(await tick(d)).toBe(1);
    expect(await entries(journeyId)).toEqual(["ada@2026-03-02T12:00:00.000Z", "ada@2026-03-02T12:30:00.000Z"]);
  });

  it("waits for a segment that is still being computed, for a while", async () => {
    const d = await SegmentDriver.start(T0);
    // created, not computed yet: its members so far are only those events put in
    const segmentId = await d.segment(PRO);
    await d.send(["ada", "bob"].map((userId) => ({ type: "identify", userId, traits: { plan: "pro" } })));
    const journeyId = await publishAt(
      d,
      scheduledJourney(segmentId, { kind: "once", at: T0.toISOString() }),
      new Date(T0.getTime() - HOUR),
    );
    expect(await tick(d)).toBe(0);
    expect(await firings(journeyId)).toEqual([]);
    await recomputeSegment(segmentId, { now: () => d.now });
    d.advance(MINUTE);
    expect(await tick(d)).toBe(2);

    // A computation that never finishes holds the occurrence RECOMPUTE_WAIT_MS at most, then it goes to who is in.
    const stuck = await d.segment(PRO);
    await d.identify("cy", { plan: "pro" });
    const later = await publishAt(
      d,
      scheduledJourney(stuck, { kind: "once", at: new Date(d.now.getTime() + MINUTE).toISOString() }),
      d.now,
    );
    d.advance(MINUTE);
    expect(await tick(d)).toBe(0);
    d.advance(RECOMPUTE_WAIT_MS);
    expect(await tick(d)).toBe(1);
    expect((await firings(later))[0].summary).toMatch(
      /: 1 person entered; the segment was still being computed, so only the members computed by then were included$/,
    );
  });
});
