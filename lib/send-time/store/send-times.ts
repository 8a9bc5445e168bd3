import "server-only";
import { z } from "zod";
import { execute, type Queryable, selectRow, selectRows } from "../../db/sql";

/** The SQL of send-time optimisation (#21): the fold's reads and writes, and the engine's batched lookup. */

const BigIntText = z.union([z.string(), z.bigint(), z.number()]).transform((v) => BigInt(v));
const Weights = z.record(z.string(), z.number());

const WorkspaceRow = z.object({
  workspaceId: z.string(),
  weights: z.array(z.number()),
  total: z.number(),
  people: z.number(),
  asOf: z.date(),
  eventCursor: BigIntText,
  timezone: z.string(),
});
export type WorkspaceSendTimeRow = z.infer<typeof WorkspaceRow>;

const WORKSPACE_COLUMNS = `s."workspaceId", s.weights, s.total, s.people, s."asOf", s."eventCursor", w.timezone`;

/**
 * The workspace's pattern and cursor, locked until the transaction ends (a fold running beside another waits and
 * then starts from the cursor the first one left). Creates the row, empty, on first use.
 */
export async function lockWorkspaceSendTime(
  q: Queryable,
  workspaceId: string,
  now: Date,
): Promise<WorkspaceSendTimeRow | undefined> {
  await execute(
    q,
    `INSERT INTO "WorkspaceSendTime" ("workspaceId", weights, "asOf", "updatedAt")
       SELECT id, $2::jsonb, $3, $3 FROM "Workspace" WHERE id = $1
     ON CONFLICT ("workspaceId") DO NOTHING`,
    [workspaceId, JSON.stringify(new Array(168).fill(0)), now],
  );
  return selectRow(
    q,
    WorkspaceRow,
    `SELECT ${WORKSPACE_COLUMNS} FROM "WorkspaceSendTime" s JOIN "Workspace" w ON w.id = s."workspaceId"
      WHERE s."workspaceId" = $1 FOR UPDATE OF s`,
    [workspaceId],
  );
}

const Range = z.object({ unsettled: BigIntText.nullable(), last: BigIntText.nullable(), scanned: z.number() });

/**
 * The next batch's end: up to `limit` of the workspace's events after the cursor, cut before the first one received
 * after `settledBefore` (an ingest transaction that took an earlier id may not have committed yet, and the cursor
 * must not pass it).
 */
export async function selectBatchRange(
  q: Queryable,
  workspaceId: string,
  after: bigint,
  limit: number,
  settledBefore: Date,
): Promise<{ to: bigint; scanned: number }> {
  const range = (await selectRow(
    q,
    Range,
    `WITH r AS (SELECT id, "receivedAt" FROM "Event" WHERE "workspaceId" = $1 AND id > $2 ORDER BY id LIMIT $3)
     SELECT (SELECT min(id) FROM r WHERE "receivedAt" > $4) AS unsettled, (SELECT max(id) FROM r) AS last,
            (SELECT count(*)::int FROM r) AS scanned`,
    [workspaceId, after.toString(), limit, settledBefore],
  ))!;
  const to = range.unsettled !== null ? range.unsettled - 1n : (range.last ?? after);
  return { to, scanned: range.scanned };
}

const EngagementRow = z.object({
  profileId: z.string(),
  type: z.string(),
  name: z.string().nullable(),
  timestamp: z.date(),
  timezone: z.string().nullable(),
});
export type EngagementEventRow = z.infer<typeof EngagementRow>;

/**
 * The engagement events in (after, to]: each on the person it belongs to now (an anonymous profile merged into
 * a known one counts for the known one) with that person's time zone.
 */
export function selectEngagementEvents(
  q: Queryable,
  workspaceId: string,
  after: bigint,
  to: bigint,
  names: string[],
): Promise<EngagementEventRow[]> {
  return selectRows(
    q,
    EngagementRow,
    `SELECT COALESCE(p."mergedIntoId", p.id) AS "profileId", e.type, e.name, e."timestamp",
            COALESCE(m.timezone, p.timezone) AS timezone
       FROM "Event" e
       JOIN "Profile" p ON p.id = e."profileId"
       LEFT JOIN "Profile" m ON m.id = p."mergedIntoId"
      WHERE e."workspaceId" = $1 AND e.id > $2 AND e.id <= $3 AND (e.name = ANY($4::text[]) OR e.type IN ('page', 'screen'))
      ORDER BY e.id`,
    [workspaceId, after.toString(), to.toString(), names],
  );
}

