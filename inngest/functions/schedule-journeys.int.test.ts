import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgPool } from "@/lib/db/pool";
import { dropSchema, eventually, runsOf, startTestExecutor } from "@/lib/testing/executor-harness";
import { setUpFreshDatabase } from "@/lib/testing/fresh-database";

/**
 * schedule-journeys as it runs in Cairn: registered through the real /api/inngest route with every other function,
 * ticked by the embedded executor's cron, at the real clock. Its own database, because the executor runs every
 * cron of the app, and a schedule is due by the wall clock wherever in the database it is.
 */
setUpFreshDatabase();

let executor: Awaited<ReturnType<typeof startTestExecutor>>;
let app: { url: string; close(): Promise<void> };

beforeAll(async () => {
  executor = await startTestExecutor({ cronEverySecond: true });
  // Before the Inngest client is imported: it reads where to send events when it is created.
  process.env.INNGEST_DEV = "1";
  process.env.INNGEST_BASE_URL = executor.url;
  const route = await import("@/app/api/inngest/route");
  const { serveRoutes } = await import("@/lib/testing/serve-routes");
  type Handler = (request: Request, context: unknown) => Promise<Response>;
  const handlers = { GET: route.GET, POST: route.POST, PUT: route.PUT } as unknown as Record<string, Handler>;
  app = await serveRoutes({ "/api/inngest": (request, context) => handlers[request.method](request, context) });
  process.env.INNGEST_SERVE_ORIGIN = app.url; // the route registers its configured origin, not the request's Host
  await executor.sync(`${app.url}/api/inngest`);
});

afterAll(async () => {
  await executor?.stop(1000);
  await app?.close();
  if (executor) await dropSchema(executor.schema);
});

describe("schedule-journeys on the embedded executor", () => {
  it("is accepted at registration and enrolls a due schedule's segment once, walked to the next wait", async () => {
    const { SegmentDriver } = await import("@/lib/segments/test-driver");
    const { publishGraph, enrollmentsOf } = await import("@/lib/testing/engine-driver");
    const d = await SegmentDriver.start(new Date());
    const { recomputeSegment } = await import("@/lib/segments/membership");
    const segmentId = await d.segment({
      kind: "group",
      match: "all",
      conditions: [{ kind: "trait", trait: "plan", operator: "equals", value: "pro" }],
    });
    await recomputeSegment(segmentId); // tests run no background jobs; a schedule waits for its segment's computation
    await d.send(["ada", "bob", "cy"].map((userId) => ({ type: "identify", userId, traits: { plan: "pro" } })));
    // A few seconds ahead, so the publication (which stamps the database clock) comes first even on a busy machine.
    const at = new Date(Date.now() + 4000);
    const { journeyId } = await publishGraph(d.ctx, {
      nodes: [
        {
          id: "trigger",
          type: "trigger.schedule",
          position: { x: 0, y: 0 },
          config: { schedule: { kind: "once", at: at.toISOString() }, timezone: "UTC", segmentId },
        },
        {
          id: "wait",
          type: "delay.duration",
          position: { x: 0, y: 100 },
          config: { duration: { amount: 1, unit: "days" } },
        },
        { id: "end", type: "exit", position: { x: 0, y: 200 }, config: {} },
      ],
      edges: [
        { id: "e1", source: "trigger", target: "wait" },
        { id: "e2", source: "wait", target: "end" },
      ],
    });

    const enrolled = await eventually(
      async () => {
        const rows = await enrollmentsOf(journeyId);
        return rows.length === 3 && rows.every((r) => r.status === "WAITING") && rows;
      },
      20_000,
      "three enrollments",
    );
    expect(enrolled.map((e) => [e.userId, e.currentNodeId]).sort()).toEqual([
      ["ada", "wait"],
      ["bob", "wait"],
      ["cy", "wait"],
    ]);
    const firstEntry = Math.min(
      ...(
        await pgPool().query<{ enteredAt: Date }>(`SELECT "enteredAt" FROM "Enrollment" WHERE "journeyId" = $1`, [
          journeyId,
        ])
      ).rows.map((r) => r.enteredAt.getTime()),
    );
    expect(firstEntry).toBeGreaterThanOrEqual(at.getTime());

    // More ticks run; nobody enters twice.
    const ran = (await runsOf(executor.schema, "cairn-schedule-journeys")).length;
    await eventually(
      async () => (await runsOf(executor.schema, "cairn-schedule-journeys")).length >= ran + 2,
      10_000,
      "two more ticks",
    );
    expect(await enrollmentsOf(journeyId)).toHaveLength(3);
    const failed = (await runsOf(executor.schema, "cairn-schedule-journeys")).filter((r) => r.status === "failed");
    expect(failed).toEqual([]);
  }, 60_000);
});
