import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../db/client";
import { pgPool } from "../db/pool";
import { DAY_MS } from "../segments/evaluate";
import { createWorkspaceWithTeam } from "../testing/factories";
import type { FeatureDef } from "./features/catalog";
import { scorePrediction } from "./score";
import { featureMatrix } from "./store/features";
import { generateShop, insertEvents, insertPeople, type SyntheticShop } from "./synthetic";
import { trainPrediction } from "./train";
import type { ModelArtifact, ModelQuality, ScoreReason } from "./types";

/**
 * Training, validation and scoring on synthetic shops with a known process (lib/predictions/synthetic.ts): the
 * features see nothing after the cut-off, a learnable target is published and calibrated, thin data and a target
 * only recency explains are refused, a failing training keeps the live model, scoring writes change rows only for
 * changes, and another workspace's id finds nothing.
 */

const START = Date.parse("2026-06-01T00:00:00Z");
const HORIZON = 14;

async function seedShop(shop: SyntheticShop) {
  const workspace = await createWorkspaceWithTeam("Predictions");
  const events: { profileId: string; name: string; at: number; revenue: number | null }[] = [];
  const people = generateShop(shop, START, (batch) => events.push(...batch));
  const lastSeen = new Map<string, number>();
  for (const e of events) lastSeen.set(e.profileId, Math.max(lastSeen.get(e.profileId) ?? 0, e.at));
  await insertPeople(pgPool(), workspace.id, people, START, lastSeen);
  for (let i = 0; i < events.length; i += 5000) await insertEvents(pgPool(), workspace.id, events.slice(i, i + 5000));
  // a bulk load, as after an import: the planner needs statistics (autovacuum would gather them in a while)
  await pgPool().query(`ANALYZE "Event"; ANALYZE "Profile"`);
  return { workspace, people, now: new Date(START + shop.days * DAY_MS), events: events.length };
}

async function createPrediction(workspaceId: string, target: unknown = { eventName: "Order Completed", filters: [] }) {
  return db().prediction.create({
    data: {
      workspaceId,
      key: `p_${randomUUID().slice(0, 8)}`,
      name: "Purchase in 14 days",
      kind: "propensity",
      target: target as object,
      horizonDays: HORIZON,
      createdByLabel: "test",
      updatedByLabel: "test",
    },
  });
}

describe("features as of a cut-off", () => {
  it("read nothing dated at or after the cut-off (an event after it changes no feature)", async () => {
    const workspace = await createWorkspaceWithTeam("Leakage");
    const person = randomUUID();
    const cutoff = new Date("2026-09-01T00:00:00Z");
    await insertPeople(
      pgPool(),
      workspace.id,
      [{ id: person, firstSeen: 0, pro: true }],
      cutoff.getTime() - 60 * DAY_MS,
      new Map(),
    );
    const at = (daysBefore: number) => cutoff.getTime() - daysBefore * DAY_MS;
    await insertEvents(pgPool(), workspace.id, [
      { profileId: person, name: "Order Completed", at: at(3), revenue: 40 },
      { profileId: person, name: "Order Completed", at: at(20), revenue: 10 },
      { profileId: person, name: "Session Started", at: at(45), revenue: null },
    ]);
    const features: FeatureDef[] = [
      { kind: "event", eventName: "Order Completed", measure: "count_7d" },
      { kind: "event", eventName: "Order Completed", measure: "count_30d" },
      { kind: "event", eventName: "Order Completed", measure: "days_since_last" },
      { kind: "all", measure: "count_90d" },
      { kind: "all", measure: "days_since_last" },
      { kind: "all", measure: "trend_30d" },
      { kind: "monetary_90d" },
      { kind: "days_since_first_seen" },
      { kind: "trait_value", trait: "plan", value: "pro" },
    ];
    const scope = { workspaceId: workspace.id, cutoff, audienceSegmentId: null };
    const before = await featureMatrix(pgPool(), scope, features);
    // the values by hand, from the three events before the cut-off
    expect(Array.from(before.values)).toEqual([1, 2, 3, 3, 3, Math.log(3 / 2), 50, 60, 1]);

    // an order exactly at the cut-off and more after it: a feature that read them would change
    await insertEvents(pgPool(), workspace.id, [
      { profileId: person, name: "Order Completed", at: cutoff.getTime(), revenue: 500 },
      { profileId: person, name: "Order Completed", at: cutoff.getTime() + DAY_MS, revenue: 500 },
      { profileId: person, name: "Session Started", at: cutoff.getTime() + 2 * DAY_MS, revenue: null },
    ]);
    const after = await featureMatrix(pgPool(), scope, features);
    expect(Array.from(after.values)).toEqual(Array.from(before.values));
    // and the same features a day later do see them: the test can tell a leak from nothing
    const later = await featureMatrix(
      pgPool(),
      { ...scope, cutoff: new Date(cutoff.getTime() + 2 * DAY_MS) },
      features,
    );
    expect(later.values[1]).toBe(4);
  });
});

