import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { setUpFreshDatabase } from "@/lib/testing/fresh-database";
import { uploadCatalog } from "../catalogs/manage-catalogs";
import { selectCatalogByKey } from "../catalogs/store/catalogs";
import { pgPool } from "../db/pool";
import { contextOf, createWorkspaceWithTeam } from "../testing/factories";
import { catchUp, processBatch, resetRecommendations, SETTLE_MS } from "./build";
import { recommend } from "./recommend";
import { categoryOf, generateEvents, itemId, precisionAtK, type SyntheticShop } from "./synthetic";

/**
 * The recommendation model on a small synthetic shop with a known co-purchase structure (lib/recommendations/
 * synthetic.ts): "bought together" finds the bundles despite best-sellers bought with everything (precision@5,
 * where raw co-occurrence counts fail), incremental batches end with exactly the tables of one full build, and a
 * person's recommendations exclude what they bought and out-of-stock items, and fall back when history is thin.
 */

const SHOP: SyntheticShop = {
  items: 120,
  bundles: 12,
  bundleSize: 6,
  bestSellers: 5,
  people: 600,
  bundleItemsPerOrder: 3,
  bestSellersPerOrder: 4,
  viewsPerPerson: 4,
  seed: 7,
};

const START = Date.parse("2026-11-01T00:00:00Z");
const LATER = () => new Date(Date.now() + SETTLE_MS + 60_000);

async function insertEvents(workspaceId: string, shop: SyntheticShop): Promise<string[]> {
  const profiles = Array.from({ length: shop.people }, () => randomUUID());
  const rows: { profile: string; name: string; properties: string; at: Date }[] = [];
  generateEvents(shop, (events) => {
    for (const e of events)
      rows.push({
        profile: profiles[e.person],
        name: e.name,
        properties: JSON.stringify(e.properties),
        at: new Date(START + e.at * 1000),
      });
  });
  await pgPool().query(
    `INSERT INTO "Event" ("workspaceId", "messageId", type, name, "profileId", properties, timestamp, "receivedAt")
     SELECT $1, gen_random_uuid()::text, 'track', t.name, t.profile, t.properties, t.at, t.at
       FROM unnest($2::uuid[], $3::text[], $4::jsonb[], $5::timestamptz[]) AS t(profile, name, properties, at)`,
    [
      workspaceId,
      rows.map((r) => r.profile),
      rows.map((r) => r.name),
      rows.map((r) => r.properties),
      rows.map((r) => r.at),
    ],
  );
  return profiles;
}

async function shopWorkspace() {
  const t = await createWorkspaceWithTeam("Recommendations");
  const ctx = await contextOf(t, "EDITOR");
  const { createCatalog } = await import("../catalogs/manage-catalogs");
  await createCatalog(ctx, { key: "products", name: "Products" });
  await uploadCatalog(
    ctx,
    "products",
    {
      items: Array.from({ length: SHOP.items }, (_, n) => ({
        id: itemId(n),
        name: `Item ${n}`,
        price: 10 + n,
        category: categoryOf(SHOP, n),
        in_stock: true,
      })),
    },
    { mode: "upsert", dryRun: false },
  );
  const catalog = (await selectCatalogByKey(pgPool(), t.id, "products"))!;
  return { t, ctx, catalog };
}

async function neighbourLists(workspaceId: string, kind: string): Promise<Map<string, string[]>> {
  const { rows } = await pgPool().query(
    `SELECT "itemId", neighbors FROM "RecommendationNeighbors" WHERE "workspaceId" = $1 AND kind = $2`,
    [workspaceId, kind],
  );
  return new Map(rows.map((r) => [r.itemId as string, (r.neighbors as { id: string }[]).map((n) => n.id)]));
}

/** The same lists ranked by raw co-occurrence counts: what the model would be without its popularity correction. */
async function rawCountLists(workspaceId: string, kind: string): Promise<Map<string, string[]>> {
  const { rows } = await pgPool().query(
    `SELECT "itemA", array_agg("itemB" ORDER BY people DESC, "itemB") AS list FROM "RecommendationPair"
      WHERE "workspaceId" = $1 AND kind = $2 GROUP BY "itemA"`,
    [workspaceId, kind],
  );
  return new Map(rows.map((r) => [r.itemA as string, r.list as string[]]));
}

async function snapshot(workspaceId: string) {
  const q = (sql: string) =>
    pgPool()
      .query(sql, [workspaceId])
      .then((r) => r.rows);
  return {
    interactions: await q(
      `SELECT "profileId", kind, "itemId", rank, count, "firstEventId"::text, "lastAt" FROM "RecommendationInteraction" WHERE "workspaceId" = $1 ORDER BY 1, 2, 3`,
    ),
    stats: await q(
      `SELECT kind, "itemId", people FROM "RecommendationItemStat" WHERE "workspaceId" = $1 ORDER BY 1, 2`,
    ),
    pairs: await q(
      `SELECT kind, "itemA", "itemB", people FROM "RecommendationPair" WHERE "workspaceId" = $1 ORDER BY 1, 2, 3`,
    ),
    neighbours: await q(
      `SELECT kind, "itemId", neighbors FROM "RecommendationNeighbors" WHERE "workspaceId" = $1 ORDER BY 1, 2`,
    ),
    categoryTops: await q(
      `SELECT category, items FROM "RecommendationCategoryTop" WHERE "workspaceId" = $1 ORDER BY 1`,
    ),
  };
}

