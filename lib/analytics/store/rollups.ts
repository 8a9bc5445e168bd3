import { z } from "zod";
import { execute, type Queryable, selectRow, selectRows } from "../../db/sql";

/**
 * The SQL of the analytics rollups (lib/analytics/rollups.ts says which partitions are recomputed when, and why a
 * recompute is exact). Each recompute statement replaces one rollup table's rows of a workspace for a range of UTC
 * days [from, to) in one statement: upsert the fresh counts (writing only the rows whose values changed), delete
 * the rows that no longer exist.
 */

const LOCK_SEED = 7303; // pg_advisory_xact_lock(hashtextextended(key, seed)): enroll 7301, delivery 7302

/** The recomputed tables, in the order a rebuild trims them. */
export const ROLLUP_TABLES = [
  "AnalyticsJourneyDay",
  "AnalyticsNodeDay",
  "AnalyticsEdgeDay",
  "AnalyticsMessageDay",
] as const;

const IdRow = z.object({ id: z.string() });

/** Serialises analytics work on a workspace until `q`'s transaction ends. */
export async function lockWorkspaceAnalytics(q: Queryable, workspaceId: string): Promise<void> {
  await execute(q, `SELECT pg_advisory_xact_lock(hashtextextended($1, ${LOCK_SEED}))`, [`analytics:${workspaceId}`]);
}

export async function selectWorkspaceJourneyIds(q: Queryable, workspaceId: string): Promise<string[]> {
  const rows = await selectRows(q, IdRow, `SELECT id FROM "Journey" WHERE "workspaceId" = $1 ORDER BY id`, [
    workspaceId,
  ]);
  return rows.map((r) => r.id);
}

/** AnalyticsJourneyDay: entries, endings by status, conversions, orders and revenue per journey and day. */
export async function recomputeJourneyDays(
  q: Queryable,
  workspaceId: string,
  journeyIds: string[],
  from: Date,
  to: Date,
): Promise<void> {
  // Each source is grouped before the union, so the union is small.
  await execute(
    q,
    `WITH fresh AS (
       SELECT "journeyId", day, sum(entered)::int AS entered, sum(completed)::int AS completed, sum(exited)::int AS exited,
              sum(failed)::int AS failed, sum(converted)::int AS converted, sum(orders)::int AS orders, sum(revenue)::numeric(18, 4) AS revenue
         FROM (
           SELECT "journeyId", ("enteredAt" AT TIME ZONE 'UTC')::date AS day, count(*) AS entered, 0 AS completed, 0 AS exited, 0 AS failed, 0 AS converted,
                  0 AS orders, 0::numeric AS revenue
             FROM "Enrollment" WHERE "journeyId" = ANY($2::uuid[]) AND "enteredAt" >= $3 AND "enteredAt" < $4 GROUP BY 1, 2
           UNION ALL
           SELECT "journeyId", ("endedAt" AT TIME ZONE 'UTC')::date, 0, count(*) FILTER (WHERE status = 'COMPLETED'),
                  count(*) FILTER (WHERE status = 'EXITED'), count(*) FILTER (WHERE status = 'FAILED'), 0, 0, 0
             FROM "Enrollment" WHERE "journeyId" = ANY($2::uuid[]) AND "endedAt" >= $3 AND "endedAt" < $4 GROUP BY 1, 2
           UNION ALL
           -- orders: conversions with a revenue (null: the journey has no revenue property, so not an order)
           SELECT "journeyId", ("convertedAt" AT TIME ZONE 'UTC')::date, 0, 0, 0, 0, count(*), count(revenue), COALESCE(sum(revenue), 0)
             FROM "Conversion" WHERE "journeyId" = ANY($2::uuid[]) AND "convertedAt" >= $3 AND "convertedAt" < $4 GROUP BY 1, 2
         ) s GROUP BY 1, 2
     ), upserted AS (
       INSERT INTO "AnalyticsJourneyDay" ("workspaceId", "journeyId", day, entered, completed, exited, failed, converted, orders, revenue)
       SELECT $1, "journeyId", day, entered, completed, exited, failed, converted, orders, revenue FROM fresh ORDER BY 2, 3
       ON CONFLICT ("journeyId", day) DO UPDATE SET entered = excluded.entered, completed = excluded.completed, exited = excluded.exited,
              failed = excluded.failed, converted = excluded.converted, orders = excluded.orders, revenue = excluded.revenue
        WHERE ("AnalyticsJourneyDay".entered, "AnalyticsJourneyDay".completed, "AnalyticsJourneyDay".exited, "AnalyticsJourneyDay".failed, "AnalyticsJourneyDay".converted,
               "AnalyticsJourneyDay".orders, "AnalyticsJourneyDay".revenue)
              IS DISTINCT FROM (excluded.entered, excluded.completed, excluded.exited, excluded.failed, excluded.converted, excluded.orders, excluded.revenue)
     )
     DELETE FROM "AnalyticsJourneyDay" a
      WHERE a."workspaceId" = $1 AND a.day >= ($3::timestamptz AT TIME ZONE 'UTC')::date AND a.day < ($4::timestamptz AT TIME ZONE 'UTC')::date
        AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f."journeyId" = a."journeyId" AND f.day = a.day)`,
    [workspaceId, journeyIds, from, to],
  );
}

