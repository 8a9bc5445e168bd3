import "server-only";
import type pg from "pg";
import { z } from "zod";
import { pgPool, withTransaction } from "../db/pool";
import { execute, type Queryable, selectRow } from "../db/sql";

/**
 * The recommendation model, built incrementally from e-commerce events (Segment's spec names):
 *
 *   Product Viewed / Product Added  (properties.product_id)            → a "view" of the item
 *   Order Completed                 (properties.products[].product_id) → a "buy" of each item
 *
 * One cursor over Event.id for all workspaces. Each batch (the events after the cursor, up to a size) updates:
 *   - RecommendationInteraction: each person's items (count, last time; a new one gets its rank, 1, 2, … in the
 *     order the person first touched them),
 *   - RecommendationItemStat: how many people viewed / bought each item,
 *   - RecommendationPair: for each pair of items, how many people have both (a person's first PAIR_RANK_CAP items of
 *     a kind only: one crawler or reseller with 10,000 items cannot add 50 million pairs),
 *   - RecommendationNeighbors: the top-K neighbours of every item whose score list the batch changed,
 *   - RecommendationCategoryTop: the most viewed items of every catalog category that had a new viewer.
 *
 * The score is cosine similarity over people, c(a,b) / sqrt(n(a) * n(b)), times a significance shrink c / (c + 5).
 * Raw co-occurrence counts rank the best-sellers first for every item (everyone buys them, with everything);
 * dividing by sqrt(n(b)) is the popularity correction. Cosine on its own overrates pairs seen once between rare
 * items (1 / sqrt(1 * 1) = 1), which the shrink damps until a pair has a few people behind it.
 *
 * Nothing here depends on how the events were cut into batches: an interaction's rank is fixed by the order of
 * event ids, pair counts are sums, and the top-K of every item whose inputs changed (its pairs, its own count, or
 * a neighbour's count) is recomputed from the full pair table. So a run of small batches ends with exactly the
 * tables one batch over everything builds (recommendations.int.test.ts checks it).
 */

export const PAIR_RANK_CAP = 50;
export const TOP_K = 20;
/** how many of a category's most viewed items its "popular in category" list keeps */
export const CATEGORY_TOP = 100;
export const SHRINK = 5;
/** events younger than this are left for the next run: an ingest transaction that took an earlier id may not have committed yet */
export const SETTLE_MS = 5_000;
export const DEFAULT_BATCH = 50_000;
const BIG_BATCH_PAIRS = 100_000;
const BIG_BATCH_EVENTS = 20_000;

const CURSOR_ID = "events";
const VIEW_EVENTS = ["Product Viewed", "Product Added"];
const BUY_EVENTS = ["Order Completed"];

export interface BatchResult {
  /** the cursor before and after */
  from: bigint;
  to: bigint;
  events: number;
  newInteractions: number;
  pairIncrements: number;
  itemsRescored: number;
}

const Cursor = z.object({ lastEventId: z.union([z.string(), z.bigint(), z.number()]).transform((v) => BigInt(v)) });

/** Reads the cursor and takes the lock that serialises builds (a second runner waits, then sees the new cursor). */
async function lockCursor(q: Queryable): Promise<bigint> {
  await execute(
    q,
    `INSERT INTO "RecommendationCursor" (id, "lastEventId", "updatedAt") VALUES ($1, 0, now()) ON CONFLICT (id) DO NOTHING`,
    [CURSOR_ID],
  );
  const row = await selectRow(q, Cursor, `SELECT "lastEventId" FROM "RecommendationCursor" WHERE id = $1 FOR UPDATE`, [
    CURSOR_ID,
  ]);
  return row!.lastEventId;
}

const Range = z.object({
  unsettled: z.union([z.string(), z.bigint(), z.number()]).nullable(),
  last: z.union([z.string(), z.bigint(), z.number()]).nullable(),
  n: z.number(),
});

/**
 * Processes the next batch of events; returns null when there was nothing to do. `now` decides which events are
 * settled (received at least SETTLE_MS before it).
 */
export async function processBatch(
  options: { now?: Date; batchSize?: number; pool?: pg.Pool } = {},
): Promise<BatchResult | null> {
  const now = options.now ?? new Date();
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  return withTransaction(async (client) => {
    const from = await lockCursor(client);
    // the batch ends before the first event that has not settled
    const range = (await selectRow(
      client,
      Range,
      `WITH r AS (SELECT id, "receivedAt" FROM "Event" WHERE id > $1 ORDER BY id LIMIT $2)
       SELECT (SELECT min(id) FROM r WHERE "receivedAt" > $3) AS unsettled, (SELECT max(id) FROM r) AS last,
              (SELECT count(*)::int FROM r) AS n`,
      [from.toString(), batchSize, new Date(now.getTime() - SETTLE_MS)],
    ))!;
    const to =
      range.unsettled !== null ? BigInt(range.unsettled) - 1n : range.last !== null ? BigInt(range.last) : from;
    if (to <= from) return null;
    const result = await applyRange(client, from, to, now);
    await execute(client, `UPDATE "RecommendationCursor" SET "lastEventId" = $2, "updatedAt" = $3 WHERE id = $1`, [
      CURSOR_ID,
      to.toString(),
      now,
    ]);
    return { from, to, ...result };
  }, options.pool ?? pgPool());
}

