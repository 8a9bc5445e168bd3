/**
 * A synthetic shop with a known co-purchase structure, for the recommendation tests and `npm run
 * bench:recommendations`. Deterministic (a seeded generator).
 *
 *   - Items p0 … p(N-1). The first `bundles * bundleSize` items form bundles of `bundleSize` consecutive items
 *     (p0–p7 are bundle 0 with the default size 8): the known structure. Then `bestSellers` best-sellers, then
 *     the long tail. Each bundle is one category (`c<bundle>`); best-sellers and the tail are in `misc`.
 *   - Each person belongs to one bundle. They place one order (Order Completed) with `bundleItemsPerOrder`
 *     distinct items of their bundle plus `bestSellersPerOrder` best-sellers, and view (Product Viewed)
 *     `viewsPerPerson` times: items of their bundle, one of them twice, and one long-tail item.
 *   - The truth for an item of a bundle is the other items of its bundle: a good "bought together" list for p3 is
 *     p0–p7 without p3, whatever the best-sellers (bought with everything) do to the raw counts.
 */

export interface SyntheticShop {
  items: number;
  bundles: number;
  bundleSize: number;
  bestSellers: number;
  people: number;
  bundleItemsPerOrder: number;
  bestSellersPerOrder: number;
  viewsPerPerson: number;
  seed: number;
}

export interface SyntheticEvent {
  person: number;
  name: "Product Viewed" | "Order Completed";
  properties: Record<string, unknown>;
  /** seconds after the start */
  at: number;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const itemId = (n: number) => `p${n}`;

export function categoryOf(shop: SyntheticShop, n: number): string {
  return n < shop.bundles * shop.bundleSize ? `c${Math.floor(n / shop.bundleSize)}` : "misc";
}

/** The known neighbours of an item: the rest of its bundle (none for best-sellers and the tail). */
export function truthOf(shop: SyntheticShop, n: number): string[] {
  if (n >= shop.bundles * shop.bundleSize) return [];
  const start = Math.floor(n / shop.bundleSize) * shop.bundleSize;
  return Array.from({ length: shop.bundleSize }, (_, j) => start + j)
    .filter((m) => m !== n)
    .map(itemId);
}

function pick(rand: () => number, from: number, size: number, count: number): number[] {
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, size)) chosen.add(from + Math.floor(rand() * size));
  return [...chosen];
}

/** Every person's events, person by person (`each` is called once per person with their events in time order). */
export function generateEvents(shop: SyntheticShop, each: (events: SyntheticEvent[]) => void): void {
  const rand = mulberry32(shop.seed);
  const bundled = shop.bundles * shop.bundleSize;
  const tailStart = bundled + shop.bestSellers;
  const tail = shop.items - tailStart;
  for (let person = 0; person < shop.people; person++) {
    const bundle = Math.floor(rand() * shop.bundles);
    const at = Math.floor(rand() * 86_400 * 30);
    const events: SyntheticEvent[] = [];
    const bundleItems = pick(rand, bundle * shop.bundleSize, shop.bundleSize, shop.bundleItemsPerOrder);
    const viewed = pick(rand, bundle * shop.bundleSize, shop.bundleSize, Math.max(1, shop.viewsPerPerson - 2));
    const views = [...viewed, viewed[0]];
    if (tail > 0) views.push(tailStart + Math.floor(rand() * tail));
    views
      .slice(0, shop.viewsPerPerson)
      .forEach((n, i) =>
        events.push({ person, name: "Product Viewed", properties: { product_id: itemId(n) }, at: at + i * 60 }),
      );
    const order = [...bundleItems, ...pick(rand, bundled, shop.bestSellers, shop.bestSellersPerOrder)];
    events.push({
      person,
      name: "Order Completed",
      properties: { order_id: `o${person}`, products: order.map((n) => ({ product_id: itemId(n), quantity: 1 })) },
      at: at + shop.viewsPerPerson * 60 + 60,
    });
    each(events);
  }
}

/**
 * Precision@k of "bought together" lists against the truth: over the bundled items that have a list, the share of
 * the first k recommended ids that are in the item's bundle.
 */
export function precisionAtK(
  shop: SyntheticShop,
  lists: Map<string, string[]>,
  k = 5,
): { precision: number; items: number } {
  let hits = 0;
  let slots = 0;
  let items = 0;
  for (let n = 0; n < shop.bundles * shop.bundleSize; n++) {
    const list = lists.get(itemId(n));
    if (!list) continue;
    const truth = new Set(truthOf(shop, n));
    const top = list.slice(0, k);
    items++;
    slots += k;
    hits += top.filter((id) => truth.has(id)).length;
  }
  return { precision: slots ? hits / slots : 0, items };
}
