import { z } from "zod";
import { execute, type Queryable, selectRow, selectRows } from "../../db/sql";

/**
 * The Segment table beyond Prisma's CRUD: the live segments an evaluation reads, the per-segment advisory lock,
 * the writes of create / update / archive, and the recompute's progress columns.
 */

const lockKey = (segmentId: string) => `segment:${segmentId}`;

/** Serialises membership writes per segment, in id order so two holders of several cannot deadlock. */
export async function lockSegments(q: Queryable, segmentIds: string[]): Promise<void> {
  const keys = [...new Set(segmentIds)].sort().map(lockKey);
  if (keys.length)
    await execute(
      q,
      `SELECT pg_advisory_xact_lock(hashtextextended(k, 8201)) FROM unnest($1::text[]) AS k ORDER BY k`,
      [keys],
    );
}

const LiveSegmentRow = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(["dynamic", "manual"]),
  definition: z.unknown(),
  version: z.number(),
});

/** The workspace's live segments (not archived), definitions as stored. */
export function selectLiveSegments(q: Queryable, workspaceId: string) {
  return selectRows(
    q,
    LiveSegmentRow,
    `SELECT id, name, kind, definition, version FROM "Segment" WHERE "workspaceId" = $1 AND "archivedAt" IS NULL`,
    [workspaceId],
  );
}

const IdRow = z.object({ id: z.string() });

export async function selectDynamicSegmentIds(q: Queryable, workspaceId: string): Promise<string[]> {
  const rows = await selectRows(
    q,
    IdRow,
    `SELECT id FROM "Segment" WHERE "workspaceId" = $1 AND kind = 'dynamic' AND "archivedAt" IS NULL`,
    [workspaceId],
  );
  return rows.map((r) => r.id);
}

export async function insertSegment(
  q: Queryable,
  segment: {
    workspaceId: string;
    name: string;
    description: string;
    kind: string;
    definition: unknown;
    label: string;
    recomputeStatus: "queued" | "idle";
  },
): Promise<string> {
  const row = await selectRow(
    q,
    IdRow,
    `INSERT INTO "Segment" (id, "workspaceId", name, description, kind, definition, "createdByLabel", "updatedByLabel", "recomputeStatus")
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5::jsonb, $6, $6, $7) RETURNING id`,
    [
      segment.workspaceId,
      segment.name,
      segment.description,
      segment.kind,
      segment.definition ? JSON.stringify(segment.definition) : null,
      segment.label,
      segment.recomputeStatus,
    ],
  );
  return row!.id;
}

/** Name and description when given; a new definition (when `definition` is not undefined) bumps the version. */
export async function updateSegmentRow(
  q: Queryable,
  id: string,
  change: { name: string | null; description: string | null; definition?: unknown; label: string },
): Promise<void> {
  const changed = change.definition !== undefined;
  await execute(
    q,
    `UPDATE "Segment" SET name = COALESCE($2, name), description = COALESCE($3, description),
          definition = CASE WHEN $4 THEN $5::jsonb ELSE definition END, version = version + CASE WHEN $4 THEN 1 ELSE 0 END,
          "updatedByLabel" = $6, "updatedAt" = now() WHERE id = $1`,
    [id, change.name, change.description, changed, changed ? JSON.stringify(change.definition) : null, change.label],
  );
}

/** Archives the segment, emptied: its memberships and non-member checks are deleted with it. */
export async function archiveSegmentRows(q: Queryable, id: string, label: string): Promise<void> {
  await execute(
    q,
    `UPDATE "Segment" SET "archivedAt" = now(), "memberCount" = 0, "recomputeStatus" = 'idle', "updatedByLabel" = $2, "updatedAt" = now() WHERE id = $1`,
    [id, label],
  );
  await execute(q, `DELETE FROM "SegmentMembership" WHERE "segmentId" = $1`, [id]);
  await execute(q, `DELETE FROM "SegmentCheck" WHERE "segmentId" = $1`, [id]);
}

// ---------------------------------------------------------------------------------------------------
// The recompute's progress

