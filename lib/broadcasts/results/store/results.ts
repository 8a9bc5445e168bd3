import { z } from "zod";
import { withTransaction } from "../../../db/pool";
import { execute, type Queryable, selectRows } from "../../../db/sql";

/**
 * The SQL behind a broadcast's results (lib/broadcasts/results/load-broadcast-results.ts says what each number
 * means). Read-only. One message per person and broadcast (its idempotency key is `b:<broadcastId>:<profileId>`),
 * so a message is the unit: every count of messages is a count of people.
 *
 * `testBefore` splits the messages of a broadcast with a winner test: the ones created before the winner was
 * decided went to the test group, the later ones (all the winner's) to the rest. Null: every message is "test",
 * which is what a broadcast without a test (or before its decision) means for the statistics.
 *
 * Conversions match people, not profile ids: a message's profile and an event's profile both count as the person
 * they were merged into, as the experiments do (lib/experiments/store/split-counts.ts).
 */

/**
 * Runs `fn` on a connection with JIT compilation off, in a transaction of its own. These reads plan as expensive
 * (a million messages) and Postgres then spends seconds compiling them: 4.8 of 6.5 s of the conversions' statement
 * on 1,000,000 messages went into JIT.
 */
export function withoutJit<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
  return withTransaction(async (tx) => {
    await execute(tx, "SET LOCAL jit = off");
    return fn(tx);
  });
}

export interface ResultsKey {
  workspaceId: string;
  broadcastId: string;
  /** counts include what happened up to this moment */
  now: Date;
  testBefore: Date | null;
  /** nothing of the broadcast happened before this (its start; its creation before it started) */
  since: Date;
}

export interface ConversionRule {
  event: string;
  windowHours: number;
  /** the top-level property an order's value is read from (lib/analytics/revenue.ts's rule) */
  revenueProperty: string;
  /** the holdout's window starts here (the broadcast's start) */
  startedAt: Date;
}

const VariantCountsRow = z.object({
  variant: z.string(),
  test: z.boolean(),
  messages: z.number(),
  queued: z.number(),
  sent: z.number(),
  delivered: z.number(),
  opened: z.number(),
  clicked: z.number(),
  bounced: z.number(),
  failed: z.number(),
  /** needed another attempt after a retryable failure: made it (attempts > 1) or waits for it (a retry's reason) */
  retried: z.number(),
  suppressed: z.number(),
  cancelled: z.number(),
  unsubscribed: z.number(),
  complained: z.number(),
});
export type VariantCounts = z.output<typeof VariantCountsRow>;

/**
 * Per variant and phase (test or rest): messages by what happened to them. Opens and clicks are people (a message's
 * first open and click); unsubscribes and complaints are messages with such an event; a bounce is a BOUNCED message
 * or one with a bounce event (a soft bounce leaves the status).
 */
export async function selectVariantCounts(q: Queryable, key: ResultsKey): Promise<VariantCounts[]> {
  return selectRows(
    q,
    VariantCountsRow,
    `WITH guard AS (
         SELECT me."messageId", bool_or(me.type = 'unsubscribed') AS unsubscribed, bool_or(me.type = 'bounced') AS bounced,
                bool_or(me.type = 'complained') AS complained
           FROM "MessageEvent" me JOIN "Message" m ON m.id = me."messageId"
          WHERE me."workspaceId" = $1 AND me.at >= $5 AND me.at <= $3 AND me.type IN ('unsubscribed', 'bounced', 'complained')
            AND m."broadcastId" = $2
          GROUP BY 1
       )
     SELECT COALESCE(m.variant, '') AS variant,
            ($4::timestamptz IS NULL OR m."createdAt" < $4) AS test,
            count(*)::int AS messages,
            count(*) FILTER (WHERE m.status = 'QUEUED')::int AS queued,
            count(*) FILTER (WHERE m."sentAt" <= $3)::int AS sent,
            count(*) FILTER (WHERE m."deliveredAt" <= $3)::int AS delivered,
            count(*) FILTER (WHERE m."openedAt" <= $3)::int AS opened,
            count(*) FILTER (WHERE m."clickedAt" <= $3)::int AS clicked,
            count(*) FILTER (WHERE m.status = 'BOUNCED' OR g.bounced)::int AS bounced,
            count(*) FILTER (WHERE m.status = 'FAILED')::int AS failed,
            count(*) FILTER (WHERE m.attempts > 1 OR (m.status = 'QUEUED' AND m.attempts >= 1
                                AND m."claimedUntil" IS NULL AND m."statusReason" IS NOT NULL))::int AS retried,
            count(*) FILTER (WHERE m.status = 'SUPPRESSED')::int AS suppressed,
            count(*) FILTER (WHERE m.status = 'CANCELLED')::int AS cancelled,
            count(*) FILTER (WHERE g.unsubscribed)::int AS unsubscribed,
            count(*) FILTER (WHERE g.complained)::int AS complained
       FROM "Message" m LEFT JOIN guard g ON g."messageId" = m.id
      WHERE m."broadcastId" = $2 AND m."workspaceId" = $1 AND m."createdAt" <= $3
      GROUP BY 1, 2`,
    [key.workspaceId, key.broadcastId, key.now, key.testBefore, key.since],
  );
}

