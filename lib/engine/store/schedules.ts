import { z } from "zod";
import { execute, type Queryable, selectRow, selectRows } from "../../db/sql";

/** The SQL of schedule triggers (lib/engine/schedule-entries.ts decides which occurrences fire and who enters). */

const LiveJourneyRow = z.object({
  id: z.string(),
  workspaceId: z.string(),
  name: z.string(),
  liveVersionId: z.string(),
});

/** Every live journey with its live version, or only the workspace's when one is given. */
export async function selectLiveJourneysWithNames(
  q: Queryable,
  workspaceId: string | null,
): Promise<z.infer<typeof LiveJourneyRow>[]> {
  return selectRows(
    q,
    LiveJourneyRow,
    `SELECT id, "workspaceId", name, "liveVersionId" FROM "Journey"
        WHERE status = 'LIVE' AND "liveVersionId" IS NOT NULL AND ($1::uuid IS NULL OR "workspaceId" = $1)`,
    [workspaceId],
  );
}

const VersionHistoryRow = z.object({ id: z.string(), journeyId: z.string(), publishedAt: z.date() });

/** Every published version of these journeys, per journey, newest first. */
export async function selectVersionHistory(
  q: Queryable,
  journeyIds: string[],
): Promise<z.infer<typeof VersionHistoryRow>[]> {
  return selectRows(
    q,
    VersionHistoryRow,
    `SELECT id, "journeyId", "publishedAt" FROM "JourneyVersion" WHERE "journeyId" = ANY($1::uuid[]) ORDER BY "journeyId", version DESC`,
    [journeyIds],
  );
}

const LastFiredRow = z.object({ fired: z.date().nullable() });

/** The latest occurrence recorded by the journey's `action` audit entries written since `since`, if any. */
export async function selectLastFiredOccurrence(
  q: Queryable,
  workspaceId: string,
  journeyId: string,
  action: string,
  since: Date,
): Promise<Date | null> {
  const row = await selectRow(
    q,
    LastFiredRow,
    `SELECT max((metadata->>'occurrence')::timestamptz) AS fired FROM "AuditLog"
      WHERE "workspaceId" = $1 AND "createdAt" >= $2 AND action = $3 AND "targetId" = $4`,
    [workspaceId, since, action, journeyId],
  );
  return row?.fired ?? null;
}

/** Whether a journey's `action` audit entry records this occurrence, or a later one, as fired. */
export async function hasFiredOccurrence(
  q: Queryable,
  workspaceId: string,
  journeyId: string,
  action: string,
  occurrence: string,
): Promise<boolean> {
  const rows = await selectRows(
    q,
    z.unknown(),
    `SELECT 1 FROM "AuditLog" WHERE "workspaceId" = $1 AND "createdAt" >= $2::timestamptz AND action = $3 AND "targetId" = $4
        AND (metadata->>'occurrence')::timestamptz >= $2::timestamptz LIMIT 1`,
    [workspaceId, occurrence, action, journeyId],
  );
  return rows.length > 0;
}

const JourneyStateRow = z.object({ status: z.string(), liveVersionId: z.string().nullable() });

/**
 * The journey's status and live version, locked FOR SHARE: a pause or archive (an UPDATE of this row) waits for
 * the transaction.
 */
export async function selectJourneyStateForShare(
  q: Queryable,
  workspaceId: string,
  journeyId: string,
): Promise<z.infer<typeof JourneyStateRow> | undefined> {
  return selectRow(
    q,
    JourneyStateRow,
    `SELECT status::text, "liveVersionId" FROM "Journey" WHERE id = $1 AND "workspaceId" = $2 FOR SHARE`,
    [journeyId, workspaceId],
  );
}

/** Serialises, until the transaction ends, everyone who takes the lock for the same key. */
export async function lockOccurrence(q: Queryable, key: string): Promise<void> {
  await execute(q, `SELECT pg_advisory_xact_lock(hashtextextended($1, 7302))`, [key]);
}

const TriggerSegmentRow = z.object({ name: z.string(), archivedAt: z.date().nullable(), recomputeStatus: z.string() });

/** The segment's name, whether it is archived, and where its computation is. */
export async function selectTriggerSegment(
  q: Queryable,
  workspaceId: string,
  segmentId: string,
): Promise<z.infer<typeof TriggerSegmentRow> | undefined> {
  return selectRow(
    q,
    TriggerSegmentRow,
    `SELECT name, "archivedAt", "recomputeStatus" FROM "Segment" WHERE id = $1 AND "workspaceId" = $2`,
    [segmentId, workspaceId],
  );
}

const SegmentMemberRow = z.object({ memberId: z.string(), profileId: z.string() });

/**
 * The segment's next members after profile `after`, in profile-id order (keyset over the membership's primary key),
 * at most `limit`; each also as the person they are now: a member merged into someone since is that person.
 */
export async function selectSegmentMembersAfter(
  q: Queryable,
  workspaceId: string,
  segmentId: string,
  after: string,
  limit: number,
): Promise<z.infer<typeof SegmentMemberRow>[]> {
  return selectRows(
    q,
    SegmentMemberRow,
    `SELECT m."profileId" AS "memberId", COALESCE(p."mergedIntoId", p.id) AS "profileId"
               FROM "SegmentMembership" m JOIN "Profile" p ON p.id = m."profileId"
              WHERE m."segmentId" = $1 AND m."workspaceId" = $2 AND m."profileId" > $3
              ORDER BY m."profileId" LIMIT $4`,
    [segmentId, workspaceId, after, limit],
  );
}

/**
 * The audit entry of a fired occurrence, written with the batch's pg transaction (lib/audit/audit-log.ts writes the
 * same row through Prisma).
 */
export async function insertScheduleAuditEntry(
  q: Queryable,
  entry: { workspaceId: string; action: string; journeyId: string; summary: string; metadata: unknown; at: Date },
): Promise<void> {
  await execute(
    q,
    `INSERT INTO "AuditLog" (id, "workspaceId", "actorLabel", action, "targetType", "targetId", summary, metadata, "createdAt")
     VALUES (gen_random_uuid(), $1, 'journey schedule', $2, 'journey', $3, $4, $5::jsonb, $6)`,
    [entry.workspaceId, entry.action, entry.journeyId, entry.summary, JSON.stringify(entry.metadata), entry.at],
  );
}
