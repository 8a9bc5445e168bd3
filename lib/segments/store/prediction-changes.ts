import { z } from "zod";
import { execute, type Queryable, selectRows } from "../../db/sql";

/**
 * PredictionScoreChange's dispatch state, the outbox scoring writes with each score or tier change: claimed in
 * batches (FOR UPDATE SKIP LOCKED: concurrent dispatchers take disjoint rows, and a crashed one's rows come back
 * when its transaction rolls back), then marked dispatched in the same transaction.
 */

const ClaimedChangeRow = z.object({
  // bigint, as text
  id: z.string(),
  workspaceId: z.string(),
  predictionId: z.string(),
  // the person as they are now: a change of someone merged since counts for the person they became
  profileId: z.string(),
  // false when the profile is gone (deleted since scoring): nothing to enroll
  profileExists: z.boolean(),
  fromTier: z.string().nullable(),
  toTier: z.string().nullable(),
  toScore: z.number().nullable(),
  at: z.date(),
  predictionName: z.string().nullable(),
});
export type ClaimedPredictionChange = z.infer<typeof ClaimedChangeRow>;

/** Locks up to `limit` undispatched changes, oldest first (optionally of one workspace: tests share a database). */
export function claimPredictionChanges(q: Queryable, limit: number, workspaceId: string | null) {
  return selectRows(
    q,
    ClaimedChangeRow,
    `WITH claimed AS (
       SELECT id, "workspaceId", "predictionId", "profileId", "fromTier", "toTier", "toScore", at
         FROM "PredictionScoreChange"
        WHERE "dispatchedAt" IS NULL AND ($2::uuid IS NULL OR "workspaceId" = $2::uuid)
        ORDER BY id LIMIT $1
        FOR UPDATE SKIP LOCKED)
     SELECT c.id::text, c."workspaceId", c."predictionId", COALESCE(p."mergedIntoId", c."profileId") AS "profileId",
            p.id IS NOT NULL AS "profileExists",
            c."fromTier", c."toTier", c."toScore", c.at, pr.name AS "predictionName"
       FROM claimed c
       LEFT JOIN "Profile" p ON p.id = c."profileId"
       LEFT JOIN "Prediction" pr ON pr.id = c."predictionId" AND pr."workspaceId" = c."workspaceId"
      ORDER BY c.id`,
    [limit, workspaceId],
  );
}

export async function markPredictionChangesDispatched(q: Queryable, ids: readonly string[], now: Date): Promise<void> {
  if (!ids.length) return;
  await execute(q, `UPDATE "PredictionScoreChange" SET "dispatchedAt" = $2 WHERE id = ANY($1::bigint[])`, [
    [...ids],
    now,
  ]);
}