/** Marks a recompute as wanted, for the live dynamic segments among `segmentIds`. */
export async function markRecomputeQueued(q: Queryable, segmentIds: string[]): Promise<void> {
  await execute(
    q,
    `UPDATE "Segment" SET "recomputeStatus" = 'queued', "recomputeProcessed" = 0, "recomputeError" = NULL
      WHERE id = ANY($1::uuid[]) AND kind = 'dynamic' AND "archivedAt" IS NULL`,
    [segmentIds],
  );
}

const RecomputeTargetRow = z.object({
  workspaceId: z.string(),
  kind: z.string(),
  archivedAt: z.date().nullable(),
  version: z.number(),
});

export function selectRecomputeTarget(q: Queryable, segmentId: string) {
  return selectRow(
    q,
    RecomputeTargetRow,
    `SELECT "workspaceId", kind, "archivedAt", version FROM "Segment" WHERE id = $1`,
    [segmentId],
  );
}

export async function markRecomputeRunning(
  q: Queryable,
  segmentId: string,
  run: { version: number; total: number; startedAt: Date },
): Promise<void> {
  await execute(
    q,
    `UPDATE "Segment" SET "recomputeStatus" = 'running', "recomputeVersion" = $2, "recomputeProcessed" = 0, "recomputeTotal" = $3,
        "recomputeStartedAt" = $4, "recomputeFinishedAt" = NULL, "recomputeError" = NULL WHERE id = $1`,
    [segmentId, run.version, run.total, run.startedAt],
  );
}

export async function storeRecomputeProgress(q: Queryable, segmentId: string, processed: number): Promise<void> {
  await execute(q, `UPDATE "Segment" SET "recomputeProcessed" = $2 WHERE id = $1`, [segmentId, processed]);
}

/**
 * Ends a recompute: recounts memberCount from the memberships and gives today's point of the size trend the same
 * number, so the chart ends where memberCount is. Call it with the segment locked.
 */
export async function markRecomputeDone(q: Queryable, segmentId: string, finishedAt: Date, day: string): Promise<void> {
  await execute(
    q,
    `WITH sized AS (
           UPDATE "Segment" s SET "recomputeStatus" = 'done', "recomputeFinishedAt" = $2, "recomputeProcessed" = "recomputeTotal",
               "memberCount" = (SELECT count(*) FROM "SegmentMembership" m WHERE m."segmentId" = s.id) WHERE id = $1
           RETURNING s."memberCount")
         INSERT INTO "SegmentDailySize" ("segmentId", day, size, entered, exited)
         SELECT $1, $3::date, "memberCount", 0, 0 FROM sized
         ON CONFLICT ("segmentId", day) DO UPDATE SET size = EXCLUDED.size`,
    [segmentId, finishedAt, day],
  );
}

export async function markRecomputeFailed(q: Queryable, segmentId: string, at: Date, error: string): Promise<void> {
  await execute(
    q,
    `UPDATE "Segment" SET "recomputeStatus" = 'failed', "recomputeFinishedAt" = $2, "recomputeError" = $3 WHERE id = $1`,
    [segmentId, at, error],
  );
}

const NamedSegmentRow = z.object({ id: z.string(), name: z.string() });

/** Every workspace's live dynamic segments (or only `segmentId`, when given), oldest first. */
export function selectRecomputableSegments(q: Queryable, segmentId: string | null) {
  return selectRows(
    q,
    NamedSegmentRow,
    `SELECT id, name FROM "Segment" WHERE kind = 'dynamic' AND "archivedAt" IS NULL AND ($1::text IS NULL OR id::text = $1) ORDER BY "createdAt"`,
    [segmentId],
  );
}

const MemberCountRow = z.object({ memberCount: z.number() });

export async function selectMemberCount(q: Queryable, segmentId: string): Promise<number | undefined> {
  return (await selectRow(q, MemberCountRow, `SELECT "memberCount" FROM "Segment" WHERE id = $1`, [segmentId]))
    ?.memberCount;
}
