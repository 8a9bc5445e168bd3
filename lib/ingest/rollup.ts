import { withTransaction } from "../db/pool";
import { CATALOG_LIMITS } from "./limits";

/**
 * Keeps what is derived from many events current, off the ingestion hot path: the event catalog (names
 * with first/last seen and totals, daily volume, property keys and their JSON types), the trait catalog
 * (identify trait keys and their types, for the segment builder) and each profile's first/last seen. It
 * consumes the ingest log (EventDispatch rows not yet rolled up) in committed order and marks what it
 * counted in the same transaction: every event is counted exactly once, crash or not. One rollup runs at a
 * time per database (a transaction-scoped advisory lock; another app instance's rollup waits for it), and it
 * locks no log row until its last statement: the Inngest hand-off (./dispatch.ts) marks the same rows sent,
 * and a row lock held through the rollup made each hand-off wait for it (92 ms on average in bench:engine,
 * added to every journey's trigger latency).
 *
 * Counting in the ingest transaction instead would make every request update the same few catalog rows,
 * and so wait for each other's commits.
 */
export async function rollupIngestedEvents(limit = 100): Promise<{ batches: number }> {
  return withTransaction(async (client) => {
    await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('event rollup', 7303))`);
    // The ids stay Postgres array text ("{1,2,3}"): up to 50,000 of them per run, which node-postgres would
    // otherwise parse into a JavaScript array and escape back element by element for each statement.
    const { rows } = await client.query<{ id: string; eventIds: string; low: string | null; high: string | null }>(
      `SELECT id::text, "eventIds"::text AS "eventIds",
              (SELECT min(x) FROM unnest("eventIds") x)::text AS low, (SELECT max(x) FROM unnest("eventIds") x)::text AS high
         FROM "EventDispatch" WHERE "rolledUpAt" IS NULL ORDER BY id LIMIT $1`,
      [limit],
    );
    if (!rows.length) return { batches: 0 };
    const ids = `{${rows
      .map((r) => r.eventIds.slice(1, -1))
      .filter(Boolean)
      .join(",")}}`;
    // Every statement reads these events by primary key within their id range ($2..$3): `id = ANY(ids)`
    // alone is planned as a scan of the whole Event table (or of a workspace's index) per statement, so
    // each rollup would cost as much as the table is large instead of as many events as it counts.
    const bounds = rows.flatMap((r) => (r.low === null || r.high === null ? [] : [BigInt(r.low), BigInt(r.high)]));
    const low = bounds.reduce((a, b) => (b < a ? b : a), bounds[0] ?? 0n);
    const high = bounds.reduce((a, b) => (b > a ? b : a), bounds[0] ?? 0n);
    const params = [ids, low.toString(), high.toString()];
    // ORDER BY in every upsert: concurrent rollups lock catalog rows in the same order (no deadlocks).
    // The catalog caps (CATALOG_LIMITS, ./limits.ts): names, property keys and trait keys not yet catalogued
    // are added while their workspace is under the cap, in name order; past it they are left out (their
    // events are stored and counted as ever) and the catalog says it is full. Rollups run one at a time
    // (the advisory lock above), so the counts hold while each statement runs.
    await client.query(
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
      [...params, CATALOG_LIMITS.eventTypes],
    );
    await client.query(
      // only for catalogued names (a name left out by the cap has no volume either)
      `INSERT INTO "EventVolume" ("workspaceId", name, day, count)
       SELECT * FROM (
         SELECT "workspaceId", name, (timestamp AT TIME ZONE 'UTC')::date AS day, count(*) AS count FROM "Event"
          WHERE id BETWEEN $2 AND $3 AND id = ANY($1::bigint[]) AND name IS NOT NULL GROUP BY 1, 2, 3) v
        WHERE EXISTS (SELECT 1 FROM "EventType" t WHERE t."workspaceId" = v."workspaceId" AND t.name = v.name)
        ORDER BY 1, 2, 3
       ON CONFLICT ("workspaceId", name, day) DO UPDATE SET count = "EventVolume".count + excluded.count`,
      params,
    );
    await client.query(
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
      [...params, CATALOG_LIMITS.eventProperties],
    );
    // The trait catalog: identify traits, one level into objects ("address.city", what a segment's trait
    // path can name). Traits of an anonymous profile merged into a person were catalogued from its own
    // identifies; JSON null removes a trait, so it is no type.
    await client.query(
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
      [...params, CATALOG_LIMITS.profileTraits],
    );
    // Profiles are locked in id order, as ingestion locks them (./store-batch.ts): a join's own order
    // deadlocked with concurrent requests.
    await client.query(
      `WITH a AS (SELECT "profileId", min(timestamp) AS first, max(timestamp) AS last FROM "Event" WHERE id BETWEEN $2 AND $3 AND id = ANY($1::bigint[]) GROUP BY 1),
            l AS (SELECT p.id, a.first, a.last FROM "Profile" p JOIN a ON p.id = a."profileId"
                   WHERE p."firstSeenAt" > a.first OR p."lastSeenAt" < a.last ORDER BY p.id FOR UPDATE OF p)
       UPDATE "Profile" p SET "firstSeenAt" = LEAST(p."firstSeenAt", l.first), "lastSeenAt" = GREATEST(p."lastSeenAt", l.last) FROM l WHERE p.id = l.id`,
      params,
    );
    await client.query(`UPDATE "EventDispatch" SET "rolledUpAt" = now() WHERE id = ANY($1::bigint[])`, [
      rows.map((r) => r.id),
    ]);
    return { batches: rows.length };
  });
}

/** Rolls up everything pending (tests, the catalog page). */
export async function rollupAllPending(): Promise<void> {
  while ((await rollupIngestedEvents()).batches > 0) {
    // keep going until the log is caught up
  }
}
