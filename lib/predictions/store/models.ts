import "server-only";
import type pg from "pg";
import { z } from "zod";
import { type Queryable, selectRow, selectRows } from "@/lib/db/sql";
import type { ModelArtifact, ModelQuality, Tier, Verdict } from "../types";

/**
 * Predictions' writes of models and scores: a new model version (and publishing it), a failed training, and the
 * score upserts with their change rows, each one statement or one transaction so a retry never doubles anything.
 */

export const PredictionRow = z.object({
  id: z.string(),
  workspaceId: z.string(),
  kind: z.string(),
  target: z.unknown(),
  horizonDays: z.number(),
  audienceSegmentId: z.string().nullable(),
  liveModelId: z.string().nullable(),
  trainingStatus: z.string(),
});
export type PredictionRow = z.infer<typeof PredictionRow>;

/** A live (not archived) prediction of the workspace; another workspace's id reads as none. */
export async function loadPrediction(q: Queryable, workspaceId: string, predictionId: string) {
  return selectRow(
    q,
    PredictionRow,
    `SELECT id, "workspaceId", kind, target, "horizonDays", "audienceSegmentId", "liveModelId", "trainingStatus"
       FROM "Prediction" WHERE id = $1 AND "workspaceId" = $2 AND "archivedAt" IS NULL`,
    [predictionId, workspaceId],
  );
}

/** Marks a training as running (from any state: a retried step finds it running already). */
export async function markTraining(q: Queryable, workspaceId: string, predictionId: string, at: Date): Promise<void> {
  await q.query(
    `UPDATE "Prediction" SET "trainingStatus" = 'training', "trainingStartedAt" = $3, "updatedAt" = $3
      WHERE id = $1 AND "workspaceId" = $2`,
    [predictionId, workspaceId, at],
  );
}

export type NewModel = {
  workspaceId: string;
  predictionId: string;
  status: "published" | "rejected" | "failed";
  verdict: Verdict;
  trainingFrom: Date;
  trainingTo: Date;
  validationFrom: Date;
  validationTo: Date;
  artifact: ModelArtifact | null;
  quality: ModelQuality | null;
  examples: number;
  positives: number;
  error: string | null;
  durationMs: number;
  trainedAt: Date;
};

const Id = z.object({ id: z.string(), version: z.number() });

/**
 * Stores the next version of the prediction's model and updates the prediction in one transaction: a published
 * model becomes live; a rejected one leaves the live model serving; a failed one also records why on the
 * prediction (trainingStatus "failed", trainingError) and leaves the live model serving.
 */
export async function storeModel(client: pg.PoolClient, m: NewModel): Promise<{ id: string; version: number }> {
  // the prediction row lock serialises versions of one prediction
  await client.query(`SELECT 1 FROM "Prediction" WHERE id = $1 FOR UPDATE`, [m.predictionId]);
  const row = await selectRow(
    client,
    Id,
    `INSERT INTO "PredictionModel" (id, "workspaceId", "predictionId", version, status, verdict, "trainingFrom",
        "trainingTo", "validationFrom", "validationTo", artifact, quality, examples, positives, error, "durationMs", "trainedAt")
     SELECT gen_random_uuid(), $1, $2, COALESCE(max(version), 0) + 1, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb,
            $11, $12, $13, $14, $15
       FROM "PredictionModel" WHERE "predictionId" = $2
     RETURNING id, version`,
    [
      m.workspaceId,
      m.predictionId,
      m.status,
      m.verdict,
      m.trainingFrom,
      m.trainingTo,
      m.validationFrom,
      m.validationTo,
      m.artifact ? JSON.stringify(m.artifact) : null,
      m.quality ? JSON.stringify(m.quality) : null,
      m.examples,
      m.positives,
      m.error,
      m.durationMs,
      m.trainedAt,
    ],
  );
  if (!row) throw new Error("storing the model returned no row");
  if (m.status === "failed") {
    await client.query(
      `UPDATE "Prediction" SET "trainingStatus" = 'failed', "trainingError" = $3, "updatedAt" = $4
        WHERE id = $1 AND "workspaceId" = $2`,
      [m.predictionId, m.workspaceId, m.error, m.trainedAt],
    );
  } else {
    await client.query(
      `UPDATE "Prediction" SET "trainingStatus" = 'idle', "trainingError" = NULL, "lastTrainedAt" = $3, "updatedAt" = $3,
              "liveModelId" = CASE WHEN $4 THEN $5::uuid ELSE "liveModelId" END
        WHERE id = $1 AND "workspaceId" = $2`,
      [m.predictionId, m.workspaceId, m.trainedAt, m.status === "published", row.id],
    );
  }
  return row;
}

const LiveModel = z.object({ id: z.string(), artifact: z.unknown() });

export async function liveModel(q: Queryable, workspaceId: string, predictionId: string) {
  return selectRow(
    q,
    LiveModel,
    `SELECT m.id, m.artifact FROM "Prediction" p JOIN "PredictionModel" m ON m.id = p."liveModelId"
      WHERE p.id = $1 AND p."workspaceId" = $2 AND p."archivedAt" IS NULL AND m.artifact IS NOT NULL`,
    [predictionId, workspaceId],
  );
}

export type ScoreInput = {
  profileId: string;
  probability: number;
  score: number;
  tier: Tier;
  reasons: string;
};

/**
 * Scorings of one prediction can overlap (the daily run, the incremental pass, a train-then-score): inside a
 * transaction, this makes them write one batch at a time, and each statement after it sees the other's committed
 * scores, so a person's change is recorded once (two change rows would enroll a tier journey twice).
 */
