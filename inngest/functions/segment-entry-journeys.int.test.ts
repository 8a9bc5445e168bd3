import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  dropSchema,
  eventually,
  runsOf,
  serveFunctions,
  startTestExecutor,
  withDatabase,
} from "@/lib/testing/executor-harness";
import { setUpFreshDatabase } from "@/lib/testing/fresh-database";

/**
 * Segment entries start their journeys without waiting for the segment-checks sweep (not registered here): an
 * entry an ingested event causes is enrolled in process-event's own step; one a walk causes (an update_profile
 * step) is announced by the function that walked, and segment-entries enrolls it.
 */

// Its own database: the test hands the pending ingest log to the executor, and on the shared one that log holds
// every other test's events (they keep background work off), which would be processed first.
setUpFreshDatabase();

let executor: Awaited<ReturnType<typeof startTestExecutor>>;
let app: { url: string; close(): Promise<void> };

beforeAll(async () => {
  executor = await startTestExecutor();
  // Before the Inngest client is imported: it reads where to send events when it is created.
  process.env.INNGEST_DEV = "1";
  process.env.INNGEST_BASE_URL = executor.url;
  const { inngest } = await import("@/lib/jobs");
  const { processEvent } = await import("./process-event");
  const { segmentEntries } = await import("./segment-entries");
  app = await serveFunctions(inngest, [processEvent, segmentEntries]);
  await executor.sync(app.url);
});

afterAll(async () => {
  await executor?.stop(1000);
  await app?.close();
  if (executor) await dropSchema(executor.schema);
});

