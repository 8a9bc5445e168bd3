import { z } from "zod";
import { execute, type Queryable, selectRow, selectRows } from "../../db/sql";

/** The SQL of entering journeys (lib/engine/enroll.ts and api-enroll.ts decide who enters). */

/**
 * Takes a transaction-scoped advisory lock per "<journeyId>:<profileId>", in key order (so two entries that
 * share people cannot deadlock): concurrent triggers for the same person then decide one after the other.
 */
export async function lockEntrants(q: Queryable, journeyProfileKeys: string[]): Promise<void> {
  await execute(q, `SELECT pg_advisory_xact_lock(hashtextextended(k, 7301)) FROM unnest($1::text[]) AS k ORDER BY k`, [
    journeyProfileKeys,
  ]);
}

const EntryHistoryRow = z.object({
  journeyId: z.string(),
  profileId: z.string(),
  lastEnteredAt: z.date(),
  inJourney: z.boolean(),
});

/** For each (journey, person) pair that has entered before: when they last entered, and whether they are in it now. */
export async function selectEntryHistory(
  q: Queryable,
  pairs: { journeyId: string; profileId: string }[],
): Promise<z.infer<typeof EntryHistoryRow>[]> {
  return selectRows(
    q,
    EntryHistoryRow,
    `SELECT e."journeyId", e."profileId", max(e."enteredAt") AS "lastEnteredAt", bool_or(e.status IN ('ACTIVE', 'WAITING')) AS "inJourney"
       FROM "Enrollment" e JOIN unnest($1::uuid[], $2::uuid[]) AS p(j, pr) ON e."journeyId" = p.j AND e."profileId" = p.pr
      GROUP BY 1, 2`,
    [pairs.map((p) => p.journeyId), pairs.map((p) => p.profileId)],
  );
}

export interface NewEnrollment {
  workspaceId: string;
  journeyId: string;
  journeyVersionId: string;
  profileId: string;
  entryKey: string;
  /** the trigger node, where the walk starts */
  currentNodeId: string;
  trigger: unknown;
}

const InsertedRow = z.object({ id: z.string(), journeyId: z.string(), currentNodeId: z.string() });

/**
 * Inserts ACTIVE enrollments, due at `leaseUntil` (wake-due walks them if no advance does first); an entry key
 * a journey has seen already inserts nothing. Returns the enrollments inserted.
 */
export async function insertEnrollments(
  q: Queryable,
  leaseUntil: Date,
  now: Date,
  enrollments: NewEnrollment[],
): Promise<z.infer<typeof InsertedRow>[]> {
  return selectRows(
    q,
    InsertedRow,
    `INSERT INTO "Enrollment" (id, "workspaceId", "journeyId", "journeyVersionId", "profileId", "entryKey", status, "currentNodeId", "wakeAt", trigger, "enteredAt", "updatedAt")
     SELECT gen_random_uuid(), w, j, v, p, k, 'ACTIVE', n, $1, t::jsonb, $2, $2
       FROM unnest($3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[], $7::text[], $8::text[], $9::text[]) AS u(w, j, v, p, k, n, t)
     ON CONFLICT ("journeyId", "entryKey") DO NOTHING
     RETURNING id, "journeyId", "currentNodeId"`,
    [
      leaseUntil,
      now,
      enrollments.map((e) => e.workspaceId),
      enrollments.map((e) => e.journeyId),
      enrollments.map((e) => e.journeyVersionId),
      enrollments.map((e) => e.profileId),
      enrollments.map((e) => e.entryKey),
      enrollments.map((e) => e.currentNodeId),
      enrollments.map((e) => JSON.stringify(e.trigger)),
    ],
  );
}

/** The first trace row of each new enrollment: its trigger step, entered `now` (visit 1). */
export async function insertEntrySteps(
  q: Queryable,
  now: Date,
  steps: { enrollmentId: string; journeyId: string; nodeId: string; nodeType: string }[],
): Promise<void> {
  await execute(
    q,
    `INSERT INTO "EnrollmentStep" ("enrollmentId", "journeyId", "nodeId", "nodeType", visit, "enteredAt")
       SELECT e, j, n, t, 1, $1 FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[]) AS u(e, j, n, t) ON CONFLICT DO NOTHING`,
    [
      now,
      steps.map((s) => s.enrollmentId),
      steps.map((s) => s.journeyId),
      steps.map((s) => s.nodeId),
      steps.map((s) => s.nodeType),
    ],
  );
}

const JourneyStatusRow = z.object({ status: z.string(), liveVersionId: z.string().nullable() });

/** The journey's status and live version, if it is in the workspace. */
export async function selectJourneyStatus(
  q: Queryable,
  workspaceId: string,
  journeyId: string,
): Promise<z.infer<typeof JourneyStatusRow> | undefined> {
  return selectRow(
    q,
    JourneyStatusRow,
    `SELECT status::text, "liveVersionId" FROM "Journey" WHERE id = $1::uuid AND "workspaceId" = $2`,
    [journeyId, workspaceId],
  );
}

const IdRow = z.object({ id: z.string() });

/** The enrollment a journey made under this entry key, if any. */
export async function selectEnrollmentIdByEntryKey(
  q: Queryable,
  journeyId: string,
  entryKey: string,
): Promise<string | undefined> {
  const row = await selectRow(q, IdRow, `SELECT id FROM "Enrollment" WHERE "journeyId" = $1 AND "entryKey" = $2`, [
    journeyId,
    entryKey,
  ]);
  return row?.id;
}
