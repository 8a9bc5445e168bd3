import { z } from "zod";
import { type Queryable, selectRows } from "../../../db/sql";

/**
 * The workspace overview's broadcasts (lib/broadcasts/results/recent-broadcasts.ts): the latest that started in a
 * range, with their messages' stages and their conversions, counted as the results page counts them
 * (./results.ts): the conversion event within each broadcast's window after the message was sent, matched by
 * person (merged profiles included), revenue from the event's revenue property.
 */

const RecentRow = z.object({
  id: z.string(),
  name: z.string(),
  channel: z.string(),
  status: z.string(),
  startedAt: z.date(),
});

/** Broadcasts of the workspace that started in [from, to), newest first. */
export async function selectRecentBroadcasts(q: Queryable, workspaceId: string, from: Date, to: Date, limit: number) {
  return selectRows(
    q,
    RecentRow,
    `SELECT id, name, channel, status::text AS status, "startedAt" FROM "Broadcast"
      WHERE "workspaceId" = $1 AND "startedAt" >= $2 AND "startedAt" < $3
      ORDER BY "startedAt" DESC, id LIMIT $4`,
    [workspaceId, from, to, limit],
  );
}

const StagesRow = z.object({
  broadcastId: z.string(),
  sent: z.number(),
  delivered: z.number(),
  opened: z.number(),
  clicked: z.number(),
});

export async function selectBroadcastStages(q: Queryable, workspaceId: string, ids: string[], now: Date) {
  return selectRows(
    q,
    StagesRow,
    `SELECT "broadcastId", count(*) FILTER (WHERE "sentAt" <= $3)::int AS sent,
            count(*) FILTER (WHERE "deliveredAt" <= $3)::int AS delivered, count(*) FILTER (WHERE "openedAt" <= $3)::int AS opened,
            count(*) FILTER (WHERE "clickedAt" <= $3)::int AS clicked
       FROM "Message" WHERE "workspaceId" = $1 AND "broadcastId" = ANY($2::uuid[])
      GROUP BY 1`,
    [workspaceId, ids, now],
  );
}

const ConversionsRow = z.object({ broadcastId: z.string(), converted: z.number(), revenue: z.string() });

/** Converted people and their revenue per broadcast (only broadcasts with a conversion event). */
export async function selectBroadcastConversions(
  q: Queryable,
  workspaceId: string,
  ids: string[],
  now: Date,
  revenueProperty: string,
) {
  return selectRows(
    q,
    ConversionsRow,
    `WITH b AS (
         SELECT id, "conversionEvent" AS event, "conversionWindowHours" AS hours, "startedAt" FROM "Broadcast"
          WHERE "workspaceId" = $1 AND id = ANY($2::uuid[]) AND "conversionEvent" IS NOT NULL
       ), events AS (
         SELECT ev.name, x."profileId", ev.timestamp AS at,
                CASE WHEN jsonb_typeof(ev.properties -> $4::text) = 'number' AND abs((ev.properties ->> $4::text)::numeric) < 1e14
                       THEN (ev.properties ->> $4::text)::numeric
                     WHEN jsonb_typeof(ev.properties -> $4::text) = 'string' AND btrim(ev.properties ->> $4::text) ~ '^-?[0-9]{1,14}(\\.[0-9]+)?$'
                       THEN btrim(ev.properties ->> $4::text)::numeric
                     ELSE 0 END AS revenue
           FROM "Event" ev LEFT JOIN "Profile" p ON p.id = ev."profileId"
           CROSS JOIN LATERAL (
             SELECT COALESCE(p."mergedIntoId", ev."profileId")
             UNION ALL
             SELECT q.id FROM "Profile" q WHERE q."mergedIntoId" = COALESCE(p."mergedIntoId", ev."profileId")
           ) x("profileId")
          WHERE ev."workspaceId" = $1 AND ev.name IN (SELECT event FROM b)
            AND ev.timestamp >= (SELECT min("startedAt") FROM b) AND ev.timestamp <= $3
       ), per AS (
         SELECT m."broadcastId", m.id, sum(e.revenue) AS revenue
           FROM "Message" m JOIN b ON b.id = m."broadcastId"
           JOIN events e ON e."profileId" = m."profileId" AND e.name = b.event
          WHERE m."workspaceId" = $1 AND m."broadcastId" = ANY($2::uuid[]) AND m."sentAt" <= $3
            AND e.at >= m."sentAt" AND e.at <= m."sentAt" + make_interval(hours => b.hours)
          GROUP BY 1, 2
       )
       SELECT "broadcastId", count(*)::int AS converted, COALESCE(sum(revenue), 0)::text AS revenue FROM per GROUP BY 1`,
    [workspaceId, ids, now, revenueProperty],
  );
}
