import { z } from "zod";
import { execute, type Queryable, selectRows } from "../../db/sql";
import type { CompiledEvaluation } from "../evaluate";

/**
 * SegmentMembership (who is in a segment) and SegmentCheck (non-members' next check), written together with the
 * SegmentMembershipChange rows of every entry and exit and the segment's size (memberCount, SegmentDailySize):
 * each write below is one statement, so the four never disagree.
 */

/** Which profiles an evaluation covers: a list of ids, or the id range (after, upTo] (upTo null: to the end). */
export type EvaluationScope = { ids: string[] } | { after: string; upTo: string | null };

const ChangeRow = z.object({ id: z.string(), profileId: z.string(), kind: z.enum(["entered", "exited"]) });

/**
 * Applies a compiled evaluation of one dynamic segment to the profiles in `scope`, in one statement: inserts
 * entries, deletes exits, records each entry and exit once (from the rows actually inserted or deleted), stores
 * every profile's next check (members: SegmentMembership.nextCheckAt, non-members: SegmentCheck) and keeps the
 * segment's size and daily counts. Returns the recorded changes in id order.
 */
export function writeEvaluation(
  q: Queryable,
  compiled: CompiledEvaluation,
  segment: { id: string; workspaceId: string },
  scope: EvaluationScope,
  now: Date,
  day: string,
) {
  const params = compiled.params;
  const seg = params.add(segment.id, "uuid");
  const ws = params.add(segment.workspaceId, "uuid");
  const at = params.add(now, "timestamptz");
  let profileScope: string;
  let rowScope: (column: string) => string;
  if ("ids" in scope) {
    const ids = params.add(scope.ids, "uuid[]");
    profileScope = `p.id = ANY(${ids})`;
    rowScope = (column) => `${column} = ANY(${ids})`;
  } else {
    const after = params.add(scope.after, "uuid");
    const upTo = scope.upTo === null ? null : params.add(scope.upTo, "uuid");
    rowScope = (column) => `${column} > ${after}${upTo ? ` AND ${column} <= ${upTo}` : ""}`;
    profileScope = rowScope("p.id");
  }
  const sql = `
WITH ev AS MATERIALIZED (${compiled.select(profileScope)}),
ins AS (
  INSERT INTO "SegmentMembership" ("segmentId", "profileId", "workspaceId", "enteredAt", "nextCheckAt")
  SELECT ${seg}, ev.id, ${ws}, ${at}, ev."nextCheckAt" FROM ev
   WHERE ev.member AND NOT EXISTS (SELECT 1 FROM "SegmentMembership" m WHERE m."segmentId" = ${seg} AND m."profileId" = ev.id)
  ON CONFLICT DO NOTHING
  RETURNING "profileId"),
upd AS (
  UPDATE "SegmentMembership" m SET "nextCheckAt" = ev."nextCheckAt" FROM ev
   WHERE m."segmentId" = ${seg} AND m."profileId" = ev.id AND ev.member AND m."nextCheckAt" IS DISTINCT FROM ev."nextCheckAt"),
del AS (
  DELETE FROM "SegmentMembership" m
   WHERE m."segmentId" = ${seg} AND ${rowScope(`m."profileId"`)}
     AND NOT EXISTS (SELECT 1 FROM ev WHERE ev.id = m."profileId" AND ev.member)
  RETURNING m."profileId"),
chk AS (
  INSERT INTO "SegmentCheck" ("segmentId", "profileId", "workspaceId", "nextCheckAt")
  SELECT ${seg}, ev.id, ${ws}, ev."nextCheckAt" FROM ev WHERE NOT ev.member AND ev."nextCheckAt" IS NOT NULL
  ON CONFLICT ("segmentId", "profileId") DO UPDATE SET "nextCheckAt" = EXCLUDED."nextCheckAt"
   WHERE "SegmentCheck"."nextCheckAt" IS DISTINCT FROM EXCLUDED."nextCheckAt"),
unchk AS (
  DELETE FROM "SegmentCheck" c
   WHERE c."segmentId" = ${seg} AND ${rowScope(`c."profileId"`)}
     AND NOT EXISTS (SELECT 1 FROM ev WHERE ev.id = c."profileId" AND NOT ev.member AND ev."nextCheckAt" IS NOT NULL)),
changes AS (
  INSERT INTO "SegmentMembershipChange" ("workspaceId", "segmentId", "profileId", kind, at)
  SELECT ${ws}, ${seg}, "profileId", 'entered', ${at} FROM ins
  UNION ALL
  SELECT ${ws}, ${seg}, "profileId", 'exited', ${at} FROM del
  RETURNING id, "profileId", kind),
counted AS (SELECT count(*) FILTER (WHERE kind = 'entered')::int AS e, count(*) FILTER (WHERE kind = 'exited')::int AS x FROM changes),
sized AS (
  UPDATE "Segment" s SET "memberCount" = s."memberCount" + c.e - c.x FROM counted c
   WHERE s.id = ${seg} AND c.e + c.x > 0 RETURNING s."memberCount"),
daily AS (
  INSERT INTO "SegmentDailySize" ("segmentId", day, size, entered, exited)
  SELECT ${seg}, ${params.add(day, "date")}, sized."memberCount", c.e, c.x FROM sized, counted c
  ON CONFLICT ("segmentId", day) DO UPDATE SET size = EXCLUDED.size,
     entered = "SegmentDailySize".entered + EXCLUDED.entered, exited = "SegmentDailySize".exited + EXCLUDED.exited)
SELECT id::text, "profileId", kind FROM changes ORDER BY id`;
  return selectRows(q, ChangeRow, sql, params.values);
}