export async function lockPredictionScores(q: Queryable, predictionId: string): Promise<void> {
  await q.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 7621))`, [predictionId]);
}

/**
 * Upserts a batch of scores and, in the same statement, a change row for each person whose score or tier changed
 * (from null for a first score). All CTEs read the snapshot before the upsert, so `old` holds the previous values.
 * Returns how many changed.
 */
export async function writeScores(
  q: Queryable,
  input: { workspaceId: string; predictionId: string; modelId: string; at: Date; scores: ScoreInput[] },
): Promise<number> {
  if (!input.scores.length) return 0;
  const s = input.scores;
  const rows = await selectRows(
    q,
    z.object({ changed: z.coerce.number() }),
    `WITH input AS (
       SELECT * FROM unnest($4::uuid[], $5::float8[], $6::int[], $7::text[], $8::text[])
         AS t("profileId", probability, score, tier, reasons)
     ), old AS (
       -- one primary-key probe per person: a filter on the prediction alone reads every score it has, and stale
       -- statistics (a table just filled) chose that plan, making a rescoring three times slower than the first
       SELECT ps."profileId", ps.score, ps.tier FROM input i
         JOIN "PredictionScore" ps ON ps."predictionId" = $2 AND ps."profileId" = i."profileId"
     ), up AS (
       INSERT INTO "PredictionScore" ("predictionId", "profileId", "workspaceId", "modelId", probability, score, tier, reasons, "scoredAt")
       SELECT $2, i."profileId", $1, $3, i.probability, i.score, i.tier, i.reasons::jsonb, $9 FROM input i
       ON CONFLICT ("predictionId", "profileId") DO UPDATE SET "modelId" = EXCLUDED."modelId",
         probability = EXCLUDED.probability, score = EXCLUDED.score, tier = EXCLUDED.tier,
         reasons = EXCLUDED.reasons, "scoredAt" = EXCLUDED."scoredAt"
     ), changes AS (
       INSERT INTO "PredictionScoreChange" ("workspaceId", "predictionId", "profileId", "fromScore", "toScore", "fromTier", "toTier", at)
       SELECT $1, $2, i."profileId", o.score, i.score, o.tier, i.tier, $9
         FROM input i LEFT JOIN old o ON o."profileId" = i."profileId"
        WHERE o."profileId" IS NULL OR o.score <> i.score OR o.tier <> i.tier
       RETURNING 1
     )
     SELECT count(*) AS changed FROM changes`,
    [
      input.workspaceId,
      input.predictionId,
      input.modelId,
      s.map((x) => x.profileId),
      s.map((x) => x.probability),
      s.map((x) => x.score),
      s.map((x) => x.tier),
      s.map((x) => x.reasons),
      input.at,
    ],
  );
  return rows[0]?.changed ?? 0;
}

/**
 * After a full scoring at `at`: the people not scored in it (they left the audience, merged, or were deleted)
 * lose their score, each with a change row to null, in one statement.
 */
export async function dropUnscored(q: Queryable, input: { workspaceId: string; predictionId: string; at: Date }) {
  const rows = await selectRows(
    q,
    z.object({ dropped: z.coerce.number() }),
    `WITH gone AS (
       DELETE FROM "PredictionScore" WHERE "predictionId" = $2 AND "workspaceId" = $1 AND "scoredAt" < $3
       RETURNING "profileId", score, tier
     ), changes AS (
       INSERT INTO "PredictionScoreChange" ("workspaceId", "predictionId", "profileId", "fromScore", "toScore", "fromTier", "toTier", at)
       SELECT $1, $2, g."profileId", g.score, NULL, g.tier, NULL, $3 FROM gone g
       RETURNING 1
     )
     SELECT count(*) AS dropped FROM changes`,
    [input.workspaceId, input.predictionId, input.at],
  );
  return rows[0]?.dropped ?? 0;
}

/** People whose activity is newer than their score (lastSeenAt > scoredAt): the incremental rescoring's batch. */
export async function staleScoredPeople(
  q: Queryable,
  input: { workspaceId: string; predictionId: string; limit: number },
): Promise<string[]> {
  const rows = await selectRows(
    q,
    z.object({ id: z.string() }),
    `SELECT p.id FROM "PredictionScore" ps JOIN "Profile" p ON p.id = ps."profileId"
      WHERE ps."predictionId" = $2 AND ps."workspaceId" = $1 AND p."lastSeenAt" > ps."scoredAt"
      ORDER BY p.id LIMIT $3`,
    [input.workspaceId, input.predictionId, input.limit],
  );
  return rows.map((r) => r.id);
}

const Ref = z.object({ workspaceId: z.string(), id: z.string() });

/** Predictions whose model is older than their retrain period (or that never trained), not already training (unless that training was lost an hour ago). */
export async function predictionsDueForTraining(q: Queryable, now: Date, limit: number) {
  return selectRows(
    q,
    Ref,
    `SELECT "workspaceId", id FROM "Prediction"
      WHERE "archivedAt" IS NULL
        AND ("trainingStatus" NOT IN ('queued', 'training') OR "updatedAt" < $1::timestamptz - interval '1 hour')
        AND ("lastTrainedAt" IS NULL OR "lastTrainedAt" <= $1::timestamptz - make_interval(days => "retrainEveryDays"))
      ORDER BY "lastTrainedAt" NULLS FIRST, id LIMIT $2`,
    [now, limit],
  );
}

/** Predictions that have a live model to score with. */
export async function predictionsWithLiveModel(q: Queryable, limit: number) {
  return selectRows(
    q,
    Ref,
    `SELECT "workspaceId", id FROM "Prediction" WHERE "archivedAt" IS NULL AND "liveModelId" IS NOT NULL
      ORDER BY "lastScoredAt" NULLS FIRST, id LIMIT $1`,
    [limit],
  );
}
