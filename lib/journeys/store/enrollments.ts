import { execute, type Queryable } from "../../db/sql";

/**
 * What a journey's status change does to its enrollments and the row lock publishing takes. Run inside the
 * status change's Prisma transaction (`prismaQueryable(tx)`).
 */

/** Locks the journey row until the transaction ends, so concurrent publishes take turns. */
export async function lockJourney(q: Queryable, journeyId: string): Promise<void> {
  await execute(q, `SELECT 1 FROM "Journey" WHERE id = $1::uuid FOR UPDATE`, [journeyId]);
}

/** Makes the journey's active enrollments due at `now` (those whose wait ended while it was paused go at once). */
export async function wakeActiveEnrollments(q: Queryable, journeyId: string, now: Date): Promise<void> {
  await execute(q, `UPDATE "Enrollment" SET "wakeAt" = $1 WHERE "journeyId" = $2::uuid AND status = 'ACTIVE'`, [
    now,
    journeyId,
  ]);
}

/** Everyone still in the journey leaves it: their open step is left through "exited", their enrollment ends. */
export async function exitOpenEnrollments(q: Queryable, journeyId: string, now: Date): Promise<void> {
  await execute(
    q,
    `UPDATE "EnrollmentStep" s SET "leftAt" = $1, exit = 'exited' FROM "Enrollment" e
      WHERE e."journeyId" = $2::uuid AND e.status IN ('ACTIVE', 'WAITING') AND s."enrollmentId" = e.id AND s."nodeId" = e."currentNodeId" AND s."leftAt" IS NULL`,
    [now, journeyId],
  );
  await execute(
    q,
    `UPDATE "Enrollment" SET status = 'EXITED', "endedAt" = $1, "updatedAt" = $1, "endReason" = 'The journey was archived',
      "wakeAt" = NULL, "pendingExit" = NULL, "waitEventName" = NULL, "waitMatchProperty" = NULL, "waitMatchValue" = NULL
      WHERE "journeyId" = $2::uuid AND status IN ('ACTIVE', 'WAITING')`,
    [now, journeyId],
  );
}