/** Forgets the non-member checks of these people in one segment (the segment is gone: it keeps nobody). */
export async function deleteChecksFor(q: Queryable, segmentId: string, profileIds: string[]): Promise<void> {
  await execute(q, `DELETE FROM "SegmentCheck" WHERE "segmentId" = $1 AND "profileId" = ANY($2::uuid[])`, [
    segmentId,
    profileIds,
  ]);
}

/** Forgets every non-member check of these profiles (merged away: they are evaluated as the person now). */
export async function deleteChecksOfProfiles(q: Queryable, profileIds: string[]): Promise<void> {
  await execute(q, `DELETE FROM "SegmentCheck" WHERE "profileId" = ANY($1::uuid[])`, [profileIds]);
}

const SegmentIdRow = z.object({ segmentId: z.string() });

/** The segments any of these profiles is a member of. */
export async function selectSegmentsWithMembers(q: Queryable, profileIds: string[]): Promise<string[]> {
  const rows = await selectRows(
    q,
    SegmentIdRow,
    `SELECT DISTINCT "segmentId" FROM "SegmentMembership" WHERE "profileId" = ANY($1::uuid[])`,
    [profileIds],
  );
  return rows.map((r) => r.segmentId);
}

const MergeExitRow = z.object({
  id: z.string(),
  profileId: z.string(),
  segmentId: z.string(),
  kind: z.literal("exited"),
});

/**
 * Moves the memberships of merged-away profiles (`fromIds`) to the person each was merged into, keeping when they
 * entered; a membership the person already has (or a second one of the same person) ends instead, recorded as an
 * exit with the sizes kept right. Returns the exits in id order. Call it with the segments involved locked.
 */
