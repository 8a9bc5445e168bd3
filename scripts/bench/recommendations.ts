/**
 * npm run bench:recommendations — the recommendation model (lib/recommendations) against a real Postgres.
 *
 *   1. a fresh database on DATABASE_URL's server (default: the local Postgres at 127.0.0.1:5432), a workspace, a
 *      product catalog of ITEMS items (default 100,000) and EVENTS events (default 5,000,000) from the synthetic
 *      shop of lib/recommendations/synthetic.ts, whose co-purchase structure is known: bundles of 8 consecutive
 *      items (p0–p7, p8–p15, …; 88% of the items), 100 best-sellers and a long tail. Each person belongs to one
 *      bundle, views 3 of its items (one twice) and one long-tail item, and places one order of 3 items of the
 *      bundle and 1 best-seller: 5 events a person, EVENTS / 5 people. Loaded with multi-row inserts of 50,000
 *      (Event's secondary indexes dropped first: the build reads events by primary key only);
 *   2. the full build: one batch over every event (what the first run after an upgrade does), timed;
 *   3. an incremental batch: INCREMENT more events (default 50,000: new people of the same shop) and one
 *      processBatch() over them, timed (what the every-minute function does);
 *   4. per-person lookup latency: LOOKUPS (default 2,000) random people, one at a time, each a full
 *      recommend() call ("bought together", 4 items: the person's purchases, seeds, neighbours, catalog rows,
 *      stock and exclusion), p50/p95/p99; and the same for "recently viewed";
 *   5. quality: precision@5 of the stored "bought together" lists against the known bundles, over SAMPLE (default
 *      5,000) random bundled items; baselines, same run: popularity only (the 5 most bought items for every item)
 *      and the ratio, and raw co-occurrence counts (the pair table ranked without the popularity correction).
 * Timings are printed, never asserted. BENCH_SCALE (default 1) multiplies ITEMS, EVENTS and INCREMENT for a
 * smaller run (0.1 = 10,000 items and 500,000 events). BENCH_KEEP_DB=1 keeps the database.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { generateEvents, itemId, type SyntheticEvent, type SyntheticShop } from "../../lib/recommendations/synthetic";
import { benchWorkspace, freshDatabase, percentile, runBench } from "./harness";

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const ITEMS = Math.round(100_000 * SCALE);
const EVENTS = Math.round(5_000_000 * SCALE);
const INCREMENT = Math.max(5_000, Math.round(50_000 * SCALE));
const LOOKUPS = Number(process.env.BENCH_LOOKUPS ?? 2_000);
const SAMPLE = Number(process.env.BENCH_SAMPLE ?? 5_000);
const EVENTS_PER_PERSON = 5;
const CHUNK = 50_000;

const shopOf = (people: number, seed: number): SyntheticShop => ({
  items: ITEMS,
  bundleSize: 8,
  bundles: Math.floor((ITEMS * 0.88) / 8),
  bestSellers: 100,
  people,
  bundleItemsPerOrder: 3,
  bestSellersPerOrder: 1,
  viewsPerPerson: 4,
  seed,
});

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const n = (x: number) => x.toLocaleString("en-US");

async function loadEvents(client: pg.Client, workspaceId: string, shop: SyntheticShop, label: string) {
  const started = performance.now();
  const profiles: string[] = [];
  let rows: SyntheticEvent[] = [];
  let loaded = 0;
  const start = Date.now() - 30 * 86_400_000;
  const flush = async () => {
    if (!rows.length) return;
    const batch = rows;
    rows = [];
    await client.query(
      `INSERT INTO "Event" ("workspaceId", "messageId", type, name, "profileId", properties, timestamp, "receivedAt", source)
       SELECT $1, gen_random_uuid()::text, 'track', t.name, t.profile, t.properties, t.at, t.at, 'api'
         FROM unnest($2::uuid[], $3::text[], $4::jsonb[], $5::timestamptz[]) AS t(profile, name, properties, at)`,
      [
        workspaceId,
        batch.map((e) => profiles[e.person]),
        batch.map((e) => e.name),
        batch.map((e) => JSON.stringify(e.properties)),
        batch.map((e) => new Date(start + e.at * 1000)),
      ],
    );
    loaded += batch.length;
    process.stdout.write(`\r  ${label}: ${n(loaded)} events (${secs(performance.now() - started)})`);
  };
  const pending: SyntheticEvent[][] = [];
  generateEvents(shop, (events) => {
    profiles[events[0].person] = randomUUID();
    pending.push(events);
  });
  for (const events of pending) {
    rows.push(...events);
    if (rows.length >= CHUNK) await flush();
  }
  await flush();
  process.stdout.write("\n");
  return { profiles, events: loaded, ms: performance.now() - started };
}

async function main() {
  console.log(
    `bench:recommendations: ${n(ITEMS)} items, ${n(EVENTS)} events (BENCH_SCALE=${SCALE}); a shared machine: figures vary between runs`,
  );
  const database = await freshDatabase("cairn_bench_recommendations");
  process.env.DATABASE_URL = database.url;
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { workspace } = await benchWorkspace();
    const { upsertItems } = await import("../../lib/catalogs/store/catalogs");
    const { catchUp, processBatch } = await import("../../lib/recommendations/build");
    const { recommend } = await import("../../lib/recommendations/recommend");
    const { pgPool, closePgPool } = await import("../../lib/db/pool");

    // the catalog
    const shop = shopOf(Math.floor(EVENTS / EVENTS_PER_PERSON), 42);
    const { rows: catalogRows } = await client.query<{ id: string }>(
      `INSERT INTO "Catalog" (id, "workspaceId", key, name, kind) VALUES (gen_random_uuid(), $1, 'products', 'Products', 'products') RETURNING id`,
      [workspace.id],
    );
    const catalog = { id: catalogRows[0].id, key: "products", workspaceId: workspace.id };
    const items = Array.from({ length: ITEMS }, (_, i) => ({
      id: itemId(i),
      name: `Item ${i}`,
      url: `https://shop.example/p/${i}`,
      imageUrl: null,
      price: (5 + (i % 200)).toFixed(2),
      currency: "USD",
      category: i < shop.bundles * shop.bundleSize ? `c${Math.floor(i / 8)}` : "misc",
      inStock: true,
      data: {},
    }));
    const catalogStart = performance.now();
    await upsertItems(client, catalog, items, new Date());
    console.log(`catalog: ${n(ITEMS)} items in ${secs(performance.now() - catalogStart)}`);

    // the events
    const { rows: indexes } = await client.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE tablename = 'Event' AND indexname <> 'Event_pkey'`,
    );
    for (const index of indexes) await client.query(`DROP INDEX "${index.indexname}"`);
    const loaded = await loadEvents(client, workspace.id, shop, "load");
    await client.query(`VACUUM ANALYZE "Event"`);
    console.log(`events: ${n(loaded.events)} from ${n(shop.people)} people in ${secs(loaded.ms)}`);

    // 2. the full build
    const later = () => new Date(Date.now() + 3_600_000);
    const fullStart = performance.now();
    const full = await catchUp({ now: later(), batchSize: EVENTS + 1 });
    const fullMs = performance.now() - fullStart;
    const sizes = await client.query(
      `SELECT (SELECT count(*) FROM "RecommendationInteraction")::int AS interactions,
              (SELECT count(*) FROM "RecommendationPair")::int AS pairs,
              (SELECT count(*) FROM "RecommendationNeighbors")::int AS lists`,
    );
    console.log(
      `full build: ${n(full.events)} events in ${secs(fullMs)} (${n(Math.round(full.events / (fullMs / 1000)))} events/s); ${n(sizes.rows[0].interactions)} interactions, ${n(sizes.rows[0].pairs)} pairs, ${n(sizes.rows[0].lists)} neighbour lists`,
    );
    await client.query(`VACUUM ANALYZE "RecommendationInteraction"`);
    await client.query(`VACUUM ANALYZE "RecommendationPair"`);
    await client.query(`VACUUM ANALYZE "RecommendationNeighbors"`);
    await client.query(`VACUUM ANALYZE "RecommendationItemStat"`);

    // 3. an incremental batch
    const more = await loadEvents(
      client,
      workspace.id,
      shopOf(Math.floor(INCREMENT / EVENTS_PER_PERSON), 4242),
      "increment",
    );
    const incStart = performance.now();
    const batch = await processBatch({ now: later(), batchSize: INCREMENT + 1 });
    const incMs = performance.now() - incStart;
    console.log(
      `incremental batch: ${n(batch?.events ?? 0)} events in ${secs(incMs)} (${n(batch?.newInteractions ?? 0)} new interactions, ${n(batch?.pairIncrements ?? 0)} pair increments, ${n(batch?.itemsRescored ?? 0)} items rescored)`,
    );

    // 4. per-person lookups
    const pool = pgPool();
    const people = [...loaded.profiles, ...more.profiles];
    for (const strategy of ["bought_together", "recently_viewed"] as const) {
      const times: number[] = [];
      let empty = 0;
      for (let i = 0; i < LOOKUPS + 100; i++) {
        const person = people[Math.floor(Math.random() * people.length)];
        const t0 = performance.now();
        const out = await recommend(pool, workspace.id, person, {
          catalog,
          strategy,
          limit: 4,
          category: null,
          item: null,
        });
        const ms = performance.now() - t0;
        if (i >= 100) times.push(ms); // the first 100 warm the pool's connections
        if (!out.items.length) empty++;
      }
      times.sort((a, b) => a - b);
      console.log(
        `lookup ${strategy} (limit 4), ${n(LOOKUPS)} people one at a time: p50 ${percentile(times, 50).toFixed(2)} ms, p95 ${percentile(times, 95).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms (target p99 ≤ 5 ms); ${empty} empty`,
      );
    }

    // 5. quality against the known bundles
    const bundled = shop.bundles * shop.bundleSize;
    const sample = Array.from({ length: Math.min(SAMPLE, bundled) }, () => Math.floor(Math.random() * bundled));
    const { rows: lists } = await client.query<{ itemId: string; neighbors: { id: string }[] }>(
      `SELECT "itemId", neighbors FROM "RecommendationNeighbors" WHERE "workspaceId" = $1 AND kind = 'buy' AND "itemId" = ANY($2::text[])`,
      [workspace.id, sample.map(itemId)],
    );
    const byItem = new Map(lists.map((r) => [r.itemId, r.neighbors.map((x) => x.id)]));
    const { rows: top } = await client.query<{ itemId: string }>(
      `SELECT "itemId" FROM "RecommendationItemStat" WHERE "workspaceId" = $1 AND kind = 'buy' ORDER BY people DESC, "itemId" LIMIT 6`,
      [workspace.id],
    );
    // second baseline: the same lists ranked by raw co-occurrence counts (no popularity correction)
    const { rows: rawLists } = await client.query<{ itemA: string; list: string[] }>(
      `SELECT "itemA", (array_agg("itemB" ORDER BY people DESC, "itemB"))[1:5] AS list FROM "RecommendationPair"
        WHERE "workspaceId" = $1 AND kind = 'buy' AND "itemA" = ANY($2::text[]) GROUP BY "itemA"`,
      [workspace.id, sample.map(itemId)],
    );
    const rawByItem = new Map(rawLists.map((r) => [r.itemA, r.list]));
    const bundleOf = (id: string) => Math.floor(Number(id.slice(1)) / 8);
    let hits = 0;
    let baseHits = 0;
    let rawHits = 0;
    for (const i of sample) {
      const id = itemId(i);
      rawHits += (rawByItem.get(id) ?? []).filter(
        (x) => Number(x.slice(1)) < bundled && bundleOf(x) === bundleOf(id),
      ).length;
      hits += (byItem.get(id) ?? [])
        .slice(0, 5)
        .filter((x) => Number(x.slice(1)) < bundled && bundleOf(x) === bundleOf(id)).length;
      const popular = top
        .map((r) => r.itemId)
        .filter((x) => x !== id)
        .slice(0, 5);
      baseHits += popular.filter((x) => Number(x.slice(1)) < bundled && bundleOf(x) === bundleOf(id)).length;
    }
    const precision = hits / (sample.length * 5);
    const baseline = baseHits / (sample.length * 5);
    const raw = rawHits / (sample.length * 5);
    console.log(
      `precision@5 of "bought together" against the known bundles, ${n(sample.length)} items: ${precision.toFixed(3)}; baseline popularity only: ${baseline.toFixed(3)} (ratio ${baseline > 0 ? (precision / baseline).toFixed(1) : "∞"}); raw co-occurrence counts without the correction: ${raw.toFixed(3)}`,
    );
    await closePgPool();
  } finally {
    await client.end();
    await database.drop();
  }
}

runBench(main);
