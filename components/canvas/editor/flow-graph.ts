import type { Edge } from "@xyflow/react";
import type { NodeType, TJourneyGraph, TJourneySettings } from "@/lib/journeys/graph";
import type { JourneyFlowNode } from "../journey-nodes";
import { exitLabels } from "../node-text";
import { NODE_MODULES } from "../nodes";

/** The journey graph as React Flow holds it, and back: the editor's state is React Flow's nodes and edges. */

export const DEFAULT_SETTINGS: TJourneySettings = { reentry: { mode: "once" }, exitEvents: [], frequencyCaps: true };

export const FIT_VIEW_OPTIONS = { padding: 0.25, maxZoom: 1.1 };

/** The editor's state at one moment: what undo restores and what the keyboard handlers read. */
export interface Snapshot {
  nodes: JourneyFlowNode[];
  edges: Edge[];
  settings: TJourneySettings;
}

export const randomId = (prefix: string) => `${prefix}_${Math.random().toString(36).slice(2, 8)}`;
export const nodePrefix = (type: NodeType) =>
  type.replace(/^(trigger|delay|action)\./, "").replace(/[^A-Za-z0-9]/g, "_");

export function edgeLabel(nodes: JourneyFlowNode[], source: string, branch: string): string | undefined {
  const node = nodes.find((n) => n.id === source);
  if (!node) return undefined;
  return exitLabels(node.data.type, node.data.config).find((e) => e.id === branch)?.label || undefined;
}

export function toFlow(graph: TJourneyGraph): { nodes: JourneyFlowNode[]; edges: Edge[] } {
  const nodes: JourneyFlowNode[] = graph.nodes.map((n) => ({
    id: n.id,
    type: NODE_MODULES[n.type].family,
    position: n.position,
    data: { type: n.type, label: n.label, config: n.config },
  }));
  const edges: Edge[] = graph.edges.map((e) => {
    const source = nodes.find((n) => n.id === e.source);
    const exits = source ? exitLabels(source.data.type, source.data.config) : [];
    const branch = e.branch ?? (exits.length === 1 ? exits[0].id : "next");
    return {
      id: e.id,
      source: e.source,
      target: e.target,
      sourceHandle: branch,
      label: edgeLabel(nodes, e.source, branch),
    };
  });
  return { nodes, edges };
}

export function toGraph(nodes: JourneyFlowNode[], edges: Edge[], settings: TJourneySettings) {
  return {
    nodes: nodes.map((n) => ({
      id: n.id,
      type: n.data.type,
      position: { x: Math.round(n.position.x), y: Math.round(n.position.y) },
      ...(n.data.label ? { label: n.data.label } : {}),
      config: n.data.config,
    })),
    edges: edges.map((e) => ({
      id: e.id,
      source: e.source,
      target: e.target,
      ...(e.sourceHandle ? { branch: e.sourceHandle } : {}),
    })),
    settings,
  };
}