export function moveMergedMemberships(q: Queryable, fromIds: string[], workspaceId: string, now: Date, day: string) {
  return selectRows(
    q,
    MergeExitRow,
    `WITH gone AS (
         DELETE FROM "SegmentMembership" m USING "Profile" p
          WHERE p.id = m."profileId" AND m."profileId" = ANY($1::uuid[])
         RETURNING m."segmentId", m."profileId", p."mergedIntoId" AS "into", m."enteredAt", m."nextCheckAt"),
       ranked AS (
         SELECT g.*, row_number() OVER (PARTITION BY g."segmentId", g."into" ORDER BY g."enteredAt", g."profileId") AS rank,
                EXISTS (SELECT 1 FROM "SegmentMembership" t WHERE t."segmentId" = g."segmentId" AND t."profileId" = g."into") AS "intoIsMember"
           FROM gone g),
       moved AS (
         INSERT INTO "SegmentMembership" ("segmentId", "profileId", "workspaceId", "enteredAt", "nextCheckAt")
         SELECT "segmentId", "into", $2, "enteredAt", "nextCheckAt" FROM ranked WHERE rank = 1 AND NOT "intoIsMember"
         ON CONFLICT DO NOTHING RETURNING 1),
       exits AS (
         INSERT INTO "SegmentMembershipChange" ("workspaceId", "segmentId", "profileId", kind, at)
         SELECT $2, "segmentId", "profileId", 'exited', $3 FROM ranked WHERE rank > 1 OR "intoIsMember"
         RETURNING id, "profileId", "segmentId", kind),
       per AS (SELECT "segmentId", count(*)::int AS x FROM exits GROUP BY 1),
       sized AS (UPDATE "Segment" s SET "memberCount" = s."memberCount" - per.x FROM per WHERE s.id = per."segmentId" RETURNING s.id, s."memberCount", per.x),
       daily AS (
         INSERT INTO "SegmentDailySize" ("segmentId", day, size, entered, exited) SELECT id, $4::date, "memberCount", 0, x FROM sized
         ON CONFLICT ("segmentId", day) DO UPDATE SET size = EXCLUDED.size, exited = "SegmentDailySize".exited + EXCLUDED.exited)
       SELECT id::text, "profileId", "segmentId", kind FROM exits ORDER BY id`,
    [fromIds, workspaceId, now, day],
  );
}

const DueCheckRow = z.object({ workspaceId: z.string(), segmentId: z.string(), profileId: z.string() });

/**
 * Claims up to `limit` rows of `table` whose next check passed (SKIP LOCKED: concurrent claims take disjoint sets)
 * by moving their next check to `lease`.
 */
export function claimDueChecks(
  q: Queryable,
  table: "SegmentMembership" | "SegmentCheck",
  claim: { now: Date; limit: number; lease: Date; workspaceId: string | null },
) {
  return selectRows(
    q,
    DueCheckRow,
    `WITH due AS (
           SELECT "segmentId", "profileId" FROM "${table}" WHERE "nextCheckAt" <= $1 AND ($4::uuid IS NULL OR "workspaceId" = $4)
            ORDER BY "nextCheckAt" LIMIT $2 FOR UPDATE SKIP LOCKED)
         UPDATE "${table}" t SET "nextCheckAt" = $3 FROM due WHERE t."segmentId" = due."segmentId" AND t."profileId" = due."profileId"
         RETURNING t."workspaceId", t."segmentId", t."profileId"`,
    [claim.now, claim.limit, claim.lease, claim.workspaceId],
  );
}

// ---------------------------------------------------------------------------------------------------
// Reads for the app

const MemberRow = z.object({
  profileId: z.string(),
  userId: z.string().nullable(),
  email: z.string().nullable(),
  enteredAt: z.date(),
});

/**
 * A page of members, most recent entries first, `limit` rows after the cursor (enteredAt, profileId); `search`
 * matches the start of a user id or email, or a whole profile id.
 */
export function selectMembersPage(
  q: Queryable,
  segmentId: string,
  page: { limit: number; after: { at: Date; id: string } | null; search?: string; searchIsUuid: boolean },
) {
  const params: unknown[] = [segmentId, page.limit];
  const where: string[] = [`m."segmentId" = $1`];
  if (page.after) {
    params.push(page.after.at, page.after.id);
    where.push(`(m."enteredAt", m."profileId") < ($3, $4::uuid)`);
  }
  if (page.search) {
    params.push(`${page.search.replace(/[%_\\]/g, "\\$&")}%`, page.searchIsUuid ? page.search : null);
    const like = `$${params.length - 1}`;
    where.push(`(p."userId" ILIKE ${like} OR p.email ILIKE ${like} OR p.id = $${params.length}::uuid)`);
  }
  return selectRows(
    q,
    MemberRow,
    `SELECT m."profileId", p."userId", p.email, m."enteredAt" FROM "SegmentMembership" m JOIN "Profile" p ON p.id = m."profileId"
      WHERE ${where.join(" AND ")} ORDER BY m."enteredAt" DESC, m."profileId" DESC LIMIT $2`,
    params,
  );
}

const ProfileMembershipRow = z.object({
  segmentId: z.string(),
  name: z.string(),
  kind: z.enum(["dynamic", "manual"]),
  enteredAt: z.date(),
});