/** AnalyticsNodeDay: visits per node and day, and conversions that day of people who had passed the node (any visit). */
export async function recomputeNodeDays(
  q: Queryable,
  workspaceId: string,
  journeyIds: string[],
  from: Date,
  to: Date,
): Promise<void> {
  await execute(
    q,
    `WITH fresh AS (
       SELECT "journeyId", day, "nodeId", sum(entered)::int AS entered, sum(converted)::int AS converted
         FROM (
           SELECT "journeyId", ("enteredAt" AT TIME ZONE 'UTC')::date AS day, "nodeId", count(*) AS entered, 0 AS converted
             FROM "EnrollmentStep" WHERE "journeyId" = ANY($2::uuid[]) AND "enteredAt" >= $3 AND "enteredAt" < $4 GROUP BY 1, 2, 3
           UNION ALL
           SELECT c."journeyId", (c."convertedAt" AT TIME ZONE 'UTC')::date, s."nodeId", 0, count(DISTINCT c."enrollmentId")
             FROM "Conversion" c JOIN "EnrollmentStep" s ON s."enrollmentId" = c."enrollmentId"
            WHERE c."journeyId" = ANY($2::uuid[]) AND c."convertedAt" >= $3 AND c."convertedAt" < $4 GROUP BY 1, 2, 3
         ) s GROUP BY 1, 2, 3
     ), upserted AS (
       INSERT INTO "AnalyticsNodeDay" ("workspaceId", "journeyId", day, "nodeId", entered, converted)
       SELECT $1, "journeyId", day, "nodeId", entered, converted FROM fresh ORDER BY 2, 3, 4
       ON CONFLICT ("journeyId", day, "nodeId") DO UPDATE SET entered = excluded.entered, converted = excluded.converted
        WHERE ("AnalyticsNodeDay".entered, "AnalyticsNodeDay".converted) IS DISTINCT FROM (excluded.entered, excluded.converted)
     )
     DELETE FROM "AnalyticsNodeDay" a
      WHERE a."workspaceId" = $1 AND a.day >= ($3::timestamptz AT TIME ZONE 'UTC')::date AND a.day < ($4::timestamptz AT TIME ZONE 'UTC')::date
        AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f."journeyId" = a."journeyId" AND f.day = a.day AND f."nodeId" = a."nodeId")`,
    [workspaceId, journeyIds, from, to],
  );
}

/**
 * AnalyticsEdgeDay: visits that came along an edge of the enrollment's own version (the step it left, through that
 * exit, leads here), and conversions that day by people who reached the target that way. Acyclic graphs visit a
 * node once per enrollment, so "some step of this enrollment left through an edge into the node" is "reached it
 * along that edge". A goal step a goal event jumped someone to (lib/engine/process-events.ts) has no such step.
 * The versions' edges are a few rows per version; each visit costs its enrollment's primary key and one probe of
 * EnrollmentStep(enrollmentId, nodeId, visit) per edge into its node.
 */