/** Runs batches until the cursor reaches the settled end of the events (or `maxBatches`). */
export async function catchUp(
  options: { now?: Date; batchSize?: number; maxBatches?: number; pool?: pg.Pool } = {},
): Promise<{ batches: number; events: number; to: bigint | null }> {
  let batches = 0;
  let events = 0;
  let to: bigint | null = null;
  while (batches < (options.maxBatches ?? Number.POSITIVE_INFINITY)) {
    const result = await processBatch(options);
    if (!result) break;
    batches++;
    events += result.events;
    to = result.to;
  }
  return { batches, events, to };
}

/** Forgets everything built (all workspaces) and rewinds the cursor: the next runs rebuild from the first event. */
export async function resetRecommendations(pool: pg.Pool = pgPool()): Promise<void> {
  await withTransaction(async (client) => {
    await lockCursor(client);
    for (const table of [
      "RecommendationCategoryTop",
      "RecommendationNeighbors",
      "RecommendationPair",
      "RecommendationItemStat",
      "RecommendationInteraction",
    ])
      await execute(client, `DELETE FROM "${table}"`);
    await execute(client, `UPDATE "RecommendationCursor" SET "lastEventId" = 0 WHERE id = $1`, [CURSOR_ID]);
  }, pool);
}

const Count = z.object({ n: z.number() });
const count = async (q: Queryable, sql: string) => (await selectRow(q, Count, sql))!.n;