/** The live segments of the workspace a profile is a member of, most recent entries first. */
export function selectProfileMemberships(q: Queryable, profileId: string, workspaceId: string) {
  return selectRows(
    q,
    ProfileMembershipRow,
    `SELECT s.id AS "segmentId", s.name, s.kind, m."enteredAt" FROM "SegmentMembership" m JOIN "Segment" s ON s.id = m."segmentId"
      WHERE m."profileId" = $1 AND s."workspaceId" = $2 AND s."archivedAt" IS NULL ORDER BY m."enteredAt" DESC, s.name`,
    [profileId, workspaceId],
  );
}

// ---------------------------------------------------------------------------------------------------
// Manual segments

/** One change, or (id null) the segment's size after the write. */
const ManualWriteRow = z.union([
  z.object({ id: z.string(), profileId: z.string(), kind: z.enum(["entered", "exited"]), memberCount: z.null() }),
  z.object({ id: z.null(), profileId: z.null(), kind: z.null(), memberCount: z.number() }),
]);

/**
 * A manual segment's members from a list of people: adds them, and with `replace` removes everyone else, in one
 * statement that records the entries and exits and keeps the size. Returns the changes in id order and the new
 * memberCount (undefined when the segment row was not updated). Call it with the segment locked.
 */
export async function writeManualMembers(
  q: Queryable,
  write: {
    segmentId: string;
    workspaceId: string;
    profileIds: string[];
    now: Date;
    replace: boolean;
    day: string;
    label: string;
  },
): Promise<{
  changes: { id: string; profileId: string; kind: "entered" | "exited" }[];
  memberCount: number | undefined;
}> {
  const rows = await selectRows(
    q,
    ManualWriteRow,
    `WITH want AS (SELECT DISTINCT unnest($3::uuid[]) AS id),
       ins AS (
         INSERT INTO "SegmentMembership" ("segmentId", "profileId", "workspaceId", "enteredAt")
         SELECT $1, want.id, $2, $4 FROM want ON CONFLICT DO NOTHING RETURNING "profileId"),
       del AS (
         DELETE FROM "SegmentMembership" m WHERE m."segmentId" = $1 AND $5 AND NOT EXISTS (SELECT 1 FROM want WHERE want.id = m."profileId")
         RETURNING m."profileId"),
       changes AS (
         INSERT INTO "SegmentMembershipChange" ("workspaceId", "segmentId", "profileId", kind, at)
         SELECT $2, $1, "profileId", 'entered', $4 FROM ins UNION ALL SELECT $2, $1, "profileId", 'exited', $4 FROM del
         RETURNING id, "profileId", kind),
       counted AS (SELECT count(*) FILTER (WHERE kind = 'entered')::int AS e, count(*) FILTER (WHERE kind = 'exited')::int AS x FROM changes),
       sized AS (UPDATE "Segment" s SET "memberCount" = s."memberCount" + c.e - c.x, "updatedAt" = now(), "updatedByLabel" = $7 FROM counted c WHERE s.id = $1 RETURNING s."memberCount", c.e, c.x),
       daily AS (
         INSERT INTO "SegmentDailySize" ("segmentId", day, size, entered, exited) SELECT $1, $6::date, "memberCount", e, x FROM sized WHERE e + x > 0
         ON CONFLICT ("segmentId", day) DO UPDATE SET size = EXCLUDED.size, entered = "SegmentDailySize".entered + EXCLUDED.entered, exited = "SegmentDailySize".exited + EXCLUDED.exited)
       SELECT id::text, "profileId", kind, NULL::int AS "memberCount" FROM changes
       UNION ALL SELECT NULL, NULL, NULL, "memberCount" FROM sized`,
    [write.segmentId, write.workspaceId, write.profileIds, write.now, write.replace, write.day, write.label],
  );
  const changes: { id: string; profileId: string; kind: "entered" | "exited" }[] = [];
  let memberCount: number | undefined;
  for (const r of rows) {
    if (r.id === null) memberCount = r.memberCount;
    else changes.push({ id: r.id, profileId: r.profileId, kind: r.kind });
  }
  return { changes, memberCount };
}
