import "server-only";
import { pgPool, withTransaction } from "@/lib/db/pool";
import type { Queryable } from "@/lib/db/sql";
import type { Clock } from "@/lib/runtime/clock";
import { parseFeature } from "./features/catalog";
import { scoreRows } from "./scoring/apply";
import { scoringFeatureMatrix } from "./store/features";
import {
  dropUnscored,
  liveModel,
  loadPrediction,
  lockPredictionScores,
  staleScoredPeople,
  writeScores,
} from "./store/models";
import type { ModelArtifact } from "./types";

/**
 * Scores a prediction's audience with its live model: features as of now for a batch of people in one statement,
 * the model's arithmetic in memory, and one statement per batch that upserts the scores with their change rows.
 * A full scoring then drops the scores of people no longer in the audience (with change rows to null).
 * Rescoring with the same model and the same clock changes nothing, so a retried step writes no second change.
 */

export const SCORE_BATCH = 5_000;

export type ScoreOutcome = { scored: number; changed: number; dropped: number };

type ScoreInputs = { workspaceId: string; predictionId: string; modelId: string; artifact: ModelArtifact; at: Date };
type ComputedBatch = { ids: string[]; scored: ReturnType<typeof scoreRows> };

/** A batch's features (one statement) and the model's arithmetic on them, not yet written. */
async function computeBatch(
  input: ScoreInputs,
  scope: { afterId?: string; ids?: string[]; limit?: number; audienceSegmentId: string | null },
): Promise<ComputedBatch> {
  const features = input.artifact.features.map((f) => parseFeature(f.name));
  const matrix = await scoringFeatureMatrix({ workspaceId: input.workspaceId, cutoff: input.at, ...scope }, features);
  return { ids: matrix.ids, scored: scoreRows(input.artifact, matrix.values) };
}

/** Writes a computed batch's scores with their change rows; answers how many people's score or tier changed. */
function writeBatch(input: ScoreInputs, batch: ComputedBatch): Promise<number> {
  return withTransaction(async (client) => {
    await lockPredictionScores(client, input.predictionId);
    return writeScores(client, {
      workspaceId: input.workspaceId,
      predictionId: input.predictionId,
      modelId: input.modelId,
      at: input.at,
      scores: batch.scored.map((s, i) => ({
        profileId: batch.ids[i],
        probability: s.probability,
        score: s.score,
        tier: s.tier,
        reasons: JSON.stringify(s.reasons),
      })),
    });
  });
}

async function context(q: Queryable, workspaceId: string, predictionId: string) {
  const prediction = await loadPrediction(q, workspaceId, predictionId);
  if (!prediction) return null;
  const model = await liveModel(q, workspaceId, predictionId);
  if (!model) return null;
  return { prediction, modelId: model.id, artifact: model.artifact as ModelArtifact };
}

/** Scores everyone in the audience now; a prediction without a live model scores nobody. */
export async function scorePrediction(
  workspaceId: string,
  predictionId: string,
  clock: Clock,
  options: { batchSize?: number; q?: Queryable } = {},
): Promise<ScoreOutcome> {
  const q = options.q ?? pgPool();
  const ctx = await context(q, workspaceId, predictionId);
  if (!ctx) return { scored: 0, changed: 0, dropped: 0 };
  const at = clock();
  const base = { workspaceId, predictionId, modelId: ctx.modelId, artifact: ctx.artifact, at };
  const limit = options.batchSize ?? SCORE_BATCH;
  const compute = (afterId?: string) =>
    computeBatch(base, { afterId, limit, audienceSegmentId: ctx.prediction.audienceSegmentId });
  let scored = 0;
  let changed = 0;
  // The next batch's features are read while this one is written (two statements at once, on two connections of
  // the pool): reading features and writing scores each keep one core busy, so together they overlap.
  let pending: Promise<ComputedBatch> | null = compute();
  while (pending) {
    const batch: ComputedBatch = await pending;
    pending = batch.ids.length === limit ? compute(batch.ids[batch.ids.length - 1]) : null;
    try {
      changed += await writeBatch(base, batch);
    } catch (error) {
      void pending?.catch(() => undefined); // the write's error is the one to report
      throw error;
    }
    scored += batch.ids.length;
  }
  const dropped = await withTransaction(async (client) => {
    await lockPredictionScores(client, predictionId);
    const n = await dropUnscored(client, { workspaceId, predictionId, at });
    await client.query(`UPDATE "Prediction" SET "lastScoredAt" = $3 WHERE id = $1 AND "workspaceId" = $2`, [
      predictionId,
      workspaceId,
      at,
    ]);
    return n;
  });
  return { scored, changed, dropped };
}

/**
 * Rescores the people whose activity is newer than their score (lastSeenAt > scoredAt), up to `limit`: the
 * frequent, incremental pass between daily full scorings.
 */
export async function rescoreChanged(
  workspaceId: string,
  predictionId: string,
  clock: Clock,
  options: { limit?: number; q?: Queryable } = {},
): Promise<ScoreOutcome> {
  const q = options.q ?? pgPool();
  const ctx = await context(q, workspaceId, predictionId);
  if (!ctx) return { scored: 0, changed: 0, dropped: 0 };
  const ids = await staleScoredPeople(q, { workspaceId, predictionId, limit: options.limit ?? SCORE_BATCH });
  if (!ids.length) return { scored: 0, changed: 0, dropped: 0 };
  const at = clock();
  const input = { workspaceId, predictionId, modelId: ctx.modelId, artifact: ctx.artifact, at };
  const batch = await computeBatch(input, { ids, audienceSegmentId: ctx.prediction.audienceSegmentId });
  return { scored: batch.ids.length, changed: await writeBatch(input, batch), dropped: 0 };
}