const ConversionsRow = z.object({
  /** a variant's key, or null for the holdout */
  variant: z.string().nullable(),
  test: z.boolean(),
  converted: z.number(),
  /** people whose conversions carried an order (the revenue property set at all) */
  orders: z.number(),
  /** exact decimal text, summed in numeric */
  revenue: z.string(),
  revenueSquares: z.number(),
});
export type ConversionCounts = z.output<typeof ConversionsRow>;

/** The revenue of one event row `ev` as lib/analytics/revenue.ts reads it: a number or a decimal string, else 0. */
const REVENUE = (property: string) => `CASE
    WHEN jsonb_typeof(ev.properties -> ${property}) = 'number' AND abs((ev.properties ->> ${property})::numeric) < 1e14
      THEN (ev.properties ->> ${property})::numeric
    WHEN jsonb_typeof(ev.properties -> ${property}) = 'string' AND btrim(ev.properties ->> ${property}) ~ '^-?[0-9]{1,14}(\\.[0-9]+)?$'
      THEN btrim(ev.properties ->> ${property})::numeric
    ELSE 0 END`;

/**
 * The conversion events ($1 workspace, $5 name, $7 from, $3 to), each listed under every profile id of its person:
 * the person it was recorded on (or the one that profile was merged into) and every profile merged into that
 * person. Messages and holdout rows then join on their own profile id, so a merge on either side still matches,
 * without resolving a million messages' profiles. $8: the revenue property (the series passes null).
 */
const CONVERSION_EVENTS = `
    events AS (
      SELECT x."profileId", ev.timestamp AS at,
             CASE WHEN $8::text IS NULL THEN NULL ELSE ${REVENUE("$8::text")} END AS revenue
        FROM "Event" ev LEFT JOIN "Profile" p ON p.id = ev."profileId"
        CROSS JOIN LATERAL (
          SELECT COALESCE(p."mergedIntoId", ev."profileId")
          UNION ALL
          SELECT q.id FROM "Profile" q WHERE q."mergedIntoId" = COALESCE(p."mergedIntoId", ev."profileId")
        ) x("profileId")
       WHERE ev."workspaceId" = $1 AND ev.name = $5 AND ev.timestamp >= $7 AND ev.timestamp <= $3
    )`;

/**
 * Converted people per variant and phase, and in the holdout: people with the conversion event within the window
 * after their message was sent (the holdout: after the broadcast started), up to `now`. Revenue: the person's
 * distinct conversion events in that window, summed.
 */
export async function selectConversions(
  q: Queryable,
  key: ResultsKey,
  rule: ConversionRule,
): Promise<ConversionCounts[]> {
  return selectRows(
    q,
    ConversionsRow,
    `WITH ${CONVERSION_EVENTS}, units AS (
         SELECT m.variant, ($4::timestamptz IS NULL OR m."createdAt" < $4) AS test, m.id AS unit, m."profileId", m."sentAt" AS since
           FROM "Message" m
          WHERE m."broadcastId" = $2 AND m."workspaceId" = $1 AND m."sentAt" <= $3
         UNION ALL
         SELECT NULL, true, h."profileId", h."profileId", $7::timestamptz
           FROM "BroadcastHoldout" h
          WHERE h."broadcastId" = $2 AND $7::timestamptz <= $3
       ), per AS (
         SELECT u.variant, u.test, u.unit, sum(e.revenue) AS revenue, bool_or(e.revenue IS NOT NULL) AS "hasOrder"
           FROM units u JOIN events e ON e."profileId" = u."profileId"
          WHERE e.at >= u.since AND e.at <= u.since + make_interval(hours => $6::int)
          GROUP BY 1, 2, 3
       )
       SELECT variant, test, count(*)::int AS converted, count(*) FILTER (WHERE "hasOrder")::int AS orders,
              COALESCE(sum(revenue), 0)::text AS revenue, COALESCE(sum((revenue * revenue)::float8), 0)::float8 AS "revenueSquares"
         FROM per GROUP BY 1, 2`,
    [
      key.workspaceId,
      key.broadcastId,
      key.now,
      key.testBefore,
      rule.event,
      rule.windowHours,
      rule.startedAt,
      rule.revenueProperty,
    ],
  );
}

