import type pg from "pg";
import { ZJourneyGraph, type TJourneyGraph, type TNode } from "../journeys/graph";

/**
 * Published journey versions, parsed once per process: versions are immutable, so a cache keyed by
 * version id is never stale. Node lookups by id are precomputed for the walk.
 */
export interface CompiledVersion {
  id: string;
  journeyId: string;
  graph: TJourneyGraph;
  nodes: Map<string, TNode>;
  trigger: TNode;
}

const cache = new Map<string, CompiledVersion>();

function compile(id: string, journeyId: string, raw: unknown): CompiledVersion {
  const graph = ZJourneyGraph.parse(raw);
  const trigger = graph.nodes.find((n) => n.type.startsWith("trigger."));
  if (!trigger) throw new Error(`journey version ${id} has no trigger`);
  return { id, journeyId, graph, nodes: new Map(graph.nodes.map((n) => [n.id, n])), trigger };
}

export async function loadVersions(client: pg.ClientBase, ids: Iterable<string>): Promise<Map<string, CompiledVersion>> {
  const wanted = [...new Set(ids)];
  const missing = wanted.filter((id) => !cache.has(id));
  if (missing.length) {
    const { rows } = await client.query<{ id: string; journeyId: string; graph: unknown }>(`SELECT id, "journeyId", graph FROM "JourneyVersion" WHERE id = ANY($1::uuid[])`, [missing]);
    for (const row of rows) cache.set(row.id, compile(row.id, row.journeyId, row.graph));
  }
  return new Map(wanted.flatMap((id) => (cache.has(id) ? [[id, cache.get(id)!] as const] : [])));
}

export async function loadVersion(client: pg.ClientBase, id: string): Promise<CompiledVersion> {
  const version = (await loadVersions(client, [id])).get(id);
  if (!version) throw new Error(`journey version ${id} not found`);
  return version;
}
