import { pgPool } from "../db/pool";
import { ACTIVE_LEASE_MS, TIMEOUT_EXIT } from "./walk-batch";

/**
 * Claims enrollments that are due: a delay that ended, a wait that timed out, or an ACTIVE enrollment
 * whose lease lapsed (its advance event was lost, e.g. in a crash). FOR UPDATE SKIP LOCKED lets several
 * wake-due runs (or app instances) claim disjoint sets; claiming sets the lease again, so a claimed
 * enrollment is not claimed twice. Paused journeys' people are left where they are.
 */
export async function claimDueEnrollments(now: Date, limit = 2_000): Promise<string[]> {
  const { rows } = await pgPool().query<{ id: string }>(
    `WITH due AS (
       SELECT e.id FROM "Enrollment" e
        WHERE e.status IN ('WAITING', 'ACTIVE') AND e."wakeAt" <= $1
          AND EXISTS (SELECT 1 FROM "Journey" j WHERE j.id = e."journeyId" AND j.status = 'LIVE')
        ORDER BY e."wakeAt" LIMIT $2 FOR UPDATE OF e SKIP LOCKED)
     UPDATE "Enrollment" e SET
       "pendingExit" = CASE WHEN e.status = 'WAITING' THEN $4 ELSE e."pendingExit" END,
       status = 'ACTIVE', "waitEventName" = NULL, "waitMatchProperty" = NULL, "waitMatchValue" = NULL,
       "wakeAt" = $3, "updatedAt" = $1
     FROM due WHERE e.id = due.id RETURNING e.id`,
    [now, limit, new Date(now.getTime() + ACTIVE_LEASE_MS), TIMEOUT_EXIT],
  );
  return rows.map((r) => r.id);
}

/**
 * The earliest moment before `before` at which a waiting enrollment of a live journey comes due (after
 * `now`), or null: wake-due's run on the embedded executor follows the delays that end within its tick.
 */
export async function nextWakeBefore(now: Date, before: Date): Promise<Date | null> {
  const { rows } = await pgPool().query<{ at: Date | null }>(
    `SELECT min(e."wakeAt") AS at FROM "Enrollment" e
      WHERE e.status = 'WAITING' AND e."wakeAt" > $1 AND e."wakeAt" < $2
        AND EXISTS (SELECT 1 FROM "Journey" j WHERE j.id = e."journeyId" AND j.status = 'LIVE')`,
    [now, before],
  );
  return rows[0]?.at ?? null;
}
