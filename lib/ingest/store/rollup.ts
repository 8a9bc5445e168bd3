import { z } from "zod";
import { execute, type Queryable, selectRows } from "../../db/sql";

/**
 * The SQL of the ingest rollup (lib/ingest/rollup.ts says when it runs and why it is exact). The counting
 * statements read a set of events by primary key: `ids` is Postgres array text ("{1,2,3}"), up to 50,000 of them
 * per run, which node-postgres would otherwise parse into a JavaScript array and escape back element by element
 * for each statement; `low`..`high` bounds them, because `id = ANY(ids)` alone is planned as a scan of the whole
 * Event table (or of a workspace's index) per statement, so each rollup would cost as much as the table is large
 * instead of as many events as it counts. ORDER BY in every upsert: concurrent rollups lock catalog rows in the
 * same order (no deadlocks).
 */
export interface RolledUpEvents {
  ids: string;
  low: string;
  high: string;
}

/** One rollup at a time per database, until `q`'s transaction ends. */
export async function lockEventRollup(q: Queryable): Promise<void> {
  await execute(q, `SELECT pg_advisory_xact_lock(hashtextextended('event rollup', 7303))`);
}

const PendingBatchRow = z.object({
  id: z.string(),
  eventIds: z.string(),
  low: z.string().nullable(),
  high: z.string().nullable(),
});

/** The oldest ingest log rows not yet rolled up: their event ids as array text, and the lowest and highest id. */
export function selectBatchesToRollUp(q: Queryable, limit: number): Promise<z.infer<typeof PendingBatchRow>[]> {
  return selectRows(
    q,
    PendingBatchRow,
    `SELECT id::text, "eventIds"::text AS "eventIds",
              (SELECT min(x) FROM unnest("eventIds") x)::text AS low, (SELECT max(x) FROM unnest("eventIds") x)::text AS high
         FROM "EventDispatch" WHERE "rolledUpAt" IS NULL ORDER BY id LIMIT $1`,
    [limit],
  );
}

const eventParams = (events: RolledUpEvents) => [events.ids, events.low, events.high];

/**
 * Adds the events' names to the event catalog (EventType: first/last seen, total). A name not yet catalogued is
 * added while its workspace has fewer than `cap` names, in name order; past it, it is left out (its events are
 * stored and counted as ever) and the catalog says it is full. Rollups run one at a time, so the count holds.
 */
export async function upsertEventTypes(q: Queryable, events: RolledUpEvents, cap: number): Promise<void> {
  await execute(
    q,
    `WITH agg AS (
         SELECT "workspaceId", name, min(timestamp) AS f, max(timestamp) AS l, count(*) AS n FROM "Event"
          WHERE id BETWEEN $2 AND $3 AND id = ANY($1::bigint[]) AND name IS NOT NULL GROUP BY 1, 2
       ), fresh AS (
         SELECT a."workspaceId", a.name, row_number() OVER (PARTITION BY a."workspaceId" ORDER BY a.name) AS rn FROM agg a
          WHERE NOT EXISTS (SELECT 1 FROM "EventType" t WHERE t."workspaceId" = a."workspaceId" AND t.name = a.name)
       ), room AS (
         SELECT w."workspaceId", $4::int - (SELECT count(*) FROM "EventType" t WHERE t."workspaceId" = w."workspaceId") AS room
           FROM (SELECT DISTINCT "workspaceId" FROM fresh) w
       )
       INSERT INTO "EventType" ("workspaceId", name, "firstSeenAt", "lastSeenAt", total)
       SELECT a."workspaceId", a.name, a.f, a.l, a.n FROM agg a
         LEFT JOIN fresh f ON f."workspaceId" = a."workspaceId" AND f.name = a.name
         LEFT JOIN room r ON r."workspaceId" = a."workspaceId"
        WHERE f.name IS NULL OR f.rn <= r.room
        ORDER BY 1, 2
       ON CONFLICT ("workspaceId", name) DO UPDATE SET
         "firstSeenAt" = LEAST("EventType"."firstSeenAt", excluded."firstSeenAt"),
         "lastSeenAt" = GREATEST("EventType"."lastSeenAt", excluded."lastSeenAt"),
         total = "EventType".total + excluded.total`,
    [...eventParams(events), cap],
  );
}

/** Adds the events to their names' daily volume (EventVolume), for catalogued names only. */
export async function upsertEventVolumes(q: Queryable, events: RolledUpEvents): Promise<void> {
  await execute(
    q,
    `INSERT INTO "EventVolume" ("workspaceId", name, day, count)
       SELECT * FROM (
         SELECT "workspaceId", name, (timestamp AT TIME ZONE 'UTC')::date AS day, count(*) AS count FROM "Event"
          WHERE id BETWEEN $2 AND $3 AND id = ANY($1::bigint[]) AND name IS NOT NULL GROUP BY 1, 2, 3) v
        WHERE EXISTS (SELECT 1 FROM "EventType" t WHERE t."workspaceId" = v."workspaceId" AND t.name = v.name)
        ORDER BY 1, 2, 3
       ON CONFLICT ("workspaceId", name, day) DO UPDATE SET count = "EventVolume".count + excluded.count`,
    eventParams(events),
  );
}

