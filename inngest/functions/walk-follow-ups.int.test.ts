import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropSchema, eventually, runsOf, serveFunctions, startTestExecutor } from "@/lib/testing/executor-harness";
import { setUpFreshDatabase } from "@/lib/testing/fresh-database";

/**
 * The segment entries a walk causes are announced by the function that walked, not left to the segment-checks
 * sweep: only process-event and segment-entries are served here (no sweep is registered), so a segment-entry
 * journey can start only if process-event's walk announced the entry.
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
  const { inngest } = await import("@/inngest/client");
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

describe("walk follow-ups", () => {
  it("an update_profile step that puts a person in a segment starts the segment's journey through cairn/segment.changed", async () => {
    const { SegmentDriver } = await import("@/lib/segments/test-driver");
    const { publishGraph, enrollmentsOf } = await import("@/lib/testing/engine-driver");
    const { dispatchPendingEvents } = await import("@/lib/ingest/dispatch");
    const { inngest } = await import("@/inngest/client");
    const at = (y: number) => ({ x: 0, y });
    const d = await SegmentDriver.start(new Date());
    const vip = await d.segment({ kind: "group", match: "all", conditions: [{ kind: "trait", trait: "plan", operator: "equals", value: "vip" }] });
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

    await eventually(async () => (await enrollmentsOf(upgrade.journeyId)).some((e) => e.status === "COMPLETED"), 15_000, "the upgrade journey to finish");
    // enrolled, then walked on to the delay (two commits: wait for the second)
    const entered = await eventually(async () => {
      const rows = await enrollmentsOf(welcome.journeyId);
      return rows.some((e) => e.currentNodeId === "wait") && rows;
    }, 15_000, "the welcome journey to take ada to its delay");
    expect(entered.map((e) => [e.userId, e.currentNodeId])).toEqual([["ada", "wait"]]);
    expect(await d.members(vip)).toEqual(["ada"]);
    // announced once, by process-event, and marked so the sweep does not announce it again
    const { pgPool } = await import("@/lib/db/pool");
    const { rows } = await pgPool().query<{ dispatched: boolean }>(`SELECT "dispatchedAt" IS NOT NULL AS dispatched FROM "SegmentMembershipChange" WHERE "segmentId" = $1`, [vip]);
    expect(rows).toEqual([{ dispatched: true }]);
    expect((await runsOf(executor.schema, "cairn-segment-entries")).length).toBe(1);
  }, 60_000);
});
