import dagre from "@dagrejs/dagre";
import type { Edge } from "@xyflow/react";
import { exitsOf } from "@/lib/journeys/graph";
import { stepHeight } from "./canvas-edits";
import { NODE_WIDTH, type JourneyFlowNode } from "./journey-nodes";

/**
 * Top-to-bottom layout with dagre; keeps the trigger where it was so the canvas does not jump. `live`: the
 * journey shows its count rows, so a step not measured since they appeared is given their height too
 * (a published journey's steps are taller, and a layout made without the rows let them overlap).
 */
export function autoLayout(
  nodes: JourneyFlowNode[],
  edges: Edge[],
  { live = false }: { live?: boolean } = {},
): JourneyFlowNode[] {
  if (!nodes.length) return nodes;
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "TB", nodesep: 48, ranksep: 72, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes)
    g.setNode(node.id, { width: node.measured?.width ?? NODE_WIDTH, height: stepHeight(node, live) });
  for (const edge of edges) if (g.hasNode(edge.source) && g.hasNode(edge.target)) g.setEdge(edge.source, edge.target);
  dagre.layout(g);
  orderBranchesLikeTheirExits(g, nodes, edges);
  const anchor = nodes.find((n) => n.data.type.startsWith("trigger.")) ?? nodes[0];
  const laidAnchor = g.node(anchor.id);
  const dx = anchor.position.x - (laidAnchor.x - laidAnchor.width / 2);
  const dy = anchor.position.y - (laidAnchor.y - laidAnchor.height / 2);
  return nodes.map((node) => {
    const p = g.node(node.id);
    return { ...node, position: { x: Math.round(p.x - p.width / 2 + dx), y: Math.round(p.y - p.height / 2 + dy) } };
  });
}

/**
 * Dagre orders a rank to avoid crossings but knows nothing of handles, so it may put a condition's "No"
 * step left of its "Yes" step and cross the two edges under the node. Put the children of every
 * branching step in the order of its exits (left to right), moving each child's own subtree with it.
 */
function orderBranchesLikeTheirExits(
  graph: InstanceType<typeof dagre.graphlib.Graph>,
  nodes: JourneyFlowNode[],
  edges: Edge[],
): void {
  const at = (id: string) => graph.node(id) as { x: number; y: number };
  const parentsOf = new Map<string, Set<string>>();
  for (const e of edges) parentsOf.set(e.target, (parentsOf.get(e.target) ?? new Set()).add(e.source));
  const childrenOf = (id: string) => edges.filter((e) => e.source === id).map((e) => e.target);
  /** Steps reachable only through `root` (a shared step stays where dagre put it). */
  const subtree = (root: string): string[] => {
    const seen = new Set([root]);
    for (const id of seen)
      for (const child of childrenOf(id))
        if ([...(parentsOf.get(child) ?? [])].every((p) => seen.has(p))) seen.add(child);
    return [...seen];
  };
  const byRank = [...nodes].sort((a, b) => at(a.id).y - at(b.id).y);
  for (const node of byRank) {
    const exits = exitsOf({ type: node.data.type, config: node.data.config });
    if (exits.length < 2) continue;
    const children = exits.flatMap((exit) =>
      edges.filter((e) => e.source === node.id && (e.sourceHandle ?? "next") === exit).map((e) => e.target),
    );
    const own = [...new Set(children)].filter((c) => parentsOf.get(c)?.size === 1);
    if (own.length < 2) continue;
    const slots = own.map((c) => at(c).x).sort((a, b) => a - b);
    own.forEach((child, i) => {
      const dx = slots[i] - at(child).x;
      if (dx) for (const id of subtree(child)) at(id).x += dx;
    });
  }
}