/** Catalogues the events' property keys and JSON types (EventProperty), under the workspace's cap like the names. */
export async function insertEventProperties(q: Queryable, events: RolledUpEvents, cap: number): Promise<void> {
  await execute(
    q,
    `WITH agg AS (
         SELECT e."workspaceId", e.name AS "eventName", p.key, jsonb_typeof(p.value) AS type, min(e.timestamp) AS f
           FROM "Event" e CROSS JOIN LATERAL jsonb_each(e.properties) p
          WHERE e.id BETWEEN $2 AND $3 AND e.id = ANY($1::bigint[]) AND e.name IS NOT NULL AND jsonb_typeof(e.properties) = 'object'
          GROUP BY 1, 2, 3, 4
       ), fresh AS (
         SELECT a.*, row_number() OVER (PARTITION BY a."workspaceId" ORDER BY a."eventName", a.key, a.type) AS rn FROM agg a
          WHERE NOT EXISTS (SELECT 1 FROM "EventProperty" x WHERE x."workspaceId" = a."workspaceId" AND x."eventName" = a."eventName" AND x.key = a.key AND x.type = a.type)
            AND EXISTS (SELECT 1 FROM "EventType" t WHERE t."workspaceId" = a."workspaceId" AND t.name = a."eventName")
       ), room AS (
         SELECT w."workspaceId", $4::int - (SELECT count(*) FROM "EventProperty" x WHERE x."workspaceId" = w."workspaceId") AS room
           FROM (SELECT DISTINCT "workspaceId" FROM fresh) w
       )
       INSERT INTO "EventProperty" ("workspaceId", "eventName", key, type, "firstSeenAt")
       SELECT f."workspaceId", f."eventName", f.key, f.type, f.f FROM fresh f JOIN room r ON r."workspaceId" = f."workspaceId"
        WHERE f.rn <= r.room ORDER BY 1, 2, 3, 4
       ON CONFLICT DO NOTHING`,
    [...eventParams(events), cap],
  );
}

/**
 * The trait catalog (ProfileTrait): identify traits, one level into objects ("address.city", what a segment's trait
 * path can name). Traits of an anonymous profile merged into a person were catalogued from its own identifies; JSON
 * null removes a trait, so it is no type.
 */
export async function insertProfileTraits(q: Queryable, events: RolledUpEvents, cap: number): Promise<void> {
  await execute(
    q,
    `WITH agg AS (
         SELECT e."workspaceId", t.key, cairn_trait_type(t.value) AS type, min(e.timestamp) AS f
           FROM "Event" e CROSS JOIN LATERAL (
             SELECT k.key, k.value FROM jsonb_each(CASE WHEN jsonb_typeof(e.traits) = 'object' THEN e.traits ELSE '{}'::jsonb END) k
             UNION ALL
             SELECT k.key || '.' || n.key, n.value FROM jsonb_each(CASE WHEN jsonb_typeof(e.traits) = 'object' THEN e.traits ELSE '{}'::jsonb END) k
              CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(k.value) = 'object' THEN k.value ELSE '{}'::jsonb END) n) t
          WHERE e.id BETWEEN $2 AND $3 AND e.id = ANY($1::bigint[]) AND e.type = 'identify' AND cairn_trait_type(t.value) IS NOT NULL AND length(t.key) <= 255
          GROUP BY 1, 2, 3
       ), fresh AS (
         SELECT a.*, row_number() OVER (PARTITION BY a."workspaceId" ORDER BY a.key, a.type) AS rn FROM agg a
          WHERE NOT EXISTS (SELECT 1 FROM "ProfileTrait" x WHERE x."workspaceId" = a."workspaceId" AND x.key = a.key AND x.type = a.type)
       ), room AS (
         SELECT w."workspaceId", $4::int - (SELECT count(*) FROM "ProfileTrait" x WHERE x."workspaceId" = w."workspaceId") AS room
           FROM (SELECT DISTINCT "workspaceId" FROM fresh) w
       )
       INSERT INTO "ProfileTrait" ("workspaceId", key, type, "firstSeenAt")
       SELECT f."workspaceId", f.key, f.type, f.f FROM fresh f JOIN room r ON r."workspaceId" = f."workspaceId"
        WHERE f.rn <= r.room ORDER BY 1, 2, 3
       ON CONFLICT DO NOTHING`,
    [...eventParams(events), cap],
  );
}

/** Widens the events' profiles' first/last seen to the events' timestamps (only rows that change). */
export async function widenProfilesSeen(q: Queryable, events: RolledUpEvents): Promise<void> {
  // Profiles are locked in id order, as ingestion locks them (lib/ingest/store/events.ts): a join's own order
  // deadlocked with concurrent requests.
  await execute(
    q,
    `WITH a AS (SELECT "profileId", min(timestamp) AS first, max(timestamp) AS last FROM "Event" WHERE id BETWEEN $2 AND $3 AND id = ANY($1::bigint[]) GROUP BY 1),
            l AS (SELECT p.id, a.first, a.last FROM "Profile" p JOIN a ON p.id = a."profileId"
                   WHERE p."firstSeenAt" > a.first OR p."lastSeenAt" < a.last ORDER BY p.id FOR UPDATE OF p)
       UPDATE "Profile" p SET "firstSeenAt" = LEAST(p."firstSeenAt", l.first), "lastSeenAt" = GREATEST(p."lastSeenAt", l.last) FROM l WHERE p.id = l.id`,
    eventParams(events),
  );
}

/** Marks ingest log rows as rolled up. */
export async function markRolledUp(q: Queryable, batchIds: string[]): Promise<void> {
  await execute(q, `UPDATE "EventDispatch" SET "rolledUpAt" = now() WHERE id = ANY($1::bigint[])`, [batchIds]);
}
