"use client";

import type { Edge } from "@xyflow/react";
import { useEffect, useMemo, useRef, useState } from "react";
import type { TJourneyGraph, TJourneySettings } from "@/lib/journeys/graph";
import { DEFAULT_SETTINGS, type Snapshot, toFlow } from "../editor/flow-graph";
import type { JourneyFlowNode } from "../journey-nodes";

/**
 * The draft being edited: React Flow's nodes and edges and the journey settings, with `current`, the latest of
 * them for handlers that must stay stable (keyboard, history) and so cannot close over the state.
 */
export function useJourneyGraph(draft: TJourneyGraph) {
  const initial = useMemo(() => toFlow(draft), [draft]);
  const [nodes, setNodes] = useState<JourneyFlowNode[]>(initial.nodes);
  const [edges, setEdges] = useState<Edge[]>(initial.edges);
  const [settings, setSettings] = useState<TJourneySettings>(draft.settings ?? DEFAULT_SETTINGS);
  const current = useRef<Snapshot>({ nodes, edges, settings });
  useEffect(() => {
    current.current = { nodes, edges, settings };
  }, [nodes, edges, settings]);
  return { nodes, setNodes, edges, setEdges, settings, setSettings, current };
}

export type JourneyGraphState = ReturnType<typeof useJourneyGraph>;