describe("training on a learnable target", () => {
  // the plan matters a lot here (pro orders 5 times as often), which recency alone cannot see
  const shop: SyntheticShop = { people: 5000, days: 150, activity: 0.35, seed: 11, planEffect: 5 };
  let seeded: Awaited<ReturnType<typeof seedShop>>;
  let predictionId: string;

  beforeAll(async () => {
    seeded = await seedShop(shop);
    predictionId = (await createPrediction(seeded.workspace.id)).id;
  }, 180_000);

  it("publishes a calibrated model that beats recency alone, then scores everyone with reasons", async () => {
    const clock = () => seeded.now;
    const outcome = await trainPrediction(seeded.workspace.id, predictionId, clock);
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ status: "published", version: 1 });
    const model = await db().predictionModel.findFirstOrThrow({ where: { predictionId } });
    const quality = model.quality as ModelQuality;
    expect(["good", "weak"]).toContain(model.verdict);
    expect(quality.auc.low).toBeGreaterThan(quality.baselineAuc);
    expect(quality.training.positives).toBeGreaterThanOrEqual(50);
    // calibration: over the validation people, predicted and observed rates agree bin by bin (weighted)
    const total = quality.calibration.reduce((s, b) => s + b.count, 0);
    const gap = quality.calibration.reduce((s, b) => s + b.count * Math.abs(b.predicted - b.observed), 0) / total;
    expect(gap).toBeLessThan(0.04);
    const meanPredicted = quality.calibration.reduce((s, b) => s + b.count * b.predicted, 0) / total;
    expect(Math.abs(meanPredicted - quality.classBalance.rate)).toBeLessThan(0.03);
    expect(quality.lift.top10).toBeGreaterThan(1.5);
    const artifact = model.artifact as ModelArtifact;
    expect(artifact.features.map((f) => f.name)).toContain("trait.plan=pro");
    const prediction = await db().prediction.findUniqueOrThrow({ where: { id: predictionId } });
    expect(prediction).toMatchObject({ liveModelId: model.id, trainingStatus: "idle", trainingError: null });

    const first = await scorePrediction(seeded.workspace.id, predictionId, clock);
    expect(first.scored).toBe(shop.people);
    expect(first.changed).toBe(shop.people); // everyone's first score is a change from null
    const scores = await db().predictionScore.findMany({ where: { predictionId } });
    expect(scores).toHaveLength(shop.people);
    const sample = scores[0];
    expect(sample.score).toBe(Math.round(100 * sample.probability));
    const reasons = sample.reasons as ScoreReason[];
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons.length).toBeLessThanOrEqual(3);
    expect(reasons[0].label).toBeTruthy();
    expect(await db().predictionScoreChange.count({ where: { predictionId, fromScore: null } })).toBe(shop.people);

    // the same model, the same moment: nothing changed, so no change rows (a retried step doubles nothing)
    // again in small batches (the last one short): everyone once, nothing moves
    const again = await scorePrediction(seeded.workspace.id, predictionId, clock, { batchSize: 333 });
    expect(again).toEqual({ scored: shop.people, changed: 0, dropped: 0 });
    expect(await db().predictionScoreChange.count({ where: { predictionId } })).toBe(shop.people);

    // a person who orders a lot now moves up, and only they get a change row
    const person = scores.sort((a, b) => a.score - b.score)[0].profileId;
    const now = seeded.now.getTime();
    await insertEvents(
      pgPool(),
      seeded.workspace.id,
      Array.from({ length: 12 }, (_, k) => ({
        profileId: person,
        name: "Order Completed",
        at: now - (k + 1) * 3600_000,
        revenue: 90,
      })),
    );
    // (scored as of the same moment: with time moving on, anyone's recency may tip a score by a point)
    const third = await scorePrediction(seeded.workspace.id, predictionId, clock);
    expect(third.changed).toBe(1);
    const change = await db().predictionScoreChange.findFirstOrThrow({
      where: { predictionId, profileId: person, NOT: { fromScore: null } },
    });
    expect(change.toScore!).toBeGreaterThan(change.fromScore!);

    // a person who is no longer scored (here merged into another) loses their score, with a change row to null
    const [gone, into] = scores.slice(1, 3).map((s) => s.profileId);
    await db().profile.update({ where: { id: gone }, data: { mergedIntoId: into } });
    const fourth = await scorePrediction(seeded.workspace.id, predictionId, () => new Date(now + DAY_MS));
    expect(fourth.scored).toBe(shop.people - 1);
    expect(fourth.dropped).toBe(1);
    expect(
      await db().predictionScore.findUnique({ where: { predictionId_profileId: { predictionId, profileId: gone } } }),
    ).toBeNull();
    const left = await db().predictionScoreChange.findFirstOrThrow({
      where: { predictionId, profileId: gone, toScore: null },
    });
    expect(left).toMatchObject({ toTier: null, at: new Date(now + DAY_MS) });
    expect(left.fromScore).not.toBeNull();
    const prediction2 = await db().prediction.findUniqueOrThrow({ where: { id: predictionId } });
    expect(prediction2.lastScoredAt).toEqual(new Date(now + DAY_MS));
  }, 180_000);

  it("keeps the live model serving when a training fails, and says why", async () => {
    const before = await db().prediction.findUniqueOrThrow({ where: { id: predictionId } });
    expect(before.liveModelId).not.toBeNull();
    await db().prediction.update({ where: { id: predictionId }, data: { target: { eventName: "" } } });
    const outcome = await trainPrediction(seeded.workspace.id, predictionId, () => seeded.now);
    expect(outcome.status).toBe("failed");
    const after = await db().prediction.findUniqueOrThrow({ where: { id: predictionId } });
    expect(after.liveModelId).toBe(before.liveModelId);
    expect(after.trainingStatus).toBe("failed");
    expect(after.trainingError).toBe("Training failed: the prediction's target is not valid (eventName: is required)");
    const failed = await db().predictionModel.findFirstOrThrow({ where: { predictionId, status: "failed" } });
    expect(failed).toMatchObject({ verdict: "failed", version: 2, artifact: null });
    expect(failed.error).toBe(after.trainingError);
  }, 60_000);

  it("finds nothing under another workspace's id", async () => {
    const other = await createWorkspaceWithTeam("Other");
    expect(await trainPrediction(other.id, predictionId, () => seeded.now)).toEqual({ status: "skipped" });
    expect(await scorePrediction(other.id, predictionId, () => seeded.now)).toEqual({
      scored: 0,
      changed: 0,
      dropped: 0,
    });
    expect(await db().predictionModel.count({ where: { workspaceId: other.id } })).toBe(0);
  });
});

