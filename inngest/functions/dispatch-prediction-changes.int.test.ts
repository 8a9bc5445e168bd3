import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropSchema, eventually, serveFunctions, startTestExecutor } from "@/lib/testing/executor-harness";
import { setUpFreshDatabase } from "@/lib/testing/fresh-database";

/**
 * dispatch-prediction-changes as the embedded executor runs it: scoring's cairn/prediction.scores-changed (the cron
 * is set to once a year here, so only the event can start a run) claims the score changes scoring recorded; the person who entered the high tier starts the tier-triggered journey, and the
 * segment that reads the prediction gains them, announced as cairn/segment.changed so segment-entries starts the
 * segment's journey. Each change is dispatched once.
 */

// Its own database: the cron claims every undispatched change, other test files' included.
setUpFreshDatabase();

let executor: Awaited<ReturnType<typeof startTestExecutor>>;
let app: { url: string; close(): Promise<void> };

beforeAll(async () => {
  executor = await startTestExecutor();
  // Before the functions and the Inngest client are imported: they read these when they are created.
  process.env.INNGEST_DEV = "1";
  process.env.INNGEST_BASE_URL = executor.url;
  process.env.CAIRN_PREDICTION_CHANGES_CRON = "0 0 0 1 1 *";
  const { inngest } = await import("@/lib/jobs");
  const { dispatchPredictionChangesFn } = await import("./dispatch-prediction-changes");
  const { segmentEntries } = await import("./segment-entries");
  app = await serveFunctions(inngest, [dispatchPredictionChangesFn, segmentEntries]);
  await executor.sync(app.url);
});

afterAll(async () => {
  delete process.env.CAIRN_PREDICTION_CHANGES_CRON;
  await executor?.stop(1000);
  await app?.close();
  if (executor) await dropSchema(executor.schema);
});

describe("dispatch-prediction-changes on the embedded executor", () => {
  it("a score change enrolls the tier journey and, through the segment that reads it, the segment journey, once each", async () => {
    const { SegmentDriver } = await import("@/lib/segments/test-driver");
    const { publishGraph, enrollmentsOf } = await import("@/lib/testing/engine-driver");
    const { createPredictionRow, profileIdOf, writeScores } = await import("@/lib/testing/prediction-fixtures");
    const { pgPool } = await import("@/lib/db/pool");
    const at = (y: number) => ({ x: 0, y });
    const d = await SegmentDriver.start(new Date());
    await d.send([
      { type: "identify", userId: "ada", traits: { plan: "pro" } },
      { type: "identify", userId: "bob", traits: { plan: "pro" } },
    ]);
    const churn = await createPredictionRow(d.ctx.workspace.id, { key: "churn" });
    const atRisk = await d.segment({
      kind: "group",
      match: "all",
      conditions: [{ kind: "prediction", predictionId: churn.id, test: { kind: "tier", tiers: ["high"] } }],
    });
    const journey = (trigger: { type: "trigger.prediction" | "trigger.segment"; config: Record<string, unknown> }) => ({
      nodes: [
        { id: "trigger", position: at(0), ...trigger },
        {
          id: "wait",
          type: "delay.duration" as const,
          position: at(100),
          config: { duration: { amount: 1, unit: "hours" } },
        },
        { id: "end", type: "exit" as const, position: at(200), config: {} },
      ],
      edges: [
        { id: "e1", source: "trigger", target: "wait" },
        { id: "e2", source: "wait", target: "end" },
      ],
    });
    const byTier = await publishGraph(
      d.ctx,
      journey({ type: "trigger.prediction", config: { predictionId: churn.id, tier: "high" } }),
    );
    const bySegment = await publishGraph(d.ctx, journey({ type: "trigger.segment", config: { segmentId: atRisk } }));

    await writeScores(
      churn,
      d.ctx.workspace.id,
      [
        { profileId: await profileIdOf(d.ctx.workspace.id, "ada"), score: 88 },
        { profileId: await profileIdOf(d.ctx.workspace.id, "bob"), score: 20 },
      ],
      new Date(),
    );
    const { inngest } = await import("@/lib/jobs");
    const { PREDICTION_SCORES_CHANGED } = await import("./dispatch-prediction-changes");
    // nothing happens until the event (the cron's next tick is months away)
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await enrollmentsOf(byTier.journeyId)).toEqual([]);
    await inngest.send({ name: PREDICTION_SCORES_CHANGED, data: {} });
    const waiting = async (journeyId: string) => {
      const rows = await enrollmentsOf(journeyId);
      return rows.length && rows.every((r) => r.currentNodeId === "wait") ? rows : false;
    };
    const tier = await eventually(() => waiting(byTier.journeyId), 20_000, "the tier journey's enrollment");
    const segment = await eventually(() => waiting(bySegment.journeyId), 20_000, "the segment journey's enrollment");
    expect(tier.map((e) => e.userId)).toEqual(["ada"]);
    expect(segment.map((e) => e.userId)).toEqual(["ada"]);
    expect(await d.members(atRisk)).toEqual(["ada"]);
    const pending = await pgPool().query(
      `SELECT count(*)::int AS n FROM "PredictionScoreChange" WHERE "dispatchedAt" IS NULL`,
    );
    expect(pending.rows[0].n).toBe(0);
    // another run finds nothing to do: still one enrollment each
    await inngest.send({ name: PREDICTION_SCORES_CHANGED, data: {} });
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await enrollmentsOf(byTier.journeyId)).toHaveLength(1);
    expect(await enrollmentsOf(bySegment.journeyId)).toHaveLength(1);
  }, 60_000);
});