export async function recomputeEdgeDays(
  q: Queryable,
  workspaceId: string,
  journeyIds: string[],
  from: Date,
  to: Date,
): Promise<void> {
  await execute(
    q,
    `WITH edges AS MATERIALIZED (
       SELECT v.id AS "versionId", x ->> 'source' AS source, COALESCE(x ->> 'branch', 'next') AS branch, x ->> 'target' AS target
         FROM "JourneyVersion" v CROSS JOIN LATERAL jsonb_array_elements(COALESCE(v.graph -> 'edges', '[]'::jsonb)) x
        WHERE v."journeyId" = ANY($2::uuid[])
     ), fresh AS (
       SELECT "journeyId", day, source, branch, target, sum(entered)::int AS entered, sum(converted)::int AS converted
         FROM (
           SELECT s."journeyId", (s."enteredAt" AT TIME ZONE 'UTC')::date AS day, g.source, g.branch, g.target, count(*) AS entered, 0 AS converted
             FROM "EnrollmentStep" s
             JOIN "Enrollment" e ON e.id = s."enrollmentId"
             JOIN edges g ON g."versionId" = e."journeyVersionId" AND g.target = s."nodeId"
            WHERE s."journeyId" = ANY($2::uuid[]) AND s."enteredAt" >= $3 AND s."enteredAt" < $4
              AND EXISTS (SELECT 1 FROM "EnrollmentStep" p WHERE p."enrollmentId" = s."enrollmentId" AND p."nodeId" = g.source AND p.exit = g.branch)
            GROUP BY 1, 2, 3, 4, 5
           UNION ALL
           SELECT c."journeyId", (c."convertedAt" AT TIME ZONE 'UTC')::date, g.source, g.branch, g.target, 0, count(DISTINCT c."enrollmentId")
             FROM "Conversion" c
             JOIN "Enrollment" e ON e.id = c."enrollmentId"
             JOIN edges g ON g."versionId" = e."journeyVersionId"
            WHERE c."journeyId" = ANY($2::uuid[]) AND c."convertedAt" >= $3 AND c."convertedAt" < $4
              AND EXISTS (SELECT 1 FROM "EnrollmentStep" t WHERE t."enrollmentId" = c."enrollmentId" AND t."nodeId" = g.target)
              AND EXISTS (SELECT 1 FROM "EnrollmentStep" p WHERE p."enrollmentId" = c."enrollmentId" AND p."nodeId" = g.source AND p.exit = g.branch)
            GROUP BY 1, 2, 3, 4, 5
         ) s GROUP BY 1, 2, 3, 4, 5
     ), upserted AS (
       INSERT INTO "AnalyticsEdgeDay" ("workspaceId", "journeyId", day, source, branch, target, entered, converted)
       SELECT $1, "journeyId", day, source, branch, target, entered, converted FROM fresh ORDER BY 2, 3, 4, 5, 6
       ON CONFLICT ("journeyId", day, source, branch, target) DO UPDATE SET entered = excluded.entered, converted = excluded.converted
        WHERE ("AnalyticsEdgeDay".entered, "AnalyticsEdgeDay".converted) IS DISTINCT FROM (excluded.entered, excluded.converted)
     )
     DELETE FROM "AnalyticsEdgeDay" a
      WHERE a."workspaceId" = $1 AND a.day >= ($3::timestamptz AT TIME ZONE 'UTC')::date AND a.day < ($4::timestamptz AT TIME ZONE 'UTC')::date
        AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f."journeyId" = a."journeyId" AND f.day = a.day AND f.source = a.source AND f.branch = a.branch AND f.target = a.target)`,
    [workspaceId, journeyIds, from, to],
  );
}

/**
 * AnalyticsMessageDay, per (journey, node, channel) and day: each message counted once per stage, on the day it
 * reached it. sent and opened are the message's own timestamps (sentAt: an in-app message is sent and delivered in
 * one go, with only a "delivered" row; openedAt: set by an open, a click, which implies one, or an inbox read),
 * found through the timeline rows written with them. The other stages are the message's first timeline row of that
 * type, so a message clicked on two days (or unsubscribed twice) counts once.
 */