async function insertViews(workspaceId: string, views: [profile: string, item: string][]) {
  await pgPool().query(
    `INSERT INTO "Event" ("workspaceId", "messageId", type, name, "profileId", properties, timestamp, "receivedAt")
     SELECT $1, gen_random_uuid()::text, 'track', 'Product Viewed', t.profile, jsonb_build_object('product_id', t.item), $4, $4
       FROM unnest($2::uuid[], $3::text[]) AS t(profile, item)`,
    [workspaceId, views.map((v) => v[0]), views.map((v) => v[1]), new Date(START)],
  );
}

// Its own database: the recommendation model has one cursor over every workspace's events (lib/recommendations/build.ts),
// so another file's build or reset would take in, or wipe, this file's events.
setUpFreshDatabase();

describe("recommendations", () => {
  it("bought together finds the bundles (precision@5), where raw co-occurrence counts rank the best-sellers first", async () => {
    const { t } = await shopWorkspace();
    await insertEvents(t.id, SHOP);
    await catchUp({ now: LATER(), batchSize: 1_000_000 });
    const corrected = precisionAtK(SHOP, await neighbourLists(t.id, "buy"));
    const raw = precisionAtK(SHOP, await rawCountLists(t.id, "buy"));
    expect(corrected.items).toBe(SHOP.bundles * SHOP.bundleSize);
    expect(corrected.precision).toBeGreaterThanOrEqual(0.8);
    expect(raw.precision).toBeLessThan(0.4);
  });

  it("incremental batches of any size end with exactly the tables of one full build", async () => {
    const { t } = await shopWorkspace();
    await insertEvents(t.id, { ...SHOP, people: 150, seed: 11 });
    await resetRecommendations();
    await catchUp({ now: LATER(), batchSize: 1_000_000 });
    const full = await snapshot(t.id);
    expect(full.pairs.length).toBeGreaterThan(100);
    expect(full.categoryTops.length).toBe(SHOP.bundles + 1);

    await resetRecommendations();
    let batches = 0;
    for (const size of [37, 1, 200, 5, 89]) {
      const r = await processBatch({ now: LATER(), batchSize: size });
      if (r) batches++;
    }
    await catchUp({ now: LATER(), batchSize: 997 });
    expect(batches).toBe(5);
    expect(await snapshot(t.id)).toEqual(full);
  });

  it("leaves events that have not settled for the next run", async () => {
    const { t } = await shopWorkspace();
    await catchUp({ now: LATER() });
    const now = new Date();
    const profile = randomUUID();
    await pgPool().query(
      `INSERT INTO "Event" ("workspaceId", "messageId", type, name, "profileId", properties, timestamp, "receivedAt")
       VALUES ($1, gen_random_uuid()::text, 'track', 'Product Viewed', $2, '{"product_id":"p1"}', $3, $3)`,
      [t.id, profile, now],
    );
    expect(await processBatch({ now })).toBeNull();
    expect((await processBatch({ now: new Date(now.getTime() + SETTLE_MS + 1) }))?.events).toBe(1);
  });

  it("a person's lists exclude what they bought and what is out of stock, and fall back when history is thin", async () => {
    const { t, ctx, catalog } = await shopWorkspace();
    const profiles = await insertEvents(t.id, SHOP);
    await catchUp({ now: LATER(), batchSize: 1_000_000 });
    const person = profiles[0];
    const { rows: bought } = await pgPool().query(
      `SELECT "itemId" FROM "RecommendationInteraction" WHERE "workspaceId" = $1 AND "profileId" = $2 AND kind = 'buy'`,
      [t.id, person],
    );
    const boughtIds = bought.map((r) => r.itemId as string);
    expect(boughtIds.length).toBe(SHOP.bundleItemsPerOrder + SHOP.bestSellersPerOrder);

    const together = await recommend(pgPool(), t.id, person, {
      catalog,
      strategy: "bought_together",
      limit: 4,
      category: null,
      item: null,
    });
    expect(together.items).toHaveLength(4);
    expect(together.items.map((i) => i.itemId).filter((id) => boughtIds.includes(id))).toEqual([]);
    expect(together.via[0]).toBe("bought_together");
    // seeded with one of their bundle's items: the rest of that bundle, minus what they bought
    const bundleOf = (id: string) => categoryOf(SHOP, Number(id.slice(1)));
    const seed = boughtIds.find((id) => bundleOf(id) !== "misc")!;
    const seeded = await recommend(pgPool(), t.id, person, {
      catalog,
      strategy: "bought_together",
      limit: 3,
      category: null,
      item: seed,
    });
    expect(seeded.seeds).toEqual([seed]);
    expect(seeded.items.map((i) => bundleOf(i.itemId))).toEqual([bundleOf(seed), bundleOf(seed), bundleOf(seed)]);
    expect(seeded.items.map((i) => i.itemId).filter((id) => boughtIds.includes(id))).toEqual([]);

    // out of stock: the first pick disappears from the list
    const first = together.items[0].itemId;
    const { patchItems } = await import("../catalogs/manage-catalogs");
    await patchItems(ctx, "products", { items: [{ id: first, in_stock: false }] });
    const again = await recommend(pgPool(), t.id, person, {
      catalog,
      strategy: "bought_together",
      limit: 4,
      category: null,
      item: null,
    });
    expect(again.items.map((i) => i.itemId)).not.toContain(first);

    // a stranger: nothing to start from, so the list is popular items, and says so
    const stranger = await recommend(pgPool(), t.id, randomUUID(), {
      catalog,
      strategy: "viewed_together",
      limit: 3,
      category: null,
      item: null,
    });
    expect(stranger.items).toHaveLength(3);
    expect(stranger.fallback).toEqual(["popular"]);
    expect(stranger.reason).toContain("0 of 3 from viewed_together (0 seed items)");
    expect(new Set(stranger.via)).toEqual(new Set(["popular"]));

    // recently viewed: the person's own views, newest first, without what they bought
    const recent = await recommend(pgPool(), t.id, person, {
      catalog,
      strategy: "recently_viewed",
      limit: 5,
      category: null,
      item: null,
    });
    expect(recent.items.every((i) => !boughtIds.includes(i.itemId))).toBe(true);
    // popular in a named category: only that category, in stock
    const inCategory = await recommend(pgPool(), t.id, null, {
      catalog,
      strategy: "popular_in_category",
      limit: 3,
      category: "c2",
      item: null,
    });
    expect(inCategory.items.map((i) => i.category)).toEqual(["c2", "c2", "c2"]);
  });

  it("popular in category reads the category's list: the most viewed of a big category first, kept by catalog writes", async () => {
    const { t, ctx, catalog } = await shopWorkspace();
    // 600 items in "big", more than a category read without a list considers (500, by id): its most viewed item
    // sorts last by id
    const big = Array.from({ length: 600 }, (_, n) => `b${String(n).padStart(3, "0")}`);
    await uploadCatalog(
      ctx,
      "products",
      { items: big.map((id) => ({ id, name: id, price: 1, category: "big", in_stock: true })) },
      { mode: "upsert", dryRun: false },
    );
    const viewers = (item: string, people: number) =>
      Array.from({ length: people }, () => [randomUUID(), item] as [string, string]);
    await insertViews(t.id, [...viewers("b599", 5), ...viewers("b598", 3), ...viewers("b000", 1)]);
    await catchUp({ now: LATER() });
    const inBig = async (limit: number) =>
      (
        await recommend(pgPool(), t.id, null, {
          catalog,
          strategy: "popular_in_category",
          limit,
          category: "big",
          item: null,
        })
      ).items.map((i) => i.itemId);
    expect(await inBig(3)).toEqual(["b599", "b598", "b000"]);

    // an item that moves category leaves the list of the one it left and joins the other's at once
    const { patchItems } = await import("../catalogs/manage-catalogs");
    await patchItems(ctx, "products", { items: [{ id: "b599", category: "c3" }] });
    expect((await inBig(2)).slice(0, 2)).toEqual(["b598", "b000"]);
    const { rows } = await pgPool().query(
      `SELECT items FROM "RecommendationCategoryTop" WHERE "catalogId" = $1 AND category = 'c3'`,
      [catalog.id],
    );
    expect((rows[0].items as { id: string }[])[0].id).toBe("b599");

    // out of stock: skipped where the list is read, without a rebuild
    await patchItems(ctx, "products", { items: [{ id: "b598", in_stock: false }] });
    const after = await recommend(pgPool(), t.id, null, {
      catalog,
      strategy: "popular_in_category",
      limit: 2,
      category: "big",
      item: null,
    });
    expect(after.items[0].itemId).toBe("b000");
    expect(after.items.map((i) => i.itemId)).not.toContain("b598");

    // a category left with no viewed item loses its list
    await patchItems(ctx, "products", {
      items: [
        { id: "b598", category: "c4" },
        { id: "b000", category: "c4" },
      ],
    });
    const lists = await pgPool().query(
      `SELECT category FROM "RecommendationCategoryTop" WHERE "catalogId" = $1 AND category IN ('big', 'c4')`,
      [catalog.id],
    );
    expect(lists.rows.map((r) => r.category)).toEqual(["c4"]);
  });
});
