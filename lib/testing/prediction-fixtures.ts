import { randomUUID } from "node:crypto";
import { db } from "../db/client";
import { withTransaction } from "../db/pool";

/**
 * Predictions and scores written directly, as training and scoring (lib/predictions) would leave them: the
 * segment, journey and Liquid tests read scores without training a model.
 */

export async function createPredictionRow(
  workspaceId: string,
  options: { key?: string; name?: string; archived?: boolean } = {},
): Promise<{ id: string; key: string; modelId: string }> {
  const key = options.key ?? `churn_${randomUUID().slice(0, 8)}`;
  const modelId = randomUUID();
  const prediction = await db().prediction.create({
    data: {
      workspaceId,
      key,
      name: options.name ?? `Churn risk ${key}`,
      kind: "churn",
      target: { eventNames: ["Order Completed"] },
      horizonDays: 30,
      liveModelId: modelId,
      archivedAt: options.archived ? new Date() : null,
      createdByLabel: "test",
      updatedByLabel: "test",
    },
  });
  return { id: prediction.id, key, modelId };
}

/** The profile id of a userId in a workspace. */
export async function profileIdOf(workspaceId: string, userId: string): Promise<string> {
  const identity = await db().profileIdentity.findUniqueOrThrow({
    where: { workspaceId_kind_value: { workspaceId, kind: "user", value: userId } },
    select: { profileId: true },
  });
  return identity.profileId;
}

export interface ScoreWrite {
  profileId: string;
  /** null: the person left the audience (their score row is deleted) */
  score: number | null;
  tier?: "low" | "medium" | "high";
}

/**
 * Writes scores and, in the same transaction, one PredictionScoreChange per person whose score or tier changed,
 * as scoring does. Returns the change ids.
 */
export async function writeScores(
  prediction: { id: string; modelId: string },
  workspaceId: string,
  scores: ScoreWrite[],
  at: Date,
): Promise<string[]> {
  return withTransaction(async (client) => {
    const ids: string[] = [];
    for (const s of scores) {
      const before = await client.query<{ score: number; tier: string }>(
        `SELECT score, tier FROM "PredictionScore" WHERE "predictionId" = $1 AND "profileId" = $2`,
        [prediction.id, s.profileId],
      );
      const from = before.rows[0];
      const tier = s.score === null ? null : (s.tier ?? (s.score >= 70 ? "high" : s.score >= 30 ? "medium" : "low"));
      if (s.score === null)
        await client.query(`DELETE FROM "PredictionScore" WHERE "predictionId" = $1 AND "profileId" = $2`, [
          prediction.id,
          s.profileId,
        ]);
      else
        await client.query(
          `INSERT INTO "PredictionScore" ("predictionId", "profileId", "workspaceId", "modelId", probability, score, tier, reasons, "scoredAt")
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9)
           ON CONFLICT ("predictionId", "profileId") DO UPDATE SET probability = EXCLUDED.probability, score = EXCLUDED.score,
             tier = EXCLUDED.tier, reasons = EXCLUDED.reasons, "scoredAt" = EXCLUDED."scoredAt", "modelId" = EXCLUDED."modelId"`,
          [
            prediction.id,
            s.profileId,
            workspaceId,
            prediction.modelId,
            s.score / 100,
            s.score,
            tier,
            JSON.stringify([{ feature: "recency_days", label: "Days since last seen", value: 12, contribution: 0.8 }]),
            at,
          ],
        );
      if (from?.score === (s.score ?? undefined) && from?.tier === (tier ?? undefined)) continue;
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO "PredictionScoreChange" ("workspaceId", "predictionId", "profileId", "fromScore", "toScore", "fromTier", "toTier", at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id::text`,
        [workspaceId, prediction.id, s.profileId, from?.score ?? null, s.score, from?.tier ?? null, tier, at],
      );
      ids.push(rows[0].id);
    }
    return ids;
  });
}
