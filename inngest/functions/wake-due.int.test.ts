import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropSchema, eventually, runsOf, serveFunctions, startTestExecutor } from "@/lib/testing/executor-harness";
import { setUpFreshDatabase } from "@/lib/testing/fresh-database";

/**
 * wake-due as the embedded executor runs it: the real SDK serve handler over HTTP, the cron ticking every
 * second. A tick also follows the delays that end before the next tick, so a delay fires when it ends
 * rather than up to a second later, and never early. The test reads the real clock: ticks fall on whole seconds,
 * so it knows which tick a moment falls in. (A faked Date that advances with real time fell behind it on a loaded
 * machine, while the step's sleeps are real.)
 */

// Its own database: the cron sweeps every due enrollment, other test files' included.
setUpFreshDatabase();

let executor: Awaited<ReturnType<typeof startTestExecutor>>;
let app: { url: string; close(): Promise<void> };

beforeAll(async () => {
  executor = await startTestExecutor({ now: () => Date.now(), leaseMs: 48 * 3_600_000 });
  // Before the function and the Inngest client are imported: they read these when they are created.
  process.env.INNGEST_DEV = "1";
  process.env.INNGEST_BASE_URL = executor.url;
  process.env.CAIRN_WAKE_DUE_CRON = "* * * * * *";
  const { inngest } = await import("@/lib/jobs");
  const { wakeDue } = await import("./wake-due");
  app = await serveFunctions(inngest, [wakeDue]);
  await executor.sync(app.url);
});

afterAll(async () => {
  await executor?.stop();
  await app?.close();
  if (executor) await dropSchema(executor.schema);
});

describe("wake-due on the embedded executor", () => {
  it("wakes a delay that ends in the middle of an idle tick within that tick, and not before it ends", async () => {
    const { ingestFixture } = await import("@/lib/testing/ingest-helpers");
    const { workspaceContextForApiKey } = await import("@/lib/api-keys/api-keys");
    const { EngineDriver, enrollmentsOf, publishGraph } = await import("@/lib/testing/engine-driver");
    const { pgPool } = await import("@/lib/db/pool");
    const ctx = await workspaceContextForApiKey((await ingestFixture("FULL")).key);
    const at = (x: number, y: number) => ({ x, y });
    const { journeyId } = await publishGraph(ctx, {
      nodes: [
        { id: "trigger", type: "trigger.event", position: at(0, 0), config: { eventName: "signed_up", filters: [] } },
        {
          id: "wait",
          type: "delay.duration",
          position: at(0, 100),
          config: { duration: { amount: 1, unit: "minutes" } },
        },
        { id: "done", type: "exit", position: at(0, 200), config: {} },
      ],
      edges: [
        { id: "e1", source: "trigger", target: "wait" },
        { id: "e2", source: "wait", target: "done" },
      ],
    });
    await new EngineDriver(ctx, new Date()).track("ada", "signed_up");
    const [waiting] = await enrollmentsOf(journeyId);
    expect(waiting).toMatchObject({ status: "WAITING", currentNodeId: "wait" });

    // The delay now ends 400 ms into a tick two seconds ahead: every tick until then is idle. That tick's run
    // must read the new end, so the write has to land well before the tick. On a machine so loaded that it
    // did not, the test moves the end to a later tick, but only while the delay is untouched: a run that
    // already claimed it has changed its wakeAt, and then the tick that holds the earlier end stands.
    let tick = Math.ceil(Date.now() / 1000) * 1000 + 2_000;
    let endsAt = new Date(tick + 400);
    await pgPool().query(`UPDATE "Enrollment" SET "wakeAt" = $2 WHERE id = $1`, [waiting.id, endsAt]);
    for (let attempt = 1; attempt < 5 && Date.now() >= tick - 500; attempt++) {
      const later = Math.ceil(Date.now() / 1000) * 1000 + 2_000 + attempt * 1_000;
      const moved = await pgPool().query(
        `UPDATE "Enrollment" SET "wakeAt" = $3 WHERE id = $1 AND "wakeAt" = $2 AND status = 'WAITING'`,
        [waiting.id, endsAt, new Date(later + 400)],
      );
      if (moved.rowCount === 0) break;
      tick = later;
      endsAt = new Date(later + 400);
    }
    const left = await eventually(
      async () =>
        (
          await pgPool().query<{ leftAt: Date | null }>(
            `SELECT "leftAt" FROM "EnrollmentStep" WHERE "enrollmentId" = $1 AND "nodeId" = 'wait'`,
            [waiting.id],
          )
        ).rows[0]?.leftAt ?? undefined,
      10_000,
      "the delay to end",
    );
    expect(left.getTime()).toBeGreaterThanOrEqual(endsAt.getTime());
    // Woken by that tick's run, not the next one's.
    // (the run records its output after the step that walked has written the trace: wait for it)
    const waking = await eventually(
      async () => {
        const runs = (await runsOf(executor.schema, "cairn-wake-due")).filter(
          (r) => ((r.output as { woken?: number } | null)?.woken ?? 0) > 0,
        );
        return runs.length ? runs : undefined;
      },
      10_000,
      "the run that woke the enrollment to finish",
    );
    // On time, the run of the end's tick wakes it. The executor collapses ticks it missed into one catch-up tick
    // (inngest/executor/cron-scheduler.ts), so on a loaded machine the first tick that ran at or after the end's
    // tick stands in for it; and CI, running several suites at once, has run that tick's follow step so late that
    // the next tick's run got there first. One tick late is tolerated, with a warning (as cron.int.test.ts
    // tolerates a late tick); two ticks late, or early (above), is a bug.
    const runs = (await runsOf(executor.schema, "cairn-wake-due")).map((r) => ({
      fireAt: r.event.data.fireAt as string,
      status: r.status,
      output: r.output,
    }));
    const first = runs
      .map((r) => r.fireAt)
      .filter((fireAt) => fireAt >= new Date(tick).toISOString())
      .sort()[0];
    const woke = waking.map((r) => r.event.data.fireAt as string);
    expect(woke).toHaveLength(1);
    expect([first, new Date(Date.parse(first) + 1_000).toISOString()], JSON.stringify(runs)).toContain(woke[0]);
    if (woke[0] !== new Date(tick).toISOString())
      console.warn(`wake-due: the delay ending in tick ${new Date(tick).toISOString()} was woken by ${woke[0]}`);
    expect((await enrollmentsOf(journeyId))[0]).toMatchObject({ status: "COMPLETED" });
  }, 30_000);
});
