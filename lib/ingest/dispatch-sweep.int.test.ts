import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropSchema, eventually, startTestExecutor, withDatabase } from "../testing/executor-harness";
import { setUpFreshDatabase } from "../testing/fresh-database";

/**
 * Hardening item 14: events acknowledged to their sender but not yet handed to Inngest (pending rows of the
 * ingest log, EventDispatch) waited for the next ingest after a restart. The server's startup
 * (instrumentation.ts) now starts the sweep. Its own database, because the sweep takes every workspace's rows.
 */
setUpFreshDatabase();

let executor: Awaited<ReturnType<typeof startTestExecutor>>;
beforeAll(async () => {
  executor = await startTestExecutor();
  // Before the Inngest client is imported: it reads where to send events when it is created.
  process.env.INNGEST_DEV = "1";
  process.env.INNGEST_BASE_URL = executor.url;
});
afterAll(async () => {
  await executor?.stop(500);
  await dropSchema(executor.schema);
});

const pendingRows = () =>
  withDatabase(
    async (c) =>
      (await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM "EventDispatch" WHERE "dispatchedAt" IS NULL`))
        .rows[0].n,
  );

describe("the ingest log after a restart", () => {
  it("is handed to the executor by the startup sweep, without new traffic, each event once", async () => {
    const { workspaceContextForApiKey } = await import("../api-keys/api-keys");
    const { ingestFixture } = await import("../testing/ingest-helpers");
    const { ingest } = await import("./ingest");
    const ctx = await workspaceContextForApiKey((await ingestFixture()).key);

    // As after a crash: acknowledged (stored, in the log) but never dispatched (background jobs are off in tests).
    const eventIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const stored = await ingest(
        ctx,
        JSON.stringify({
          batch: [{ type: "track", userId: `sweep-${i}`, event: "restarted", messageId: `sweep-${i}` }],
        }),
        "batch",
      );
      eventIds.push(...stored.eventIds);
    }
    expect(await pendingRows()).toBe(3);

    const background = process.env.CAIRN_BACKGROUND_JOBS;
    const runtime = process.env.NEXT_RUNTIME;
    process.env.CAIRN_BACKGROUND_JOBS = "on";
    process.env.NEXT_RUNTIME = "nodejs";
    try {
      const { register } = await import("../../instrumentation");
      await register(); // the server starts
      await eventually(async () => (await pendingRows()) === 0, 15_000, "the pending rows to be dispatched");
      await register(); // and starts again: nothing is pending, nothing is sent twice
    } finally {
      process.env.CAIRN_BACKGROUND_JOBS = background;
      if (runtime === undefined) delete process.env.NEXT_RUNTIME;
      else process.env.NEXT_RUNTIME = runtime;
    }

    const handedOff = await withDatabase(
      async (c) =>
        (
          await c.query<{ payload: { data: { eventIds: string[] } } }>(
            `SELECT payload FROM "${executor.schema}".events WHERE name = 'cairn/event.ingested'`,
          )
        ).rows,
    );
    const sent = handedOff.flatMap((e) => e.payload.data.eventIds);
    expect(sent.sort()).toEqual([...eventIds].sort());
  });
});
