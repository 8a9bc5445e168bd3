import "server-only";
import { pgPool } from "../db/pool";
import type { Queryable } from "../db/sql";
import { type RenderAssets, liquidSources, renderTemplate, type TemplateKind } from "../messaging/liquid";
import { recommend } from "../recommendations/recommend";
import {
  LOOKUPS_KEY,
  type LookupData,
  type LookupRequest,
  type LiquidItem,
  mayLookUp,
  recommendKey,
  type Strategy,
} from "./liquid-tags";
import { type CatalogRow, liquidItem, selectCatalogsByKeys, selectItemsByIds } from "./store/catalogs";

/**
 * Catalog and recommendation lookups, fetched before the (synchronous, maybe off-thread) render: the template is
 * rendered once with a recording list in the scope (each {% catalog %}, `catalog` filter and {% recommend %} adds
 * the lookup it would make, with its arguments evaluated: ids from loops over the event's products included),
 * then every catalog's items are read in one statement and each recommendation computed, and the scope gets the
 * results under LOOKUPS_KEY. A lookup that depends on another's result (an id read from a looked-up item) shows up
 * in the next round; at most MAX_ROUNDS rounds.
 */

export type LookupTraceEntry =
  | { kind: "catalog"; catalog: string; id: string; found: boolean; note?: string }
  | {
      kind: "recommend";
      catalog: string;
      strategy: Strategy;
      limit: number;
      items: { id: string; via: Strategy }[];
      seeds: string[];
      fallback: Strategy[];
      reason?: string;
      note?: string;
    };
export type LookupTrace = LookupTraceEntry[];

const MAX_ROUNDS = 3;
/** lookups one message may make (a loop over thousands of ids is a template to fix, not a reason to read them all) */
export const MAX_LOOKUPS = 200;
const MAX_TRACE = 100;

export interface LookupsInput<S extends object> {
  workspaceId: string;
  profileId: string | null;
  channel: TemplateKind;
  content: unknown;
  scope: S;
  assets: RenderAssets;
  /** the caller's transaction client, if it is in one */
  db?: Queryable;
}

export async function lookupsForRender<S extends object>(
  input: LookupsInput<S>,
): Promise<{ scope: S; trace: LookupTrace }> {
  const sources = [
    ...liquidSources(input.channel, input.content).map((s) => s.source),
    ...(input.assets.layoutHtml ? [input.assets.layoutHtml] : []),
    ...Object.values(input.assets.partials ?? {}),
  ];
  if (!sources.some(mayLookUp)) return { scope: input.scope, trace: [] };

  const q = input.db ?? pgPool();
  const data: LookupData = { catalogs: {}, recommendations: {} };
  const trace: LookupTrace = [];
  const catalogs = new Map<string, CatalogRow | null>();
  let made = 0;

  for (let round = 0; round < MAX_ROUNDS; round++) {
    const record: LookupRequest[] = [];
    renderTemplate(input.channel, input.content, { ...input.scope, [LOOKUPS_KEY]: { ...data, record } }, input.assets);
    if (!record.length) break;
    const asked = dedupe(record).slice(0, Math.max(0, MAX_LOOKUPS - made));
    if (!asked.length) break;
    made += asked.length;

    const unknownKeys = [...new Set(asked.map((r) => r.catalog))].filter((k) => !catalogs.has(k));
    if (unknownKeys.length) {
      const rows = await selectCatalogsByKeys(q, input.workspaceId, unknownKeys);
      for (const k of unknownKeys) catalogs.set(k, rows.find((r) => r.key === k) ?? null);
    }

    // every id of a catalog in one read
    const idsByCatalog = new Map<string, string[]>();
    for (const r of asked)
      if (r.kind === "catalog") idsByCatalog.set(r.catalog, [...(idsByCatalog.get(r.catalog) ?? []), r.id]);
    for (const [key, ids] of idsByCatalog) {
      const catalog = catalogs.get(key) ?? null;
      const found = new Map<string, LiquidItem>();
      if (catalog)
        for (const row of await selectItemsByIds(q, catalog.id, ids))
          found.set(row.itemId, liquidItem(row, catalog.kind));
      data.catalogs[key] ??= {};
      for (const id of ids) {
        data.catalogs[key][id] = found.get(id) ?? null;
        trace.push({
          kind: "catalog",
          catalog: key,
          id,
          found: found.has(id),
          ...(catalog ? {} : { note: `no catalog "${key}"` }),
        });
      }
    }

    for (const r of asked) {
      if (r.kind !== "recommend") continue;
      const catalog = catalogs.get(r.catalog) ?? null;
      if (!catalog) {
        data.recommendations[recommendKey(r)] = [];
        trace.push({ ...recommendTrace(r), note: `no catalog "${r.catalog}"` });
        continue;
      }
      const outcome = await recommend(q, input.workspaceId, input.profileId, { ...r, catalog });
      data.recommendations[recommendKey(r)] = outcome.items.map((row) => liquidItem(row, catalog.kind));
      trace.push({
        ...recommendTrace(r),
        items: outcome.items.map((row, i) => ({ id: row.itemId, via: outcome.via[i] })),
        seeds: outcome.seeds,
        fallback: outcome.fallback,
        ...(outcome.reason ? { reason: outcome.reason } : {}),
      });
    }
  }
  return { scope: { ...input.scope, [LOOKUPS_KEY]: data }, trace: trace.slice(0, MAX_TRACE) };
}

function recommendTrace(r: Extract<LookupRequest, { kind: "recommend" }>) {
  return {
    kind: "recommend" as const,
    catalog: r.catalog,
    strategy: r.strategy,
    limit: r.limit,
    items: [] as { id: string; via: Strategy }[],
    seeds: [] as string[],
    fallback: [] as Strategy[],
  };
}

function dedupe(requests: LookupRequest[]): LookupRequest[] {
  const seen = new Set<string>();
  return requests.filter((r) => {
    const key = r.kind === "catalog" ? JSON.stringify([r.catalog, r.id]) : recommendKey(r);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Whether any field of `content` (or its layout and partials) could make a catalog lookup: a substring check. */
export function mayLookUpIn(channel: TemplateKind, content: unknown, assets: RenderAssets = {}): boolean {
  return (
    liquidSources(channel, content).some((s) => mayLookUp(s.source)) ||
    (!!assets.layoutHtml && mayLookUp(assets.layoutHtml)) ||
    Object.values(assets.partials ?? {}).some(mayLookUp)
  );
}

/**
 * prepareRender's step (lib/content/prepare-render.ts): the lookups of the content it prepared, into its scope, and
 * their trace into its trace. Nothing when the content makes none.
 */
export async function withCatalogLookups<
  P extends { content: unknown; scope: object; trace: { lookups?: unknown[] } | null },
>(
  input: { workspaceId: string; profileId: string | null; channel: TemplateKind; assets: RenderAssets; db?: Queryable },
  prepared: P,
): Promise<P> {
  if (!mayLookUpIn(input.channel, prepared.content, input.assets)) return prepared;
  const { scope, trace } = await lookupsForRender({ ...input, content: prepared.content, scope: prepared.scope });
  return { ...prepared, scope, trace: trace.length ? { ...prepared.trace, lookups: trace } : prepared.trace };
}
