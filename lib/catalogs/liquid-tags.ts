import {
  type Context,
  evalToken,
  type Liquid,
  Tag,
  type TagToken,
  type Tokenizer,
  type TopLevelToken,
  type ValueToken,
} from "liquidjs";

type HashToken = ReturnType<Tokenizer["readHashes"]>[number];
type IdentifierToken = ReturnType<Tokenizer["readIdentifier"]>;

/**
 * Liquid's catalog and recommendation lookups:
 *
 *   {% catalog products id: event.properties.sku %}            → `item` (nil when there is no such item)
 *   {% catalog products id: line.sku as product %}              → `product`
 *   {{ sku | catalog: "products" }}                             → the item, or nil
 *   {% recommend products bought_together limit: 4 as items %} → `items`, a list of items (`recommendations` without `as`)
 *     strategies: viewed_together, bought_together, popular_in_category (category: "<expr>" or the category of what
 *     the person viewed last), recently_viewed, popular; `item: <expr>` seeds the *_together strategies with one item.
 *
 * Rendering is synchronous and may run in a worker thread, so these tags never query anything: they read what
 * lib/catalogs/render-lookups.ts fetched beforehand and put in the scope under LOOKUPS_KEY. That module finds out
 * what to fetch by rendering once with a `record` list in that object: each tag adds the lookup it would make.
 * This file imports nothing of Cairn's, so the render worker (render-worker.mjs, through liquid.ts) loads it as is.
 */

export const LOOKUPS_KEY = "__cairn_lookups";

export const STRATEGIES = [
  "viewed_together",
  "bought_together",
  "popular_in_category",
  "recently_viewed",
  "popular",
] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const MAX_RECOMMEND_LIMIT = 20;
export const DEFAULT_RECOMMEND_LIMIT = 4;

export type LookupRequest =
  | { kind: "catalog"; catalog: string; id: string }
  | {
      kind: "recommend";
      catalog: string;
      strategy: Strategy;
      limit: number;
      category: string | null;
      item: string | null;
    };

export type LiquidItem = Record<string, unknown>;

export interface LookupData {
  /** catalog key → item id → the item (null: looked up, not there) */
  catalogs: Record<string, Record<string, LiquidItem | null>>;
  /** recommendKey(request) → the items */
  recommendations: Record<string, LiquidItem[]>;
  /** present during the recording pass: the lookups the template makes */
  record?: LookupRequest[];
}

export function recommendKey(r: Extract<LookupRequest, { kind: "recommend" }>): string {
  return JSON.stringify([r.catalog, r.strategy, r.limit, r.category, r.item]);
}

function lookupsOf(ctx: Context): LookupData | undefined {
  const env = ctx.environments as Record<string, unknown>;
  const data = Object.prototype.hasOwnProperty.call(env, LOOKUPS_KEY) ? env[LOOKUPS_KEY] : undefined;
  return data != null && typeof data === "object" ? (data as LookupData) : undefined;
}

/** An id as Liquid gives it (a number from JSON, a string from a trait): text, or null when there is none. */
function idOf(value: unknown): string | null {
  if (typeof value === "string") return value.trim() === "" ? null : value.trim().slice(0, 200);
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return null;
}

function lookupItem(ctx: Context, catalog: string, rawId: unknown): LiquidItem | null {
  const id = idOf(rawId);
  if (id === null) return null;
  const data = lookupsOf(ctx);
  if (!data) return null;
  const found = data.catalogs[catalog]?.[id];
  if (found === undefined && data.record) data.record.push({ kind: "catalog", catalog, id });
  return found ?? null;
}

/** The tag's words after its name: `<catalog> [<strategy>] key: value … [as <name>]`. */
function readArgs(tokenizer: Tokenizer, token: TagToken, allowed: string[]) {
  const catalog = tokenizer.readIdentifier();
  if (!catalog.content) throw new Error(`${token.name}: name the catalog, e.g. {% ${token.name} products … %}`);
  return { catalog, readRest: () => readOptions(tokenizer, token, allowed) };
}

function readOptions(tokenizer: Tokenizer, token: TagToken, allowed: string[]) {
  const hashes: HashToken[] = tokenizer.readHashes();
  const options = new Map<string, ValueToken>();
  let alias: IdentifierToken | undefined;
  for (let i = 0; i < hashes.length; i++) {
    const h = hashes[i];
    const name = h.name.content;
    if (name === "as" && !h.value) {
      const next = hashes[i + 1];
      if (!next || next.value) throw new Error(`${token.name}: write a variable name after "as"`);
      alias = next.name;
      i++;
      continue;
    }
    if (!allowed.includes(name) || !h.value)
      throw new Error(
        `${token.name}: unknown option "${name}" (it takes ${allowed.map((a) => `${a}:`).join(", ")} and "as <name>")`,
      );
    options.set(name, h.value);
  }
  if (tokenizer.remaining().trim()) throw new Error(`${token.name}: cannot read "${tokenizer.remaining().trim()}"`);
  return { options, alias };
}

