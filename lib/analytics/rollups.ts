import type pg from "pg";
import { pgPool, withTransaction } from "../db/pool";

/**
 * The analytics rollups: daily counts that the dashboards read instead of raw rows (lib/analytics/dashboards.ts).
 *
 *   AnalyticsJourneyDay  (journey, day)                      entered, completed, exited, failed, converted,
 *                                                            orders, revenue (Conversion.revenue, Decimal)
 *   AnalyticsNodeDay     (journey, day, node)                entered, converted (of people who passed the node)
 *   AnalyticsEdgeDay     (journey, day, source, branch, target)
 *                                                            entered (visits of target along that edge), converted
 *   AnalyticsMessageDay  (workspace, day, journey, node, channel)
 *                                                            queued, sent, delivered, opened, clicked, bounced,
 *                                                            failed, suppressed, unsubscribed, complained;
 *                                                            conversions, orders, revenue attributed to the
 *                                                            messages (Conversion.messageId, conversion's day)
 *   (events per day are EventVolume, kept by the ingest rollup, lib/ingest/rollup.ts)
 *
 * Every count is a COUNT over raw rows whose own timestamp falls on that UTC day: Enrollment.enteredAt,
 * Enrollment.endedAt (by final status), Conversion.convertedAt, EnrollmentStep.enteredAt, Message.createdAt,
 * Message.sentAt, Message.openedAt, and the first MessageEvent of each other type for a message. So a (workspace, day) partition is
 * a pure function of the raw rows, and **recomputing a partition is exact**: it is replaced as a whole (upsert
 * the fresh rows, delete the ones that no longer exist) in one transaction, so it never double counts, never
 * mixes old and new, and a rerun changes nothing. Incremental maintenance is then only a question of *which*
 * partitions can have changed since they were last computed:
 *
 * 1. **Today and yesterday (UTC), every run** (and tomorrow, for clocks a little ahead). Cairn stamps the
 *    rows it writes with its own clock at the moment it writes them: the engine's enteredAt, endedAt and step
 *    times, the delivery code's createdAt, sentAt and timeline times, opens and clicks. Such a row therefore
 *    falls in today's partition, or yesterday's if its transaction straddled midnight, and both are
 *    recomputed on every run until the day after: it is counted at the next run (within a minute on
 *    Inngest, 30 s on the embedded executor). An event (or a provider report) that arrives late but is dated
 *    yesterday lands in yesterday's partition, which is still being recomputed.
 *
 * 2. **Conversions on older days, checked every run.** A conversion carries the goal event's own timestamp,
 *    which the customer's app may send days late (offline mobile clients). Conversion rows are only ever
 *    inserted, so for the last CONVERSION_CHECK_DAYS days each run compares the raw count per (journey, day)
 *    (an index-only count on Conversion(journeyId, convertedAt)) with the rollup's, and recomputes the days
 *    that differ. A late conversion therefore shows at the next run too, on its own day.
 *
 *    A conversion that comes days after the visit: per-node conversions are counted on the conversion's day
 *    ("conversions that day by people who had passed this node"), not on the visit's, so the visit's old
 *    partition never needs to change; the conversion falls in today's. Conversion per node over a range is
 *    then the conversions in the range by people who passed the node, over the node's visits in the range.
 *
 * 3. **A catch-up sweep** for anything else that can reach an older day: a provider's delivery report dated
 *    more than a day back, a status changed by hand in the database. Each run also recomputes one older day,
 *    cycling through the CATCH_UP_DAYS before yesterday (AnalyticsRollupState.catchUpCursor), so such a
 *    change shows within CATCH_UP_DAYS runs. Older than that: `npm run analytics:rebuild`, which recomputes
 *    every partition from the raw tables (rebuildAnalytics). The cron's first run for a workspace is such a
 *    rebuild too, so a database with data from before the rollups existed needs no manual step.
 *
 * Concurrency: one transaction per workspace and run, under a transaction-scoped advisory lock per workspace,
 * so the cron, a second app instance and a rebuild never interleave on a workspace's partitions. Upserts use
 * ON CONFLICT … DO UPDATE … WHERE the values changed, so an unchanged partition writes nothing. The recompute
 * queries read the raw tables through indexes on (journeyId, enteredAt), (journeyId, endedAt),
 * (journeyId, convertedAt), (workspaceId, createdAt) and (workspaceId, at): a day costs the rows of that day.
 */