async function applyRange(q: Queryable, from: bigint, to: bigint, now: Date) {
  // 1. the batch's interactions, one row per person, kind and item
  await execute(
    q,
    `CREATE TEMP TABLE rec_batch ON COMMIT DROP AS
     SELECT e."workspaceId" AS ws, e."profileId" AS pid, k.kind, k.item,
            min(e.id) AS first_id, max(e.timestamp) AS last_at, count(*)::int AS n
       FROM "Event" e
       CROSS JOIN LATERAL (
         SELECT 'view'::text AS kind, e.properties->>'product_id' AS item WHERE e.name = ANY($3::text[])
         UNION ALL
         SELECT 'buy', p->>'product_id'
           FROM jsonb_array_elements(CASE WHEN e.name = ANY($4::text[]) AND jsonb_typeof(e.properties->'products') = 'array'
                                          THEN e.properties->'products' ELSE '[]'::jsonb END) AS p
          WHERE jsonb_typeof(p) = 'object'
       ) k
      WHERE e.id > $1 AND e.id <= $2 AND e.type = 'track' AND e.name = ANY($5::text[])
        AND k.item IS NOT NULL AND length(k.item) BETWEEN 1 AND 200
      GROUP BY 1, 2, 3, 4`,
    [from.toString(), to.toString(), VIEW_EVENTS, BUY_EVENTS, [...VIEW_EVENTS, ...BUY_EVENTS]],
  );
  const events = await count(
    q,
    `SELECT count(*)::int AS n FROM "Event" WHERE id > ${from} AND id <= ${to} AND type = 'track' AND name = ANY('{${[...VIEW_EVENTS, ...BUY_EVENTS].map((n) => `"${n}"`).join(",")}}'::text[])`,
  );
  // temporary tables have no statistics until analyzed: a big batch's joins need them to choose hash joins (a
  // small one's are fine either way, and skip the cost)
  const big = events > BIG_BATCH_EVENTS;
  if (big) await execute(q, `ANALYZE rec_batch`);

  // 2. which are new to the person, with their rank (after the person's existing items, in event order)
  await execute(
    q,
    `CREATE TEMP TABLE rec_fresh ON COMMIT DROP AS
     SELECT b.ws, b.pid, b.kind, b.item, b.first_id, b.last_at, b.n,
            (coalesce(m.rank, 0) + row_number() OVER (PARTITION BY b.ws, b.pid, b.kind ORDER BY b.first_id, b.item))::int AS rank
       FROM rec_batch b
       LEFT JOIN LATERAL (
         SELECT max(x.rank) AS rank FROM "RecommendationInteraction" x
          WHERE x."workspaceId" = b.ws AND x."profileId" = b.pid AND x.kind = b.kind
       ) m ON true
      WHERE NOT EXISTS (
        SELECT 1 FROM "RecommendationInteraction" i
         WHERE i."workspaceId" = b.ws AND i."profileId" = b.pid AND i.kind = b.kind AND i."itemId" = b.item
      )`,
  );
  if (big) await execute(q, `ANALYZE rec_fresh`);
  const newInteractions = await count(q, `SELECT count(*)::int AS n FROM rec_fresh`);

  // 3. pair increments, before the new interactions join the table: new × existing (both directions), new × new
  await execute(
    q,
    `CREATE TEMP TABLE rec_pairs ON COMMIT DROP AS
     SELECT ws, kind, a, b, count(*)::int AS people FROM (
       SELECT f.ws, f.kind, f.item AS a, x."itemId" AS b
         FROM rec_fresh f JOIN "RecommendationInteraction" x
           ON x."workspaceId" = f.ws AND x."profileId" = f.pid AND x.kind = f.kind AND x.rank <= $1
        WHERE f.rank <= $1
       UNION ALL
       SELECT f.ws, f.kind, x."itemId", f.item
         FROM rec_fresh f JOIN "RecommendationInteraction" x
           ON x."workspaceId" = f.ws AND x."profileId" = f.pid AND x.kind = f.kind AND x.rank <= $1
        WHERE f.rank <= $1
       UNION ALL
       SELECT f1.ws, f1.kind, f1.item, f2.item
         FROM rec_fresh f1 JOIN rec_fresh f2
           ON f2.ws = f1.ws AND f2.pid = f1.pid AND f2.kind = f1.kind AND f2.item <> f1.item AND f2.rank <= $1
        WHERE f1.rank <= $1
     ) t GROUP BY 1, 2, 3, 4`,
    [PAIR_RANK_CAP],
  );
  if (big) await execute(q, `ANALYZE rec_pairs`);
  const pairIncrements = await count(q, `SELECT count(*)::int AS n FROM rec_pairs`);

  // 4. the writes
  await execute(
    q,
    `INSERT INTO "RecommendationInteraction" ("workspaceId", "profileId", kind, "itemId", rank, count, "firstEventId", "lastAt")
     SELECT ws, pid, kind, item, rank, n, first_id, last_at FROM rec_fresh`,
  );
  await execute(
    q,
    `UPDATE "RecommendationInteraction" i SET count = i.count + b.n, "lastAt" = greatest(i."lastAt", b.last_at)
       FROM rec_batch b
      WHERE i."workspaceId" = b.ws AND i."profileId" = b.pid AND i.kind = b.kind AND i."itemId" = b.item
        AND i."firstEventId" < b.first_id`,
  );
  await execute(
    q,
    `INSERT INTO "RecommendationItemStat" ("workspaceId", kind, "itemId", people)
     SELECT ws, kind, item, count(*)::int FROM rec_fresh GROUP BY 1, 2, 3
     ON CONFLICT ("workspaceId", kind, "itemId") DO UPDATE SET people = "RecommendationItemStat".people + excluded.people`,
  );
  await execute(
    q,
    `INSERT INTO "RecommendationPair" ("workspaceId", kind, "itemA", "itemB", people)
     SELECT ws, kind, a, b, people FROM rec_pairs
     ON CONFLICT ("workspaceId", kind, "itemA", "itemB") DO UPDATE SET people = "RecommendationPair".people + excluded.people`,
  );

  // 5. the items whose neighbour list may have changed: their pairs changed, their own count changed, or the count
  // of one of their neighbours did
  await execute(
    q,
    `CREATE TEMP TABLE rec_rescore ON COMMIT DROP AS
     SELECT DISTINCT ws, kind, item FROM (
       SELECT ws, kind, a AS item FROM rec_pairs
       UNION ALL
       SELECT DISTINCT ws, kind, item FROM rec_fresh
       UNION ALL
       SELECT p."workspaceId", p.kind, p."itemB"
         FROM (SELECT DISTINCT ws, kind, item FROM rec_fresh) s
         JOIN "RecommendationPair" p ON p."workspaceId" = s.ws AND p.kind = s.kind AND p."itemA" = s.item
     ) t`,
  );
  const itemsRescored = await count(q, `SELECT count(*)::int AS n FROM rec_rescore`);
  // set-based (one join and a window over all rescored items), not a subquery per item: a first build rescoring
  // every item would otherwise read the pair table once per item
  if (big) await execute(q, `ANALYZE rec_rescore`);
  // a big batch (the first build) grew the tables from nothing inside this transaction, where autovacuum's
  // statistics cannot see them yet: without fresh ones the planner loops over "empty" tables
  if (pairIncrements > BIG_BATCH_PAIRS) {
    await execute(q, `ANALYZE "RecommendationPair"`);
    await execute(q, `ANALYZE "RecommendationItemStat"`);
  }
  await execute(
    q,
    `INSERT INTO "RecommendationNeighbors" ("workspaceId", kind, "itemId", neighbors, "updatedAt")
     SELECT ws, kind, item,
            jsonb_agg(jsonb_build_object('id', b, 'score', score, 'people', people) ORDER BY score DESC, b), $3
       FROM (
         SELECT r.ws, r.kind, r.item, p."itemB" AS b, p.people, s.score,
                row_number() OVER (PARTITION BY r.ws, r.kind, r.item ORDER BY s.score DESC, p."itemB") AS position
           FROM rec_rescore r
           JOIN "RecommendationItemStat" sa ON sa."workspaceId" = r.ws AND sa.kind = r.kind AND sa."itemId" = r.item
           JOIN "RecommendationPair" p ON p."workspaceId" = r.ws AND p.kind = r.kind AND p."itemA" = r.item
           JOIN "RecommendationItemStat" sb
             ON sb."workspaceId" = p."workspaceId" AND sb.kind = p.kind AND sb."itemId" = p."itemB"
           CROSS JOIN LATERAL (
             SELECT round((p.people / sqrt(sa.people::float8 * sb.people) * p.people / (p.people + $1))::numeric, 9)::float8 AS score
           ) s
       ) ranked
      WHERE position <= $2
      GROUP BY ws, kind, item
     ON CONFLICT ("workspaceId", kind, "itemId") DO UPDATE SET neighbors = excluded.neighbors, "updatedAt" = excluded."updatedAt"`,
    [SHRINK, TOP_K, now],
  );

  // 6. "popular in category" for the catalog categories of the items that gained a viewer (only a new viewer
  // changes a view count)
  await writeCategoryTops(
    q,
    `SELECT DISTINCT ci."catalogId", ci.category
       FROM (SELECT DISTINCT ws, item FROM rec_fresh WHERE kind = 'view') f
       JOIN "Catalog" k ON k."workspaceId" = f.ws
       JOIN "CatalogItem" ci ON ci."catalogId" = k.id AND ci."itemId" = f.item
      WHERE ci.category IS NOT NULL`,
    [],
    now,
  );
  return { events, newInteractions, pairIncrements, itemsRescored };
}