describe("segment entries start their journeys", () => {
  it("an update_profile step that puts a person in a segment starts the segment's journey through cairn/segment.changed", async () => {
    const { SegmentDriver } = await import("@/lib/segments/test-driver");
    const { publishGraph, enrollmentsOf } = await import("@/lib/testing/engine-driver");
    const { dispatchPendingEvents } = await import("@/lib/ingest/dispatch");
    const { inngest } = await import("@/lib/jobs");
    const at = (y: number) => ({ x: 0, y });
    const d = await SegmentDriver.start(new Date());
    const vip = await d.segment({
      kind: "group",
      match: "all",
      conditions: [{ kind: "trait", trait: "plan", operator: "equals", value: "vip" }],
    });
    const upgrade = await publishGraph(d.ctx, {
      nodes: [
        { id: "trigger", type: "trigger.event", position: at(0), config: { eventName: "Upgraded", filters: [] } },
        { id: "tag", type: "action.update_profile", position: at(100), config: { set: { plan: "vip" } } },
        { id: "end", type: "exit", position: at(200), config: {} },
      ],
      edges: [
        { id: "e1", source: "trigger", target: "tag" },
        { id: "e2", source: "tag", target: "end" },
      ],
    });
    const welcome = await publishGraph(d.ctx, {
      nodes: [
        { id: "trigger", type: "trigger.segment", position: at(0), config: { segmentId: vip } },
        { id: "wait", type: "delay.duration", position: at(100), config: { duration: { amount: 1, unit: "hours" } } },
        { id: "end", type: "exit", position: at(200), config: {} },
      ],
      edges: [
        { id: "e1", source: "trigger", target: "wait" },
        { id: "e2", source: "wait", target: "end" },
      ],
    });

    await d.store([{ type: "track", userId: "ada", event: "Upgraded" }]);
    await dispatchPendingEvents(inngest as unknown as Parameters<typeof dispatchPendingEvents>[0]);

    await eventually(
      async () => (await enrollmentsOf(upgrade.journeyId)).some((e) => e.status === "COMPLETED"),
      15_000,
      "the upgrade journey to finish",
    );
    // enrolled, then walked on to the delay (two commits: wait for the second)
    const entered = await eventually(
      async () => {
        const rows = await enrollmentsOf(welcome.journeyId);
        return rows.some((e) => e.currentNodeId === "wait") && rows;
      },
      15_000,
      "the welcome journey to take ada to its delay",
    );
    expect(entered.map((e) => [e.userId, e.currentNodeId])).toEqual([["ada", "wait"]]);
    expect(await d.members(vip)).toEqual(["ada"]);
    // announced once, by process-event, and marked so the sweep does not announce it again (the mark is
    // process-event's step after the announcement: segment-entries may have enrolled ada before it)
    const { pgPool } = await import("@/lib/db/pool");
    const marked = async () =>
      (
        await pgPool().query<{ dispatched: boolean }>(
          `SELECT "dispatchedAt" IS NOT NULL AS dispatched FROM "SegmentMembershipChange" WHERE "segmentId" = $1`,
          [vip],
        )
      ).rows;
    await eventually(
      async () => (await marked()).every((r) => r.dispatched),
      15_000,
      "process-event to mark the entry announced",
    );
    expect(await marked()).toEqual([{ dispatched: true }]);
    expect((await runsOf(executor.schema, "cairn-segment-entries")).length).toBe(1);
  }, 60_000);

  it("an event that puts a person in a segment starts the segment's journey in process-event's own run, once", async () => {
    const { SegmentDriver } = await import("@/lib/segments/test-driver");
    const { publishGraph, enrollmentsOf } = await import("@/lib/testing/engine-driver");
    const { dispatchPendingEvents } = await import("@/lib/ingest/dispatch");
    const { inngest } = await import("@/lib/jobs");
    const { pgPool } = await import("@/lib/db/pool");
    const at = (y: number) => ({ x: 0, y });
    const d = await SegmentDriver.start(new Date());
    const viewers = await d.segment({
      kind: "group",
      match: "all",
      conditions: [{ kind: "event_count", event: "Product Viewed", operator: "at_least", count: 2, withinDays: 7 }],
    });
    const followUp = await publishGraph(d.ctx, {
      nodes: [
        { id: "trigger", type: "trigger.segment", position: at(0), config: { segmentId: viewers } },
        { id: "wait", type: "delay.duration", position: at(100), config: { duration: { amount: 1, unit: "hours" } } },
        { id: "end", type: "exit", position: at(200), config: {} },
      ],
      edges: [
        { id: "e1", source: "trigger", target: "wait" },
        { id: "e2", source: "wait", target: "end" },
      ],
    });
    const segmentEntryRunsBefore = (await runsOf(executor.schema, "cairn-segment-entries")).length;
    const processRunsBefore = (await runsOf(executor.schema, "cairn-process-event")).length;

    // One view: not in the segment yet. Two more in a second batch: in, and enrolled.
    await d.store([{ type: "track", userId: "cy", event: "Product Viewed" }]);
    await dispatchPendingEvents(inngest as unknown as Parameters<typeof dispatchPendingEvents>[0]);
    await d.store([
      { type: "track", userId: "cy", event: "Product Viewed" },
      { type: "track", userId: "cy", event: "Product Viewed" },
    ]);
    await dispatchPendingEvents(inngest as unknown as Parameters<typeof dispatchPendingEvents>[0]);

    const entered = await eventually(
      async () => {
        const rows = await enrollmentsOf(followUp.journeyId);
        return rows.some((e) => e.currentNodeId === "wait") && rows;
      },
      15_000,
      "the follow-up journey to take cy to its delay",
    );
    await eventually(
      async () =>
        (await runsOf(executor.schema, "cairn-process-event")).filter((r) => r.status !== "running").length ===
        processRunsBefore + 2,
      15_000,
      "both process-event runs to end",
    );
    expect(entered.map((e) => [e.userId, e.currentNodeId])).toEqual([["cy", "wait"]]);
    expect(await d.members(viewers)).toEqual(["cy"]);
    const runs = (await runsOf(executor.schema, "cairn-process-event")).slice(processRunsBefore);
    expect(runs.map((r) => r.status)).toEqual(["completed", "completed"]);
    // Either run may record the entry: each evaluates cy as stored when it runs, and the first may already see
    // the second batch. One of them does, and enrolls in the same step.
    const outputs = runs.map((r) => r.output as { segmentEntries: number; enrolled: number });
    expect(outputs.map((o) => [o.segmentEntries, o.enrolled]).sort()).toEqual([
      [0, 0],
      [1, 1],
    ]);
    // enrolled in that step, so nothing was announced and the entry is marked for the sweep to leave alone
    expect((await runsOf(executor.schema, "cairn-segment-entries")).length).toBe(segmentEntryRunsBefore);
    const { rows } = await pgPool().query<{ kind: string; dispatched: boolean }>(
      `SELECT kind, "dispatchedAt" IS NOT NULL AS dispatched FROM "SegmentMembershipChange" WHERE "segmentId" = $1`,
      [viewers],
    );
    expect(rows).toEqual([{ kind: "entered", dispatched: true }]);

    // The same batch processed again (a retried step) changes nothing and enrolls nobody twice.
    const { processIngestedEvents } = await import("@/lib/engine/process-events");
    const { updateSegmentsForEvents } = await import("@/lib/segments/membership");
    const { rows: events } = await pgPool().query<{ id: string }>(
      `SELECT id::text FROM "Event" WHERE "workspaceId" = $1`,
      [d.ctx.workspace.id],
    );
    expect(
      await updateSegmentsForEvents(
        d.ctx.workspace.id,
        events.map((e) => e.id),
        new Date(),
      ),
    ).toEqual([]);
    expect(
      (
        await processIngestedEvents(
          d.ctx.workspace.id,
          events.map((e) => e.id),
          new Date(),
        )
      ).enrolled,
    ).toBe(0);
    expect(await enrollmentsOf(followUp.journeyId)).toHaveLength(1);
  }, 60_000);

  it("process-event's follow-ups, sent again by a retry of the same run, are kept once; another run's are its own", async () => {
    const { sendWalkFollowUpsNow } = await import("./walk-follow-ups");
    const { ENROLLMENT_ADVANCE, MESSAGE_QUEUED } = await import("@/lib/jobs");
    const tag = `t${Date.now()}`;
    const webhook = {
      workspaceId: "00000000-0000-4000-8000-000000000000",
      enrollmentId: `${tag}-enrollment`,
      nodeId: "hook",
      visit: 1,
      request: { method: "POST" as const, url: "http://127.0.0.1:9/", headers: {}, body: "{}" },
    };
    const walked = { needWebhook: [webhook], queuedMessageIds: [`${tag}-message`], segmentRanges: [] };
    await sendWalkFollowUpsNow("run-a", walked);
    await sendWalkFollowUpsNow("run-a", walked); // the same run, retried after a crash
    await sendWalkFollowUpsNow("run-b", walked); // a later run taking the same enrollment on again
    const stored = await withDatabase(async (client) => {
      const { rows } = await client.query<{ name: string; id: string }>(
        `SELECT name, payload->>'id' AS id FROM "${executor.schema}".events WHERE payload::text LIKE $1 ORDER BY 1, 2`,
        [`%${tag}%`],
      );
      return rows;
    });
    expect(stored).toEqual([
      { name: ENROLLMENT_ADVANCE, id: `advance-run-a-${tag}-enrollment-hook-1` },
      { name: ENROLLMENT_ADVANCE, id: `advance-run-b-${tag}-enrollment-hook-1` },
      { name: MESSAGE_QUEUED, id: `message-queued-${tag}-message` },
    ]);
  });
});