class CatalogTag extends Tag {
  private catalog: string;
  private id: ValueToken;
  private alias: IdentifierToken | undefined;
  constructor(token: TagToken, remain: TopLevelToken[], liquid: Liquid) {
    super(token, remain, liquid);
    const { catalog, readRest } = readArgs(this.tokenizer, token, ["id"]);
    this.catalog = catalog.content;
    const { options, alias } = readRest();
    const id = options.get("id");
    if (!id) throw new Error(`catalog: say which item, e.g. {% catalog ${this.catalog} id: event.properties.sku %}`);
    this.id = id;
    this.alias = alias;
  }
  *render(ctx: Context): Generator<unknown, void, unknown> {
    const id = yield evalToken(this.id, ctx);
    ctx.bottom()[this.alias?.content ?? "item"] = lookupItem(ctx, this.catalog, id);
  }
  *arguments() {
    yield this.id;
  }
  *localScope() {
    if (this.alias) yield this.alias;
  }
  get catalogKey() {
    return this.catalog;
  }
}

class RecommendTag extends Tag {
  private catalog: string;
  private strategy: Strategy;
  private options: Map<string, ValueToken>;
  private alias: IdentifierToken | undefined;
  constructor(token: TagToken, remain: TopLevelToken[], liquid: Liquid) {
    super(token, remain, liquid);
    const { catalog, readRest } = readArgs(this.tokenizer, token, ["limit", "category", "item"]);
    this.catalog = catalog.content;
    const strategy = this.tokenizer.readIdentifier().content;
    if (!(STRATEGIES as readonly string[]).includes(strategy))
      throw new Error(
        `recommend: ${strategy ? `"${strategy}" is not a strategy` : "name a strategy"} (${STRATEGIES.join(", ")})`,
      );
    this.strategy = strategy as Strategy;
    const { options, alias } = readRest();
    this.options = options;
    this.alias = alias;
  }
  *render(ctx: Context): Generator<unknown, void, unknown> {
    const limitValue = this.options.has("limit") ? yield evalToken(this.options.get("limit")!, ctx) : undefined;
    const asked = Math.trunc(Number(limitValue ?? DEFAULT_RECOMMEND_LIMIT));
    const limit = Number.isFinite(asked) ? Math.min(Math.max(asked, 1), MAX_RECOMMEND_LIMIT) : DEFAULT_RECOMMEND_LIMIT;
    const category = this.options.has("category") ? yield evalToken(this.options.get("category")!, ctx) : null;
    const item = this.options.has("item") ? yield evalToken(this.options.get("item")!, ctx) : null;
    const request = {
      kind: "recommend" as const,
      catalog: this.catalog,
      strategy: this.strategy,
      limit,
      category: idOf(category),
      item: idOf(item),
    };
    const data = lookupsOf(ctx);
    const found = data?.recommendations[recommendKey(request)];
    if (found === undefined && data?.record) data.record.push(request);
    ctx.bottom()[this.alias?.content ?? "recommendations"] = found ?? [];
  }
  *arguments() {
    yield* this.options.values();
  }
  *localScope() {
    if (this.alias) yield this.alias;
  }
  get catalogKey() {
    return this.catalog;
  }
}

/** Adds the tags and the `catalog` filter to an engine (liquid.ts createEngine calls it for every engine). */
export function registerCatalogTags(engine: Liquid): void {
  engine.registerTag("catalog", CatalogTag);
  engine.registerTag("recommend", RecommendTag);
  engine.registerFilter("catalog", function (this: { context: Context }, value: unknown, catalog: unknown) {
    return lookupItem(this.context, String(catalog ?? ""), value);
  });
}

const TAG_REFERENCE = /(?:\{%-?|^|\n)\s*(catalog|recommend)\s+([A-Za-z_][\w-]*)/g;
const FILTER_REFERENCE = /\|\s*catalog\s*:\s*(["'])([^"']*)\1/g;

/** The catalog keys a Liquid source names (tags and the filter with a quoted key): a save checks they exist. */
export function catalogReferences(source: string): string[] {
  const keys = new Set<string>();
  for (const m of source.matchAll(TAG_REFERENCE)) keys.add(m[2]);
  for (const m of source.matchAll(FILTER_REFERENCE)) keys.add(m[2]);
  return [...keys];
}

const MAY_LOOK_UP = /(?:\{%-?|\n)\s*(?:catalog|recommend)\s|\|\s*catalog\b/;

/** Whether a source could make a lookup at all (cheap: prepareRender skips everything else). */
export function mayLookUp(source: string): boolean {
  return (source.includes("catalog") || source.includes("recommend")) && MAY_LOOK_UP.test(source);
}
