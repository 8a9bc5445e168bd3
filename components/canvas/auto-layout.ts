import dagre from "@dagrejs/dagre";
import type { Edge } from "@xyflow/react";
import { NODE_WIDTH, type JourneyFlowNode } from "./journey-nodes";

/** Top-to-bottom layout with dagre; keeps the trigger where it was so the canvas does not jump. */
export function autoLayout(nodes: JourneyFlowNode[], edges: Edge[]): JourneyFlowNode[] {
  if (!nodes.length) return nodes;
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "TB", nodesep: 48, ranksep: 72, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) g.setNode(node.id, { width: node.measured?.width ?? NODE_WIDTH, height: node.measured?.height ?? 96 });
  // Edges in the order of the source's handles, so "Yes" stays left of "No".
  for (const edge of edges) if (g.hasNode(edge.source) && g.hasNode(edge.target)) g.setEdge(edge.source, edge.target);
  dagre.layout(g);
  const anchor = nodes.find((n) => n.data.type.startsWith("trigger.")) ?? nodes[0];
  const laidAnchor = g.node(anchor.id);
  const dx = anchor.position.x - (laidAnchor.x - laidAnchor.width / 2);
  const dy = anchor.position.y - (laidAnchor.y - laidAnchor.height / 2);
  return nodes.map((node) => {
    const p = g.node(node.id);
    return { ...node, position: { x: Math.round(p.x - p.width / 2 + dx), y: Math.round(p.y - p.height / 2 + dy) } };
  });
}
