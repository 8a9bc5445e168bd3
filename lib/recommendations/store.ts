import { z } from "zod";
import { type Queryable, selectRows } from "../db/sql";

/**
 * The reads of a per-person recommendation: each one index range of bounded size (a person's latest items, an
 * item's precomputed neighbours, the top of a popularity index), so a lookup stays a few milliseconds whatever
 * the number of events. The writes are in build.ts.
 */

export type InteractionKind = "view" | "buy";

const ItemAt = z.object({ itemId: z.string() });

const KindItem = z.object({ kind: z.string(), itemId: z.string() });

/** A person's latest purchases and views, newest first, in one round trip (each list a bounded index range). */
export async function personHistory(
  q: Queryable,
  workspaceId: string,
  profileId: string,
  limits: { buy: number; view: number },
): Promise<{ bought: string[]; viewed: string[] }> {
  const rows = await selectRows(
    q,
    KindItem,
    `(SELECT kind, "itemId" FROM "RecommendationInteraction"
       WHERE "workspaceId" = $1 AND "profileId" = $2 AND kind = 'buy' ORDER BY "lastAt" DESC, "itemId" LIMIT $3)
     UNION ALL
     (SELECT kind, "itemId" FROM "RecommendationInteraction"
       WHERE "workspaceId" = $1 AND "profileId" = $2 AND kind = 'view' ORDER BY "lastAt" DESC, "itemId" LIMIT $4)`,
    [workspaceId, profileId, limits.buy, limits.view],
  );
  return {
    bought: rows.filter((r) => r.kind === "buy").map((r) => r.itemId),
    viewed: rows.filter((r) => r.kind === "view").map((r) => r.itemId),
  };
}

const Neighbours = z.object({
  itemId: z.string(),
  neighbors: z.array(z.object({ id: z.string(), score: z.number(), people: z.number() })),
});

/** The precomputed top neighbours of some items (one primary-key read each). */
export function neighboursOf(
  q: Queryable,
  workspaceId: string,
  kind: InteractionKind,
  itemIds: string[],
): Promise<z.infer<typeof Neighbours>[]> {
  if (!itemIds.length) return Promise.resolve([]);
  return selectRows(
    q,
    Neighbours,
    `SELECT "itemId", neighbors FROM "RecommendationNeighbors"
      WHERE "workspaceId" = $1 AND kind = $2 AND "itemId" = ANY($3::text[])`,
    [workspaceId, kind, itemIds],
  );
}

const Popular = z.object({ itemId: z.string(), people: z.number() });

/** The most viewed or bought items of the workspace (the top of an index). */
export function popularItems(
  q: Queryable,
  workspaceId: string,
  kind: InteractionKind,
  limit: number,
): Promise<z.infer<typeof Popular>[]> {
  return selectRows(
    q,
    Popular,
    `SELECT "itemId", people FROM "RecommendationItemStat"
      WHERE "workspaceId" = $1 AND kind = $2 ORDER BY people DESC, "itemId" LIMIT $3`,
    [workspaceId, kind, limit],
  );
}

/** How far "popular in category" walks the workspace's most viewed items before it reads the category itself. */
const POPULAR_WALK = 1000;
/** How many of a category's items (by id) the second read considers: a bounded read for a category of any size. */
const CATEGORY_SCAN = 500;

/**
 * A category's in-stock items of a catalog, most viewed first, in two bounded reads: the workspace's POPULAR_WALK
 * most viewed items that are in the category (a big category fills the list here), then, if the list is still
 * short, up to CATEGORY_SCAN of the category's items ranked by views (a small category is read whole). A category
 * of tens of thousands of items never costs more than these two index ranges.
 */
export async function popularInCategory(
  q: Queryable,
  workspaceId: string,
  catalogId: string,
  category: string,
  exclude: string[],
  limit: number,
): Promise<string[]> {
  const top = await selectRows(
    q,
    ItemAt,
    `SELECT s."itemId" FROM (
         SELECT "itemId", people FROM "RecommendationItemStat"
          WHERE "workspaceId" = $1 AND kind = 'view' ORDER BY people DESC, "itemId" LIMIT $6
       ) s
       JOIN "CatalogItem" i ON i."catalogId" = $2 AND i."itemId" = s."itemId"
      WHERE i.category = $3 AND i."inStock" AND NOT (i."itemId" = ANY($4::text[]))
      ORDER BY s.people DESC, s."itemId" LIMIT $5`,
    [workspaceId, catalogId, category, exclude, limit, POPULAR_WALK],
  );
  const found = top.map((r) => r.itemId);
  if (found.length >= limit) return found;
  const rest = await selectRows(
    q,
    ItemAt,
    `SELECT c."itemId" FROM (
         SELECT "itemId" FROM "CatalogItem"
          WHERE "catalogId" = $2 AND category = $3 AND "inStock" AND NOT ("itemId" = ANY($4::text[]))
          ORDER BY "itemId" LIMIT $6
       ) c
       LEFT JOIN "RecommendationItemStat" s ON s."workspaceId" = $1 AND s.kind = 'view' AND s."itemId" = c."itemId"
      ORDER BY coalesce(s.people, 0) DESC, c."itemId" LIMIT $5`,
    [workspaceId, catalogId, category, [...exclude, ...found], limit - found.length, CATEGORY_SCAN],
  );
  return [...found, ...rest.map((r) => r.itemId)];
}
