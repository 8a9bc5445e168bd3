import { z } from "zod";
import { type Queryable, selectRows } from "../../../db/sql";

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

export interface ResultsKey {
  workspaceId: string;
  broadcastId: string;
  /** counts include what happened up to this moment */
  now: Date;
  testBefore: Date | null;
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
    `SELECT COALESCE(m.variant, '') AS variant,
            ($4::timestamptz IS NULL OR m."createdAt" < $4) AS test,
            count(*)::int AS messages,
            count(*) FILTER (WHERE m.status = 'QUEUED')::int AS queued,
            count(*) FILTER (WHERE m."sentAt" <= $3)::int AS sent,
            count(*) FILTER (WHERE m."deliveredAt" <= $3)::int AS delivered,
            count(*) FILTER (WHERE m."openedAt" <= $3)::int AS opened,
            count(*) FILTER (WHERE m."clickedAt" <= $3)::int AS clicked,
            count(*) FILTER (WHERE m.status = 'BOUNCED' OR 'bounced' = ANY(e.types))::int AS bounced,
            count(*) FILTER (WHERE m.status = 'FAILED')::int AS failed,
            count(*) FILTER (WHERE m.status = 'SUPPRESSED')::int AS suppressed,
            count(*) FILTER (WHERE m.status = 'CANCELLED')::int AS cancelled,
            count(*) FILTER (WHERE 'unsubscribed' = ANY(e.types))::int AS unsubscribed,
            count(*) FILTER (WHERE 'complained' = ANY(e.types))::int AS complained
       FROM "Message" m
       LEFT JOIN LATERAL (
         SELECT array_agg(DISTINCT me.type) AS types FROM "MessageEvent" me
          WHERE me."messageId" = m.id AND me.type IN ('unsubscribed', 'bounced', 'complained') AND me.at <= $3
       ) e ON true
      WHERE m."broadcastId" = $2 AND m."workspaceId" = $1 AND m."createdAt" <= $3
      GROUP BY 1, 2`,
    [key.workspaceId, key.broadcastId, key.now, key.testBefore],
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
    `WITH units AS (
         SELECT m.variant, ($4::timestamptz IS NULL OR m."createdAt" < $4) AS test, m.id AS unit,
                COALESCE(p."mergedIntoId", m."profileId") AS person, m."sentAt" AS since
           FROM "Message" m LEFT JOIN "Profile" p ON p.id = m."profileId"
          WHERE m."broadcastId" = $2 AND m."workspaceId" = $1 AND m."sentAt" <= $3
         UNION ALL
         SELECT NULL, true, h."profileId", COALESCE(p."mergedIntoId", h."profileId"), $7::timestamptz
           FROM "BroadcastHoldout" h LEFT JOIN "Profile" p ON p.id = h."profileId"
          WHERE h."broadcastId" = $2 AND $7::timestamptz <= $3
       ), events AS (
         SELECT COALESCE(p."mergedIntoId", ev."profileId") AS person, ev.timestamp AS at, ${REVENUE("$8::text")} AS revenue
           FROM "Event" ev LEFT JOIN "Profile" p ON p.id = ev."profileId"
          WHERE ev."workspaceId" = $1 AND ev.name = $5 AND ev.timestamp >= $7 AND ev.timestamp <= $3
       ), per AS (
         SELECT u.variant, u.test, u.unit, sum(e.revenue) AS revenue,
                bool_or(e.revenue IS NOT NULL) AS "hasOrder"
           FROM units u JOIN events e ON e.person = u.person
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
    `WITH msgs AS (
         SELECT m.id, m."sentAt", m."openedAt", m."clickedAt", m."profileId"
           FROM "Message" m WHERE m."broadcastId" = $2 AND m."workspaceId" = $1 AND m."sentAt" <= $3
       ), firsts AS (
         SELECT min(e.at) AS at
           FROM (SELECT m.id, m."sentAt", COALESCE(p."mergedIntoId", m."profileId") AS person
                   FROM msgs m LEFT JOIN "Profile" p ON p.id = m."profileId") u
           JOIN (SELECT COALESCE(p."mergedIntoId", ev."profileId") AS person, ev.timestamp AS at
                   FROM "Event" ev LEFT JOIN "Profile" p ON p.id = ev."profileId"
                  WHERE ev."workspaceId" = $1 AND ev.name = $7 AND ev.timestamp >= $4 AND ev.timestamp <= $3) e
             ON e.person = u.person AND e.at >= u."sentAt" AND e.at <= u."sentAt" + make_interval(hours => $8::int)
          GROUP BY u.id
       ), points AS (
         SELECT 'sent' AS kind, "sentAt" AS at FROM msgs
         UNION ALL SELECT 'opened', "openedAt" FROM msgs WHERE "openedAt" <= $3
         UNION ALL SELECT 'clicked', "clickedAt" FROM msgs WHERE "clickedAt" <= $3
         UNION ALL SELECT 'converted', at FROM firsts
       ), bucketed AS (
         SELECT kind, CASE WHEN at < $4::timestamptz + make_interval(hours => $6::int)
                           THEN $4::timestamptz + make_interval(hours => floor(extract(epoch FROM at - $4::timestamptz) / 3600)::int)
                           ELSE greatest(date_trunc('day', at, $5::text), $4::timestamptz + make_interval(hours => $6::int)) END AS at
           FROM points WHERE at >= $4::timestamptz
       )
       SELECT at, count(*) FILTER (WHERE kind = 'sent')::int AS sent, count(*) FILTER (WHERE kind = 'opened')::int AS opened,
              count(*) FILTER (WHERE kind = 'clicked')::int AS clicked, count(*) FILTER (WHERE kind = 'converted')::int AS converted
         FROM bucketed GROUP BY 1 ORDER BY 1`,
    [key.workspaceId, key.broadcastId, key.now, start, zone, hourlyHours, rule?.event ?? null, rule?.windowHours ?? 0],
  );
}
