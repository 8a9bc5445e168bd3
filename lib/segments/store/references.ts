import { z } from "zod";
import { execute, type Queryable, selectRows } from "../../db/sql";

/**
 * SegmentReference, the event-driven index: what can change each dynamic segment's answer (kind "event": an
 * event name; "profile": the profile itself; "segment": a segment it refers to directly; "prediction": a
 * prediction's scores, directly or through the segments it refers to).
 */

export interface SegmentReferenceRow {
  segmentId: string;
  kind: "event" | "profile" | "segment" | "prediction";
  value: string;
}

/** Replaces the workspace's whole index with `rows`. */
export async function replaceReferences(
  q: Queryable,
  workspaceId: string,
  rows: readonly SegmentReferenceRow[],
): Promise<void> {
  await execute(q, `DELETE FROM "SegmentReference" WHERE "workspaceId" = $1`, [workspaceId]);
  if (rows.length) {
    await execute(
      q,
      `INSERT INTO "SegmentReference" ("workspaceId", "segmentId", kind, value) SELECT $1, s, k, v FROM json_to_recordset($2::json) AS r(s uuid, k text, v text) ON CONFLICT DO NOTHING`,
      [workspaceId, JSON.stringify(rows.map((r) => ({ s: r.segmentId, k: r.kind, v: r.value })))],
    );
  }
}

const SegmentIdRow = z.object({ segmentId: z.string() });

/** Segments that refer to `segmentId`, directly or through other segments (itself excluded). */
export async function selectDependentSegmentIds(
  q: Queryable,
  workspaceId: string,
  segmentId: string,
): Promise<string[]> {
  const rows = await selectRows(
    q,
    SegmentIdRow,
    `WITH RECURSIVE dep(id) AS (
       SELECT "segmentId" FROM "SegmentReference" WHERE "workspaceId" = $1 AND kind = 'segment' AND value = $2
       UNION
       SELECT r."segmentId" FROM "SegmentReference" r JOIN dep ON r.value = dep.id::text WHERE r."workspaceId" = $1 AND r.kind = 'segment')
     SELECT id AS "segmentId" FROM dep WHERE id <> $2::uuid`,
    [workspaceId, segmentId],
  );
  return rows.map((r) => r.segmentId);
}

const EventIndexRow = z.object({
  segmentId: z.string(),
  kind: z.enum(["event", "profile", "exists"]),
  value: z.string(),
});

/**
 * The workspace's "event" and "profile" references, plus one row of kind "exists" when it has any segment at all
 * (archived ones too): no rows means a batch of events can change no segment.
 */
export function selectEventIndex(q: Queryable, workspaceId: string) {
  return selectRows(
    q,
    EventIndexRow,
    `SELECT "segmentId", kind, value FROM "SegmentReference" WHERE "workspaceId" = $1 AND kind IN ('event', 'profile')
     UNION ALL
     SELECT id, 'exists', '' FROM (SELECT id FROM "Segment" WHERE "workspaceId" = $1 LIMIT 1) any_segment`,
    [workspaceId],
  );
}

/** The segments that read the profile (kind "profile"), in id order. */
export async function selectProfileReadingSegmentIds(q: Queryable, workspaceId: string): Promise<string[]> {
  const rows = await selectRows(
    q,
    SegmentIdRow,
    `SELECT DISTINCT "segmentId" FROM "SegmentReference" WHERE "workspaceId" = $1 AND kind = 'profile' ORDER BY 1`,
    [workspaceId],
  );
  return rows.map((r) => r.segmentId);
}

const NamedSegmentRow = z.object({ id: z.string(), name: z.string() });

/** Live segments that refer to `segmentId` directly, by name. */
export function selectReferringSegments(q: Queryable, workspaceId: string, segmentId: string) {
  return selectRows(
    q,
    NamedSegmentRow,
    `SELECT s.id, s.name FROM "SegmentReference" r JOIN "Segment" s ON s.id = r."segmentId"
      WHERE r."workspaceId" = $1 AND r.kind = 'segment' AND r.value = $2 AND s."archivedAt" IS NULL ORDER BY s.name`,
    [workspaceId, segmentId],
  );
}

const PredictionSegmentRow = z.object({ predictionId: z.string(), segmentId: z.string() });

/** The live dynamic segments whose answer reads each of `predictionIds` (kind "prediction"), in segment id order. */
export function selectPredictionReadingSegments(q: Queryable, workspaceId: string, predictionIds: readonly string[]) {
  return selectRows(
    q,
    PredictionSegmentRow,
    `SELECT r.value AS "predictionId", r."segmentId" FROM "SegmentReference" r JOIN "Segment" s ON s.id = r."segmentId"
      WHERE r."workspaceId" = $1 AND r.kind = 'prediction' AND r.value = ANY($2::text[]) AND s."archivedAt" IS NULL
      ORDER BY r."segmentId"`,
    [workspaceId, [...predictionIds]],
  );
}