export const CONVERSION_CHECK_DAYS = 35;
export const CATCH_UP_DAYS = 35;
const DAY_MS = 86_400_000;
const LOCK_SEED = 7303; // pg_advisory_xact_lock(hashtextextended(key, seed)): enroll 7301, delivery 7302

export function startOfUtcDay(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

export function addDays(day: Date, days: number): Date {
  return new Date(day.getTime() + days * DAY_MS);
}

export function isoDay(day: Date): string {
  return day.toISOString().slice(0, 10);
}

/** Half-open ranges of UTC days [from, to), merged where they touch. */
export interface DayRange {
  from: Date;
  to: Date;
}

export function mergeRanges(ranges: DayRange[]): DayRange[] {
  const sorted = [...ranges].filter((r) => r.from < r.to).sort((a, b) => a.from.getTime() - b.from.getTime());
  const merged: DayRange[] = [];
  for (const r of sorted) {
    const last = merged.at(-1);
    if (last && r.from <= last.to) last.to = new Date(Math.max(last.to.getTime(), r.to.getTime()));
    else merged.push({ from: new Date(r.from), to: new Date(r.to) });
  }
  return merged;
}

async function lockWorkspace(client: pg.PoolClient, workspaceId: string): Promise<void> {
  await client.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, ${LOCK_SEED}))`, [`analytics:${workspaceId}`]);
}

async function journeyIdsOf(client: pg.PoolClient, workspaceId: string): Promise<string[]> {
  const { rows } = await client.query<{ id: string }>(`SELECT id FROM "Journey" WHERE "workspaceId" = $1 ORDER BY id`, [
    workspaceId,
  ]);
  return rows.map((r) => r.id);
}

/**
 * Recomputes every partition of `workspaceId` in [from, to) (UTC days) from the raw tables. The caller holds
 * the workspace's lock, in `client`'s transaction.
 */
export async function recomputeDays(
  client: pg.PoolClient,
  workspaceId: string,
  journeyIds: string[],
  range: DayRange,
): Promise<void> {
  const params = [workspaceId, journeyIds, range.from, range.to];

  // Per journey and day. Each source is grouped before the union, so the union is small.
  await client.query(
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
    params,
  );

  // Per node and day: visits, and conversions that day of people who had passed the node (any visit).
  await client.query(
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
    params,
  );

  // Per edge and day: visits that came along an edge of the enrollment's own version (the step it left, through
  // that exit, leads here), and conversions that day by people who reached the target that way. Acyclic graphs
  // visit a node once per enrollment, so "some step of this enrollment left through an edge into the node" is
  // "reached it along that edge". A goal step a goal event jumped someone to (lib/engine/process-events.ts) has
  // no such step. The versions' edges are a few rows per version; each visit costs its enrollment's primary
  // key and one probe of EnrollmentStep(enrollmentId, nodeId, visit) per edge into its node.
  await client.query(
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
    params,
  );

  // Per (journey, node, channel) and day: each message counted once per stage, on the day it reached it.
  // sent and opened are the message's own timestamps (sentAt: an in-app message is sent and delivered in one
  // go, with only a "delivered" row; openedAt: set by an open, a click, which implies one, or an inbox read),
  // found through the timeline rows written with them. The other stages are the message's first timeline row
  // of that type, so a message clicked on two days (or unsubscribed twice) counts once.
  await client.query(
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
    [workspaceId, range.from, range.to, journeyIds],
  );
}

/** Days before `before` (within the check window) whose conversion counts differ between the raw table and the rollup. */
async function daysWithNewConversions(
  client: pg.PoolClient,
  workspaceId: string,
  journeyIds: string[],
  from: Date,
  before: Date,
): Promise<Date[]> {
  if (!journeyIds.length) return [];
  const { rows } = await client.query<{ day: string }>(
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
  return rows.map((r) => new Date(`${r.day}T00:00:00Z`));
}

export interface WorkspaceRollupResult {
  workspaceId: string;
  /** the day ranges recomputed, as ISO days [from, to) */
  recomputed: { from: string; to: string }[];
}

/**
 * One incremental run for one workspace, at `now` (see the file's comment for which partitions and why),
 * in one transaction.
 */
export async function rollupWorkspace(workspaceId: string, now: Date = new Date()): Promise<WorkspaceRollupResult> {
  return withTransaction(async (client) => {
    await lockWorkspace(client, workspaceId);
    const journeyIds = await journeyIdsOf(client, workspaceId);
    const { rows: stateRows } = await client.query<{ catchUpCursor: number }>(
      `SELECT "catchUpCursor" FROM "AnalyticsRollupState" WHERE "workspaceId" = $1`,
      [workspaceId],
    );
    const cursor = stateRows[0]?.catchUpCursor ?? 0;

    const today = startOfUtcDay(now);
    const windowStart = addDays(today, -1);
    const ranges: DayRange[] = [{ from: windowStart, to: addDays(today, 2) }];
    const catchUpDay = addDays(windowStart, -1 - (cursor % CATCH_UP_DAYS));
    ranges.push({ from: catchUpDay, to: addDays(catchUpDay, 1) });
    for (const day of await daysWithNewConversions(
      client,
      workspaceId,
      journeyIds,
      addDays(windowStart, -CONVERSION_CHECK_DAYS),
      windowStart,
    )) {
      ranges.push({ from: day, to: addDays(day, 1) });
    }

    const merged = mergeRanges(ranges);
    for (const range of merged) await recomputeDays(client, workspaceId, journeyIds, range);
    await client.query(
      `INSERT INTO "AnalyticsRollupState" ("workspaceId", "lastRunAt", "catchUpCursor") VALUES ($1, $2, $3)
       ON CONFLICT ("workspaceId") DO UPDATE SET "lastRunAt" = excluded."lastRunAt", "catchUpCursor" = excluded."catchUpCursor"`,
      [workspaceId, now, (cursor + 1) % CATCH_UP_DAYS],
    );
    return { workspaceId, recomputed: merged.map((r) => ({ from: isoDay(r.from), to: isoDay(r.to) })) };
  });
}

/**
 * The cron's work for one workspace: the incremental run, or, the first time (no AnalyticsRollupState row: a
 * workspace whose data predates the rollups, or a new one), a rebuild of all its days, so that upgrading an
 * installation needs no manual step. A new workspace's rebuild is a few empty days.
 */
export async function rollupOrRebuildWorkspace(
  workspaceId: string,
  now: Date = new Date(),
): Promise<"incremental" | "rebuilt"> {
  const { rows } = await pgPool().query(`SELECT 1 FROM "AnalyticsRollupState" WHERE "workspaceId" = $1`, [workspaceId]);
  if (rows.length) {
    await rollupWorkspace(workspaceId, now);
    return "incremental";
  }
  await rebuildAnalytics({ workspaceId, now });
  return "rebuilt";
}

/**
 * The cron's work: every workspace, one transaction each (rollupOrRebuildWorkspace). A workspace that fails
 * does not hold up the others; the run then throws (so it is retried and shows as failed) after trying them all.
 */
export async function rollupAnalytics(now: Date = new Date()): Promise<{ workspaces: number; rebuilt: number }> {
  const { rows } = await pgPool().query<{ id: string }>(`SELECT id FROM "Workspace" ORDER BY id`);
  const failed: string[] = [];
  let rebuilt = 0;
  for (const { id } of rows) {
    try {
      if ((await rollupOrRebuildWorkspace(id, now)) === "rebuilt") rebuilt++;
    } catch (error) {
      console.error(`[cairn] analytics rollup of workspace ${id} failed:`, error);
      failed.push(id);
    }
  }
  if (failed.length)
    throw new Error(
      `analytics rollup failed for ${failed.length} of ${rows.length} workspaces (${failed.join(", ")}); see the log`,
    );
  return { workspaces: rows.length, rebuilt };
}

export interface RebuildOptions {
  /** only this workspace (default: all) */
  workspaceId?: string;
  now?: Date;
  /** days recomputed per transaction */
  chunkDays?: number;
  onProgress?: (message: string) => void;
}

/**
 * Recomputes every partition from the raw tables: from the earliest day any raw row of the workspace falls
 * on to the latest (at least through tomorrow), in transactions of `chunkDays` days, and deletes rollup rows
 * outside that span. The dashboards stay readable meanwhile: each chunk replaces its days atomically.
 */
export async function rebuildAnalytics(options: RebuildOptions = {}): Promise<{ workspaces: number; days: number }> {
  const now = options.now ?? new Date();
  const chunkDays = Math.max(1, options.chunkDays ?? 7);
  const say = options.onProgress ?? (() => {});
  const { rows: workspaces } = await pgPool().query<{ id: string; slug: string }>(
    `SELECT id, slug FROM "Workspace" ${options.workspaceId ? `WHERE id = $1` : ""} ORDER BY id`,
    options.workspaceId ? [options.workspaceId] : [],
  );
  let totalDays = 0;
  for (const [index, workspace] of workspaces.entries()) {
    const started = performance.now();
    const { rows: journeys } = await pgPool().query<{ id: string }>(
      `SELECT id FROM "Journey" WHERE "workspaceId" = $1`,
      [workspace.id],
    );
    const journeyIds = journeys.map((j) => j.id);
    const { rows: bounds } = await pgPool().query<{ first: Date | null; last: Date | null }>(
      `WITH b AS (
         SELECT min("enteredAt") AS lo, max(GREATEST("enteredAt", "endedAt")) AS hi FROM "Enrollment" WHERE "journeyId" = ANY($2::uuid[])
         UNION ALL SELECT min("enteredAt"), max("enteredAt") FROM "EnrollmentStep" WHERE "journeyId" = ANY($2::uuid[])
         UNION ALL SELECT min("convertedAt"), max("convertedAt") FROM "Conversion" WHERE "journeyId" = ANY($2::uuid[])
         UNION ALL SELECT min("createdAt"), max("createdAt") FROM "Message" WHERE "workspaceId" = $1
         UNION ALL SELECT min(at), max(at) FROM "MessageEvent" WHERE "workspaceId" = $1
       ) SELECT min(lo) AS first, max(hi) AS last FROM b`,
      [workspace.id, journeyIds],
    );
    const today = startOfUtcDay(now);
    const first = bounds[0]?.first ? startOfUtcDay(bounds[0].first) : today;
    const lastRaw = bounds[0]?.last ? addDays(startOfUtcDay(bounds[0].last), 1) : today;
    const from = first < today ? first : addDays(today, -1);
    const to = lastRaw > addDays(today, 2) ? lastRaw : addDays(today, 2);
    const days = Math.round((to.getTime() - from.getTime()) / DAY_MS);
    say(
      `workspace ${index + 1}/${workspaces.length} (${workspace.slug}): ${isoDay(from)} to ${isoDay(addDays(to, -1))}, ${days} days`,
    );

    await withTransaction(async (client) => {
      await lockWorkspace(client, workspace.id);
      for (const table of ["AnalyticsJourneyDay", "AnalyticsNodeDay", "AnalyticsEdgeDay", "AnalyticsMessageDay"]) {
        await client.query(
          `DELETE FROM "${table}" WHERE "workspaceId" = $1 AND (day < ($2::timestamptz AT TIME ZONE 'UTC')::date OR day >= ($3::timestamptz AT TIME ZONE 'UTC')::date)`,
          [workspace.id, from, to],
        );
      }
    });
    for (let chunk = from, done = 0; chunk < to; chunk = addDays(chunk, chunkDays)) {
      const end = addDays(chunk, chunkDays) < to ? addDays(chunk, chunkDays) : to;
      await withTransaction(async (client) => {
        await lockWorkspace(client, workspace.id);
        await recomputeDays(client, workspace.id, journeyIds, { from: chunk, to: end });
      });
      done += Math.round((end.getTime() - chunk.getTime()) / DAY_MS);
      say(
        `  ${isoDay(chunk)} to ${isoDay(addDays(end, -1))}: done (${done}/${days} days, ${((performance.now() - started) / 1000).toFixed(1)} s)`,
      );
    }
    await pgPool().query(
      `INSERT INTO "AnalyticsRollupState" ("workspaceId", "lastRunAt", "rebuiltAt") VALUES ($1, $2, $2)
       ON CONFLICT ("workspaceId") DO UPDATE SET "lastRunAt" = excluded."lastRunAt", "rebuiltAt" = excluded."rebuiltAt"`,
      [workspace.id, now],
    );
    totalDays += days;
  }
  return { workspaces: workspaces.length, days: totalDays };
}