export async function recomputeMessageDays(
  q: Queryable,
  workspaceId: string,
  journeyIds: string[],
  from: Date,
  to: Date,
): Promise<void> {
  await execute(
    q,
    `WITH ev AS MATERIALIZED (
       SELECT "messageId", type, at FROM "MessageEvent" WHERE "workspaceId" = $1 AND at >= $2 AND at < $3
     ), firsts AS (
       SELECT d."messageId", d.type, d.at
         FROM (SELECT "messageId", type, min(at) AS at FROM ev
                WHERE type IN ('delivered', 'clicked', 'bounced', 'failed', 'suppressed', 'unsubscribed', 'complained') GROUP BY 1, 2) d
        WHERE NOT EXISTS (SELECT 1 FROM "MessageEvent" p WHERE p."messageId" = d."messageId" AND p.type = d.type AND p.at < $2)
     ), stamped AS (
       SELECT m.id AS "messageId", 'sent' AS type, m."sentAt" AS at FROM "Message" m
        WHERE m.id IN (SELECT "messageId" FROM ev WHERE type IN ('sent', 'delivered')) AND m."sentAt" >= $2 AND m."sentAt" < $3
       UNION ALL
       SELECT m.id, 'opened', m."openedAt" FROM "Message" m
        WHERE m.id IN (SELECT "messageId" FROM ev WHERE type IN ('opened', 'clicked')) AND m."openedAt" >= $2 AND m."openedAt" < $3
     ), facts AS (
       SELECT "messageId", type, at FROM firsts
       UNION ALL SELECT "messageId", type, at FROM stamped
       UNION ALL SELECT id, 'queued', "createdAt" FROM "Message" WHERE "workspaceId" = $1 AND "createdAt" >= $2 AND "createdAt" < $3
     ), stages AS (
       SELECT (f.at AT TIME ZONE 'UTC')::date AS day, COALESCE(m."journeyId"::text, '') AS "journeyId", COALESCE(m."nodeId", '') AS "nodeId", m.channel,
              count(*) FILTER (WHERE f.type = 'queued') AS queued, count(*) FILTER (WHERE f.type = 'sent') AS sent,
              count(*) FILTER (WHERE f.type = 'delivered') AS delivered, count(*) FILTER (WHERE f.type = 'opened') AS opened,
              count(*) FILTER (WHERE f.type = 'clicked') AS clicked, count(*) FILTER (WHERE f.type = 'bounced') AS bounced,
              count(*) FILTER (WHERE f.type = 'failed') AS failed, count(*) FILTER (WHERE f.type = 'suppressed') AS suppressed,
              count(*) FILTER (WHERE f.type = 'unsubscribed') AS unsubscribed, count(*) FILTER (WHERE f.type = 'complained') AS complained,
              0 AS conversions, 0 AS orders, 0::numeric AS revenue
         FROM facts f JOIN "Message" m ON m.id = f."messageId"
        GROUP BY 1, 2, 3, 4
       UNION ALL
       -- conversions attributed to a message (the last one the person was sent in the journey before converting,
       -- chosen when the conversion was recorded), on the conversion's day: a day's conversions, each joined by
       -- the message's primary key
       SELECT (c."convertedAt" AT TIME ZONE 'UTC')::date, COALESCE(m."journeyId"::text, ''), COALESCE(m."nodeId", ''), m.channel,
              0, 0, 0, 0, 0, 0, 0, 0, 0, 0, count(*), count(c.revenue), COALESCE(sum(c.revenue), 0)
         FROM "Conversion" c JOIN "Message" m ON m.id = c."messageId"
        WHERE c."journeyId" = ANY($4::uuid[]) AND c."convertedAt" >= $2 AND c."convertedAt" < $3
        GROUP BY 1, 2, 3, 4
     ), fresh AS (
       SELECT day, "journeyId", "nodeId", channel, sum(queued)::int AS queued, sum(sent)::int AS sent, sum(delivered)::int AS delivered,
              sum(opened)::int AS opened, sum(clicked)::int AS clicked, sum(bounced)::int AS bounced, sum(failed)::int AS failed,
              sum(suppressed)::int AS suppressed, sum(unsubscribed)::int AS unsubscribed, sum(complained)::int AS complained,
              sum(conversions)::int AS conversions, sum(orders)::int AS orders, sum(revenue)::numeric(18, 4) AS revenue
         FROM stages GROUP BY 1, 2, 3, 4
     ), upserted AS (
       INSERT INTO "AnalyticsMessageDay" ("workspaceId", day, "journeyId", "nodeId", channel, queued, sent, delivered, opened, clicked, bounced, failed, suppressed,
              unsubscribed, complained, conversions, orders, revenue)
       SELECT $1, day, "journeyId", "nodeId", channel, queued, sent, delivered, opened, clicked, bounced, failed, suppressed, unsubscribed, complained,
              conversions, orders, revenue
         FROM fresh ORDER BY 2, 3, 4, 5
       ON CONFLICT ("workspaceId", day, "journeyId", "nodeId", channel) DO UPDATE SET queued = excluded.queued, sent = excluded.sent,
              delivered = excluded.delivered, opened = excluded.opened, clicked = excluded.clicked, bounced = excluded.bounced, failed = excluded.failed,
              suppressed = excluded.suppressed, unsubscribed = excluded.unsubscribed, complained = excluded.complained,
              conversions = excluded.conversions, orders = excluded.orders, revenue = excluded.revenue
        WHERE ("AnalyticsMessageDay".queued, "AnalyticsMessageDay".sent, "AnalyticsMessageDay".delivered, "AnalyticsMessageDay".opened, "AnalyticsMessageDay".clicked,
               "AnalyticsMessageDay".bounced, "AnalyticsMessageDay".failed, "AnalyticsMessageDay".suppressed, "AnalyticsMessageDay".unsubscribed, "AnalyticsMessageDay".complained,
               "AnalyticsMessageDay".conversions, "AnalyticsMessageDay".orders, "AnalyticsMessageDay".revenue)
              IS DISTINCT FROM (excluded.queued, excluded.sent, excluded.delivered, excluded.opened, excluded.clicked, excluded.bounced, excluded.failed,
               excluded.suppressed, excluded.unsubscribed, excluded.complained, excluded.conversions, excluded.orders, excluded.revenue)
     )
     DELETE FROM "AnalyticsMessageDay" a
      WHERE a."workspaceId" = $1 AND a.day >= ($2::timestamptz AT TIME ZONE 'UTC')::date AND a.day < ($3::timestamptz AT TIME ZONE 'UTC')::date
        AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.day = a.day AND f."journeyId" = a."journeyId" AND f."nodeId" = a."nodeId" AND f.channel = a.channel)`,
    [workspaceId, from, to, journeyIds],
  );
}