const HoldoutRow = z.object({ n: z.number() });

/** People held out of the broadcast (recorded while its audience was materialized). */
export async function countHoldout(q: Queryable, broadcastId: string, now: Date): Promise<number> {
  const rows = await selectRows(
    q,
    HoldoutRow,
    `SELECT count(*)::int AS n FROM "BroadcastHoldout" WHERE "broadcastId" = $1 AND at <= $2`,
    [broadcastId, now],
  );
  return rows[0]?.n ?? 0;
}

/**
 * The point a moment falls in ($3 now, $6 zone, $7 start, $9 hourly hours): the start's hour for the first hours,
 * then the day in the zone (the first day starting where the hours end); null outside [start, now].
 */
const BUCKET = (at: string) => `CASE WHEN ${at} IS NULL OR ${at} > $3 OR ${at} < $7::timestamptz THEN NULL
    WHEN ${at} < $7::timestamptz + make_interval(hours => $9::int) THEN date_bin('1 hour', ${at}, $7::timestamptz)
    ELSE greatest(date_trunc('day', ${at}, $6::text), $7::timestamptz + make_interval(hours => $9::int)) END`;

const SeriesRow = z.object({
  at: z.date(),
  sent: z.number(),
  opened: z.number(),
  clicked: z.number(),
  converted: z.number(),
});
export type SeriesRowT = z.output<typeof SeriesRow>;

/**
 * Sends, first opens, first clicks and first conversions (of the people who got a message) over time: an hour per
 * point for the first `hourlyHours` after the start, then a day per point (days in `zone`; the first day begins
 * where the hours end). Buckets without anything are left out.
 */
export async function selectTimeSeries(
  q: Queryable,
  key: ResultsKey,
  start: Date,
  zone: string,
  hourlyHours: number,
  rule: { event: string; windowHours: number } | null,
): Promise<SeriesRowT[]> {
  return selectRows(
    q,
    SeriesRow,
    `WITH ${CONVERSION_EVENTS}, firsts AS (
         SELECT min(e.at) AS at
           FROM "Message" m JOIN events e ON e."profileId" = m."profileId"
          WHERE m."broadcastId" = $2 AND m."workspaceId" = $1 AND m."sentAt" <= $3
            AND e.at >= m."sentAt" AND e.at <= m."sentAt" + make_interval(hours => $4::int)
          GROUP BY m.id
       ), stamps AS (
         SELECT sent, opened, clicked, grouping(sent, opened, clicked) AS g, count(*)::int AS n
           FROM (SELECT ${BUCKET('m."sentAt"')} AS sent, ${BUCKET('m."openedAt"')} AS opened, ${BUCKET('m."clickedAt"')} AS clicked
                   FROM "Message" m
                  WHERE m."broadcastId" = $2 AND m."workspaceId" = $1 AND m."sentAt" <= $3) b
          GROUP BY GROUPING SETS ((sent), (opened), (clicked))
       ), points AS (
         SELECT sent AS at, n AS sent, 0 AS opened, 0 AS clicked, 0 AS converted FROM stamps WHERE g = 3 AND sent IS NOT NULL
         UNION ALL SELECT opened, 0, n, 0, 0 FROM stamps WHERE g = 5 AND opened IS NOT NULL
         UNION ALL SELECT clicked, 0, 0, n, 0 FROM stamps WHERE g = 6 AND clicked IS NOT NULL
         UNION ALL SELECT ${BUCKET("at")}, 0, 0, 0, count(*)::int FROM firsts GROUP BY 1
       )
       SELECT at, sum(sent)::int AS sent, sum(opened)::int AS opened, sum(clicked)::int AS clicked, sum(converted)::int AS converted
         FROM points WHERE at IS NOT NULL GROUP BY 1 ORDER BY 1`,
    [
      key.workspaceId,
      key.broadcastId,
      key.now,
      rule?.windowHours ?? 0,
      rule?.event ?? null,
      zone,
      start,
      null,
      hourlyHours,
    ],
  );
}