describe("refusals", () => {
  it("refuses thin data: too few positive examples is 'not enough data' and publishes nothing", async () => {
    const seeded = await seedShop({ people: 150, days: 120, activity: 0.3, seed: 5 });
    const prediction = await createPrediction(seeded.workspace.id);
    const outcome = await trainPrediction(seeded.workspace.id, prediction.id, () => seeded.now);
    expect(outcome.status).toBe("rejected");
    const model = await db().predictionModel.findFirstOrThrow({ where: { predictionId: prediction.id } });
    expect(model.verdict).toBe("not_enough_data");
    expect(model.positives).toBeLessThan(50);
    const summary = (model.quality as ModelQuality | null)?.summary ?? model.error;
    expect(summary).toBe(`not enough data: ${model.positives} positive examples, need 50`);
    const after = await db().prediction.findUniqueOrThrow({ where: { id: prediction.id } });
    expect(after.liveModelId).toBeNull();
  }, 120_000);

  it("refuses a model that does not beat recency when only recency explains the target", async () => {
    // orders depend only on the hidden active state, which the last session's recency reveals as well as
    // anything the model has; everyone has the same activity and plan
    const seeded = await seedShop({ people: 3000, days: 150, activity: 0.4, seed: 23, recencyOnly: true });
    const prediction = await createPrediction(seeded.workspace.id);
    const outcome = await trainPrediction(seeded.workspace.id, prediction.id, () => seeded.now);
    const model = await db().predictionModel.findFirstOrThrow({ where: { predictionId: prediction.id } });
    const quality = model.quality as ModelQuality;
    expect(quality.training.positives).toBeGreaterThanOrEqual(50);
    // the gate is what the test checks: whenever the interval's low end does not clear the baseline, nothing is published
    if (quality.auc.low <= quality.baselineAuc || quality.auc.value <= quality.baselineAuc + 0.01) {
      expect(model.verdict).toBe("no_better_than_baseline");
      expect(outcome.status).toBe("rejected");
      expect((await db().prediction.findUniqueOrThrow({ where: { id: prediction.id } })).liveModelId).toBeNull();
    } else {
      expect.fail(
        `the model beat recency on a recency-only target: ${JSON.stringify(quality.auc)} vs ${quality.baselineAuc}`,
      );
    }
  }, 180_000);
});
