import { z } from "zod";
import { type Queryable, selectRow, selectRows } from "../../db/sql";

const IdRow = z.object({ id: z.string() });

/**
 * Claims up to `limit` enrollments of live journeys due by `now` (WAITING or ACTIVE with wakeAt passed), oldest
 * first: each becomes ACTIVE with wakeAt = `leaseUntil`, a WAITING one with `timeoutExit` pending, its wait
 * cleared. FOR UPDATE SKIP LOCKED lets several claimers take disjoint sets. Returns the ids claimed.
 */
export async function claimDue(
  q: Queryable,
  now: Date,
  limit: number,
  leaseUntil: Date,
  timeoutExit: string,
): Promise<string[]> {
  const rows = await selectRows(
    q,
    IdRow,
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
    [now, limit, leaseUntil, timeoutExit],
  );
  return rows.map((r) => r.id);
}

const AtRow = z.object({ at: z.date().nullable() });

/** The earliest wakeAt of a waiting enrollment of a live journey after `now` and before `before`, or null. */
export async function selectNextWake(q: Queryable, now: Date, before: Date): Promise<Date | null> {
  const row = await selectRow(
    q,
    AtRow,
    `SELECT min(e."wakeAt") AS at FROM "Enrollment" e
      WHERE e.status = 'WAITING' AND e."wakeAt" > $1 AND e."wakeAt" < $2
        AND EXISTS (SELECT 1 FROM "Journey" j WHERE j.id = e."journeyId" AND j.status = 'LIVE')`,
    [now, before],
  );
  return row?.at ?? null;
}
