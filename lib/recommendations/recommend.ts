import type { Queryable } from "../db/sql";
import { type ItemRow, selectItemsByIds } from "../catalogs/store/catalogs";
import type { Strategy } from "../catalogs/liquid-tags";
import { neighboursOf, personHistory, popularInCategory, popularItems } from "./store";

/**
 * One recommendation for one person: the strategy's items, then (when the person's history is too thin to fill
 * the list) the fallbacks popular_in_category and popular, each step skipping what the person bought, what is out
 * of stock or not in the catalog, and what an earlier step chose. The outcome says which step gave which item,
 * for the message's trace.
 */

export interface RecommendRequest {
  catalog: { id: string; key: string };
  strategy: Strategy;
  limit: number;
  category: string | null;
  item: string | null;
}

export interface RecommendOutcome {
  items: ItemRow[];
  /** for each item (same order), the step that chose it */
  via: Strategy[];
  /** the items the *_together strategies started from */
  seeds: string[];
  /** the fallback steps that were needed, in order */
  fallback: Strategy[];
  /** why the fallbacks were needed, in words */
  reason?: string;
}

/** What "already bought" covers: the person's latest purchases (a bounded read, however long the history). */
export const BOUGHT_EXCLUSION_DEPTH = 500;
const SEEDS = 5;
const CANDIDATES = 100;

export async function recommend(
  q: Queryable,
  workspaceId: string,
  profileId: string | null,
  req: RecommendRequest,
): Promise<RecommendOutcome> {
  // what they bought (excluded) and viewed (seeds, recently viewed), in one read
  const history = profileId
    ? await personHistory(q, workspaceId, profileId, { buy: BOUGHT_EXCLUSION_DEPTH, view: CANDIDATES })
    : { bought: [], viewed: [] };
  const bought = history.bought;
  const skip = new Set(bought);
  const chosen: ItemRow[] = [];
  const via: Strategy[] = [];
  const fallback: Strategy[] = [];
  let seeds: string[] = [];
  const lastViewed = async () => history.viewed;

  // the catalog rows read so far (the category step reads the last viewed item's category from here)
  const read = new Map<string, ItemRow>();
  // keeps the candidates (best first) that are in the catalog, in stock and not skipped, up to the limit. The
  // catalog rows are read a chunk at a time (twice what is still missing, at least 8): most lists fill from their
  // first few candidates, and reading all 100 rows with their data was most of a lookup's time
  const take = async (candidates: string[], step: Strategy, category?: string) => {
    const fresh = [...new Set(candidates)].filter((id) => !skip.has(id)).slice(0, CANDIDATES);
    for (let at = 0; at < fresh.length && chosen.length < req.limit; ) {
      const chunk = fresh.slice(at, at + Math.max(2 * (req.limit - chosen.length), 8));
      at += chunk.length;
      for (const row of await selectItemsByIds(q, req.catalog.id, chunk)) read.set(row.itemId, row);
      for (const id of chunk) {
        if (chosen.length >= req.limit) break;
        const row = read.get(id);
        // a category's list is as of its last build: an item that left the category since is skipped
        if (!row?.inStock || (category !== undefined && row.category !== category)) continue;
        chosen.push(row);
        via.push(step);
        skip.add(id);
      }
    }
  };

  const together = async (kind: "view" | "buy") => {
    if (req.item) seeds = [req.item];
    else if (profileId) {
      const own =
        kind === "buy"
          ? [...bought.slice(0, SEEDS), ...(await lastViewed()).slice(0, SEEDS)]
          : (await lastViewed()).slice(0, SEEDS);
      seeds = [...new Set(own)].slice(0, SEEDS);
    }
    // a neighbour of several seeds ranks by the sum of its scores
    const scores = new Map<string, number>();
    for (const { neighbors } of await neighboursOf(q, workspaceId, kind, seeds))
      for (const n of neighbors) scores.set(n.id, (scores.get(n.id) ?? 0) + n.score);
    for (const s of seeds) skip.add(s);
    return [...scores].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([id]) => id);
  };

  const categoryStep = async (step: Strategy) => {
    let category = req.category;
    if (!category) {
      const last = (await lastViewed())[0] ?? seeds[0];
      if (last) category = (read.get(last) ?? (await selectItemsByIds(q, req.catalog.id, [last]))[0])?.category ?? null;
    }
    if (!category) return false;
    await take(
      await popularInCategory(q, workspaceId, req.catalog.id, category, [...skip], CANDIDATES),
      step,
      category,
    );
    return true;
  };

  const popular = async (step: Strategy) => {
    await take(
      (await popularItems(q, workspaceId, "buy", CANDIDATES)).map((r) => r.itemId),
      step,
    );
    await take(
      (await popularItems(q, workspaceId, "view", CANDIDATES)).map((r) => r.itemId),
      step,
    );
  };

  switch (req.strategy) {
    case "viewed_together":
      await take(await together("view"), "viewed_together");
      break;
    case "bought_together":
      await take(await together("buy"), "bought_together");
      break;
    case "recently_viewed":
      await take(await lastViewed(), "recently_viewed");
      break;
    case "popular_in_category":
      await categoryStep("popular_in_category");
      break;
    case "popular":
      await popular("popular");
      break;
  }
  let reason: string | undefined;
  const own = chosen.length;
  if (own < req.limit && req.strategy !== "popular") {
    reason =
      req.strategy === "popular_in_category"
        ? `${own} of ${req.limit} from the category`
        : `${own} of ${req.limit} from ${req.strategy}${req.strategy.endsWith("_together") ? ` (${seeds.length} seed item${seeds.length === 1 ? "" : "s"})` : ""}: the person's history is thin`;
    if (req.strategy !== "popular_in_category" && chosen.length < req.limit) {
      const before = chosen.length;
      if (await categoryStep("popular_in_category")) if (chosen.length > before) fallback.push("popular_in_category");
    }
    if (chosen.length < req.limit) {
      const before = chosen.length;
      await popular("popular");
      if (chosen.length > before) fallback.push("popular");
    }
  }
  return { items: chosen, via, seeds, fallback, ...(reason ? { reason } : {}) };
}
