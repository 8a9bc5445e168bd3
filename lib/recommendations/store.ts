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

/** A category's in-stock items of a catalog, most viewed first (a category is a few hundred items at most, usually). */
export async function popularInCategory(
  q: Queryable,
  workspaceId: string,
  catalogId: string,
  category: string,
  exclude: string[],
  limit: number,
): Promise<string[]> {
  const rows = await selectRows(
    q,
    ItemAt,
    `SELECT i."itemId" FROM "CatalogItem" i
       LEFT JOIN "RecommendationItemStat" s
         ON s."workspaceId" = $1 AND s.kind = 'view' AND s."itemId" = i."itemId"
      WHERE i."catalogId" = $2 AND i.category = $3 AND i."inStock" AND NOT (i."itemId" = ANY($4::text[]))
      ORDER BY coalesce(s.people, 0) DESC, i."itemId" LIMIT $5`,
    [workspaceId, catalogId, category, exclude, limit],
  );
  return rows.map((r) => r.itemId);
}
