"use client";

import { type Edge, useNodesInitialized, useReactFlow } from "@xyflow/react";
import { useEffect, useRef, useState } from "react";
import { makeRoom } from "../canvas-edits";
import { FIT_VIEW_OPTIONS } from "../editor/flow-graph";
import type { JourneyFlowNode } from "../journey-nodes";
import type { JourneyGraphState } from "./use-journey-graph";

/**
 * The canvas as it is shown: its element and width (the minimap needs room), the whole journey in view on
 * opening, and steps kept apart once the live count rows make them taller.
 */
export function useCanvasView({ nodes, setNodes, current }: JourneyGraphState, liveRows: boolean) {
  const flow = useReactFlow<JourneyFlowNode, Edge>();
  const wrapper = useRef<HTMLDivElement>(null);
  // Once the count rows show, steps are taller: placing, laying out and making room use their height.
  const liveRowsRef = useRef(liveRows);
  useEffect(() => {
    liveRowsRef.current = liveRows;
  }, [liveRows]);
  const [canvasWidth, setCanvasWidth] = useState<number | null>(null);
  useEffect(() => {
    const element = wrapper.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setCanvasWidth(Math.round(entry.contentRect.width)));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // Open with the whole journey in view. The `fitView` prop fits before the nodes are measured (and
  // before the count strips change their height), so fit once more as soon as they are.
  const nodesInitialized = useNodesInitialized();
  const fittedOnOpen = useRef(false);
  useEffect(() => {
    if (!nodesInitialized || fittedOnOpen.current) return;
    fittedOnOpen.current = true;
    window.requestAnimationFrame(() => void flow.fitView(FIT_VIEW_OPTIONS));
  }, [nodesInitialized, flow]);

  // Positions saved before the journey was published were made for shorter steps: once the count rows
  // show (and whenever a step's measured height changes after that), push down the steps the one above
  // now overlaps. Not an undo step; the new positions are saved with the draft like any move.
  const heightsKey = liveRows && nodesInitialized ? nodes.map((n) => n.measured?.height ?? 0).join(",") : "";
  useEffect(() => {
    if (!heightsKey) return;
    const moved = makeRoom(current.current.nodes, true);
    if (moved.size) setNodes((ns) => ns.map((n) => (moved.has(n.id) ? { ...n, position: moved.get(n.id)! } : n)));
  }, [heightsKey, current, setNodes]);

  return { wrapper, canvasWidth, liveRowsRef };
}