const DayRow = z.object({ day: z.string() });

/** ISO days in [from, before) whose conversion count per journey differs between Conversion and AnalyticsJourneyDay. */
export async function selectDaysWithConversionDrift(
  q: Queryable,
  workspaceId: string,
  journeyIds: string[],
  from: Date,
  before: Date,
): Promise<string[]> {
  const rows = await selectRows(
    q,
    DayRow,
    `WITH raw AS (
       SELECT "journeyId", ("convertedAt" AT TIME ZONE 'UTC')::date AS day, count(*)::int AS n
         FROM "Conversion" WHERE "journeyId" = ANY($2::uuid[]) AND "convertedAt" >= $3 AND "convertedAt" < $4 GROUP BY 1, 2
     ), rolled AS (
       SELECT "journeyId", day, converted AS n FROM "AnalyticsJourneyDay"
        WHERE "workspaceId" = $1 AND day >= ($3::timestamptz AT TIME ZONE 'UTC')::date AND day < ($4::timestamptz AT TIME ZONE 'UTC')::date AND converted > 0
     )
     SELECT DISTINCT to_char(COALESCE(raw.day, rolled.day), 'YYYY-MM-DD') AS day
       FROM raw FULL JOIN rolled ON rolled."journeyId" = raw."journeyId" AND rolled.day = raw.day
      WHERE raw.n IS DISTINCT FROM rolled.n`,
    [workspaceId, journeyIds, from, before],
  );
  return rows.map((r) => r.day);
}

const CursorRow = z.object({ catchUpCursor: z.number() });

/** The workspace's catch-up cursor, or undefined before its first run. */
export async function selectCatchUpCursor(q: Queryable, workspaceId: string): Promise<number | undefined> {
  const row = await selectRow(
    q,
    CursorRow,
    `SELECT "catchUpCursor" FROM "AnalyticsRollupState" WHERE "workspaceId" = $1`,
    [workspaceId],
  );
  return row?.catchUpCursor;
}