/**
 * Recomputes the "popular in category" lists of the (catalog, category) pairs a query returns (columns
 * "catalogId", category): each category's CATEGORY_TOP most viewed items, in stock or not (stock is checked when
 * a list is read, so a stock change needs no rebuild). A category whose items nobody viewed loses its list.
 */
async function writeCategoryTops(q: Queryable, pairs: string, params: unknown[], now: Date): Promise<void> {
  const at = params.length + 1;
  // one statement: the touched categories are found once; those that got no list (none of their items has a
  // viewer any more) lose the one they had. The upsert and the delete touch different rows.
  await execute(
    q,
    `WITH touched AS (${pairs}),
     written AS (
       INSERT INTO "RecommendationCategoryTop" ("workspaceId", "catalogId", category, items, "updatedAt")
       SELECT ws, "catalogId", category,
              jsonb_agg(jsonb_build_object('id', "itemId", 'people', people) ORDER BY people DESC, "itemId"), $${at + 1}
         FROM (
           SELECT c."workspaceId" AS ws, c."catalogId", c.category, c."itemId", s.people,
                  row_number() OVER (PARTITION BY c."catalogId", c.category ORDER BY s.people DESC, c."itemId") AS position
             FROM touched
             JOIN "CatalogItem" c ON c."catalogId" = touched."catalogId" AND c.category = touched.category
             JOIN "RecommendationItemStat" s
               ON s."workspaceId" = c."workspaceId" AND s.kind = 'view' AND s."itemId" = c."itemId"
         ) ranked
        WHERE position <= $${at}
        GROUP BY ws, "catalogId", category
       ON CONFLICT ("catalogId", category) DO UPDATE SET items = excluded.items, "updatedAt" = excluded."updatedAt"
       RETURNING "catalogId", category
     )
     DELETE FROM "RecommendationCategoryTop" t USING touched
      WHERE t."catalogId" = touched."catalogId" AND t.category = touched.category
        AND NOT EXISTS (SELECT 1 FROM written w WHERE w."catalogId" = t."catalogId" AND w.category = t.category)`,
    [...params, CATEGORY_TOP, now],
  );
}

/**
 * After a catalog write: the lists of the categories the written items are now in, and of those they left (an
 * item that moved category is already skipped where a list is read; this puts it in its new category's list).
 */
export function refreshCategoryTops(
  q: Queryable,
  catalogId: string,
  categories: (string | null)[],
  now: Date,
): Promise<void> {
  const named = [...new Set(categories.filter((c): c is string => c !== null))];
  if (!named.length) return Promise.resolve();
  return writeCategoryTops(
    q,
    `SELECT $1::uuid AS "catalogId", category FROM unnest($2::text[]) AS t(category)`,
    [catalogId, named],
    now,
  );
}
