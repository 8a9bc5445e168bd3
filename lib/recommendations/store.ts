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

const CategoryTop = z.object({ items: z.array(z.object({ id: z.string(), people: z.number() })) });

/** How many of a category's items (by id) the read of a category without a list considers: a bounded read. */
const CATEGORY_SCAN = 500;

/**
 * A category's most viewed items, best first, without the excluded ones: one primary-key read of the list the
 * build keeps (RecommendationCategoryTop, the category's top by viewers, whatever its size). A category without a
 * list (nobody viewed its items yet, or a catalog written before any build) is read whole up to CATEGORY_SCAN
 * items, ranked by views. The caller checks stock and that each item is still in the category.
 */
export async function popularInCategory(
  q: Queryable,
  workspaceId: string,
  catalogId: string,
  category: string,
  exclude: string[],
  limit: number,
): Promise<string[]> {
  const skip = new Set(exclude);
  const list = await selectRows(
    q,
    CategoryTop,
    `SELECT items FROM "RecommendationCategoryTop" WHERE "catalogId" = $1 AND category = $2 AND "workspaceId" = $3`,
    [catalogId, category, workspaceId],
  );
  if (list.length)
    return list[0].items
      .map((i) => i.id)
      .filter((id) => !skip.has(id))
      .slice(0, limit);
  const rows = await selectRows(
    q,
    ItemAt,
    `SELECT c."itemId" FROM (
         SELECT "itemId" FROM "CatalogItem"
          WHERE "catalogId" = $2 AND category = $3 AND "inStock" AND NOT ("itemId" = ANY($4::text[]))
          ORDER BY "itemId" LIMIT $6
       ) c
       LEFT JOIN "RecommendationItemStat" s ON s."workspaceId" = $1 AND s.kind = 'view' AND s."itemId" = c."itemId"
      ORDER BY coalesce(s.people, 0) DESC, c."itemId" LIMIT $5`,
    [workspaceId, catalogId, category, exclude, limit, CATEGORY_SCAN],
  );
  return rows.map((r) => r.itemId);
}