export async function upsertRollupRun(
  q: Queryable,
  workspaceId: string,
  at: Date,
  catchUpCursor: number,
): Promise<void> {
  await execute(
    q,
    `INSERT INTO "AnalyticsRollupState" ("workspaceId", "lastRunAt", "catchUpCursor") VALUES ($1, $2, $3)
       ON CONFLICT ("workspaceId") DO UPDATE SET "lastRunAt" = excluded."lastRunAt", "catchUpCursor" = excluded."catchUpCursor"`,
    [workspaceId, at, catchUpCursor],
  );
}

export async function upsertRollupRebuild(q: Queryable, workspaceId: string, at: Date): Promise<void> {
  await execute(
    q,
    `INSERT INTO "AnalyticsRollupState" ("workspaceId", "lastRunAt", "rebuiltAt") VALUES ($1, $2, $2)
       ON CONFLICT ("workspaceId") DO UPDATE SET "lastRunAt" = excluded."lastRunAt", "rebuiltAt" = excluded."rebuiltAt"`,
    [workspaceId, at],
  );
}

const AnyRow = z.object({});

/** Whether the workspace has been rolled up (or rebuilt) before. */
export async function hasRollupState(q: Queryable, workspaceId: string): Promise<boolean> {
  const rows = await selectRows(q, AnyRow, `SELECT 1 FROM "AnalyticsRollupState" WHERE "workspaceId" = $1`, [
    workspaceId,
  ]);
  return rows.length > 0;
}

/** The workspace a slug names (for `npm run analytics:rebuild -- <slug>`), or undefined. */
export async function selectWorkspaceIdBySlug(q: Queryable, slug: string): Promise<string | undefined> {
  return (await selectRow(q, IdRow, `SELECT id FROM "Workspace" WHERE slug = $1`, [slug]))?.id;
}

export async function selectWorkspaceIds(q: Queryable): Promise<string[]> {
  const rows = await selectRows(q, IdRow, `SELECT id FROM "Workspace" ORDER BY id`);
  return rows.map((r) => r.id);
}

const WorkspaceRow = z.object({ id: z.string(), slug: z.string() });

/** One workspace (by id) or all of them, in id order. */
export async function selectWorkspacesToRebuild(
  q: Queryable,
  workspaceId?: string,
): Promise<{ id: string; slug: string }[]> {
  return selectRows(
    q,
    WorkspaceRow,
    `SELECT id, slug FROM "Workspace" ${workspaceId ? `WHERE id = $1` : ""} ORDER BY id`,
    workspaceId ? [workspaceId] : [],
  );
}

const BoundsRow = z.object({ first: z.date().nullable(), last: z.date().nullable() });

/** The earliest and latest timestamps of the raw rows the rollups count, for the workspace (null: none). */
export async function selectRawDataBounds(
  q: Queryable,
  workspaceId: string,
  journeyIds: string[],
): Promise<{ first: Date | null; last: Date | null } | undefined> {
  return selectRow(
    q,
    BoundsRow,
    `WITH b AS (
         SELECT min("enteredAt") AS lo, max(GREATEST("enteredAt", "endedAt")) AS hi FROM "Enrollment" WHERE "journeyId" = ANY($2::uuid[])
         UNION ALL SELECT min("enteredAt"), max("enteredAt") FROM "EnrollmentStep" WHERE "journeyId" = ANY($2::uuid[])
         UNION ALL SELECT min("convertedAt"), max("convertedAt") FROM "Conversion" WHERE "journeyId" = ANY($2::uuid[])
         UNION ALL SELECT min("createdAt"), max("createdAt") FROM "Message" WHERE "workspaceId" = $1
         UNION ALL SELECT min(at), max(at) FROM "MessageEvent" WHERE "workspaceId" = $1
       ) SELECT min(lo) AS first, max(hi) AS last FROM b`,
    [workspaceId, journeyIds],
  );
}

/** Deletes `table`'s rows of the workspace outside the UTC days [from, to). */
export async function deleteRollupRowsOutside(
  q: Queryable,
  table: (typeof ROLLUP_TABLES)[number],
  workspaceId: string,
  from: Date,
  to: Date,
): Promise<void> {
  await execute(
    q,
    `DELETE FROM "${table}" WHERE "workspaceId" = $1 AND (day < ($2::timestamptz AT TIME ZONE 'UTC')::date OR day >= ($3::timestamptz AT TIME ZONE 'UTC')::date)`,
    [workspaceId, from, to],
  );
}