const ProfileRow = z.object({
  profileId: z.string(),
  weights: Weights,
  total: z.number(),
  engagements: z.number(),
  asOf: z.date(),
});
export type ProfileSendTimeRow = z.infer<typeof ProfileRow>;

/** The stored histories of these people (one statement for a batch's people, or a walk batch's). */
export function selectProfileSendTimes(
  q: Queryable,
  workspaceId: string,
  profileIds: string[],
): Promise<ProfileSendTimeRow[]> {
  return selectRows(
    q,
    ProfileRow,
    `SELECT "profileId", weights, total, engagements, "asOf" FROM "ProfileSendTime"
      WHERE "workspaceId" = $1 AND "profileId" = ANY($2::uuid[])`,
    [workspaceId, profileIds],
  );
}

/** Writes the batch's merged histories, one statement (the fold merged them under the workspace's lock). */
export async function upsertProfileSendTimes(
  q: Queryable,
  workspaceId: string,
  rows: ProfileSendTimeRow[],
  now: Date,
): Promise<void> {
  if (!rows.length) return;
  await execute(
    q,
    `INSERT INTO "ProfileSendTime" ("profileId", "workspaceId", weights, total, engagements, "asOf", "updatedAt")
     SELECT p, $1, w::jsonb, t, n, a, $2
       FROM unnest($3::uuid[], $4::text[], $5::float8[], $6::int[], $7::timestamptz[]) AS u(p, w, t, n, a)
     ON CONFLICT ("profileId") DO UPDATE SET weights = EXCLUDED.weights, total = EXCLUDED.total,
       engagements = EXCLUDED.engagements, "asOf" = EXCLUDED."asOf", "updatedAt" = EXCLUDED."updatedAt"`,
    [
      workspaceId,
      now,
      rows.map((r) => r.profileId),
      rows.map((r) => JSON.stringify(r.weights)),
      rows.map((r) => r.total),
      rows.map((r) => r.engagements),
      rows.map((r) => r.asOf),
    ],
  );
}

export async function updateWorkspaceSendTime(
  q: Queryable,
  row: Pick<WorkspaceSendTimeRow, "workspaceId" | "weights" | "total" | "people" | "asOf" | "eventCursor">,
  now: Date,
): Promise<void> {
  await execute(
    q,
    `UPDATE "WorkspaceSendTime" SET weights = $2::jsonb, total = $3, people = $4, "asOf" = $5, "eventCursor" = $6, "updatedAt" = $7
      WHERE "workspaceId" = $1`,
    [row.workspaceId, JSON.stringify(row.weights), row.total, row.people, row.asOf, row.eventCursor.toString(), now],
  );
}

/** Every workspace, for the cron to fold each in turn. */
export function selectWorkspaceIds(q: Queryable): Promise<{ id: string }[]> {
  return selectRows(q, z.object({ id: z.string() }), `SELECT id FROM "Workspace" ORDER BY id`);
}

const PatternRow = z.object({
  workspaceId: z.string(),
  timezone: z.string(),
  weights: z.array(z.number()).nullable(),
  total: z.number().nullable(),
  people: z.number().nullable(),
});

/** The engine's lookup for a walk batch: each workspace's zone and pattern (null before the first fold). */
export function selectWorkspacePatterns(q: Queryable, workspaceIds: string[]): Promise<z.infer<typeof PatternRow>[]> {
  return selectRows(
    q,
    PatternRow,
    `SELECT w.id AS "workspaceId", w.timezone, s.weights, s.total, s.people
       FROM "Workspace" w LEFT JOIN "WorkspaceSendTime" s ON s."workspaceId" = w.id
      WHERE w.id = ANY($1::uuid[])`,
    [workspaceIds],
  );
}

/** The engine's lookup: the histories of a walk batch's people, each in its own workspace (a batch may span several). */
export function selectProfileSendTimesOf(
  q: Queryable,
  people: { workspaceId: string; profileId: string }[],
): Promise<ProfileSendTimeRow[]> {
  return selectRows(
    q,
    ProfileRow,
    `SELECT s."profileId", s.weights, s.total, s.engagements, s."asOf" FROM "ProfileSendTime" s
       JOIN unnest($1::uuid[], $2::uuid[]) AS u(w, p) ON s."workspaceId" = u.w AND s."profileId" = u.p`,
    [people.map((p) => p.workspaceId), people.map((p) => p.profileId)],
  );
}
