import type { TJourneyGraph } from "./graph";

/**
 * What publishing would change, compared with the live version: shown before a publish is confirmed and
 * kept with every published version.
 */
export interface JourneyDiff {
  addedNodes: string[];
  removedNodes: string[];
  /** nodes whose type, label or configuration changed (moving a node is not a change) */
  changedNodes: string[];
  addedEdges: string[];
  removedEdges: string[];
  settingsChanged: boolean;
}

const edgeKey = (e: { source: string; target: string; branch?: string }) => `${e.source} -${e.branch ?? "next"}-> ${e.target}`;
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v));

export function diffJourneys(before: TJourneyGraph | null, after: TJourneyGraph): JourneyDiff {
  const old = new Map((before?.nodes ?? []).map((n) => [n.id, n]));
  const now = new Map(after.nodes.map((n) => [n.id, n]));
  const oldEdges = new Set((before?.edges ?? []).map(edgeKey));
  const newEdges = new Set(after.edges.map(edgeKey));
  return {
    addedNodes: [...now.keys()].filter((id) => !old.has(id)),
    removedNodes: [...old.keys()].filter((id) => !now.has(id)),
    changedNodes: [...now.values()]
      .filter((n) => old.has(n.id))
      .filter((n) => {
        const o = old.get(n.id)!;
        return o.type !== n.type || (o.label ?? "") !== (n.label ?? "") || canonical(o.config) !== canonical(n.config);
      })
      .map((n) => n.id),
    addedEdges: [...newEdges].filter((e) => !oldEdges.has(e)),
    removedEdges: [...oldEdges].filter((e) => !newEdges.has(e)),
    settingsChanged: canonical(before?.settings ?? null) !== canonical(after.settings),
  };
}
