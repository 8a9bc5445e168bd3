"use client";

import {
  addEdge,
  applyEdgeChanges,
  applyNodeChanges,
  type Connection,
  type Edge,
  type EdgeChange,
  type IsValidConnection,
  type NodeChange,
  type OnBeforeDelete,
  useReactFlow,
} from "@xyflow/react";
import { type RefObject, useCallback } from "react";
import { isTrigger, type TJourneySettings } from "@/lib/journeys/graph";
import { autoLayout } from "../auto-layout";
import { edgeLabel, FIT_VIEW_OPTIONS, randomId } from "../editor/flow-graph";
import { type JourneyFlowNode, NODE_WIDTH } from "../journey-nodes";
import { exitLabels } from "../node-text";
import type { JourneyGraphState } from "./use-journey-graph";

/**
 * The edits made on the canvas and in the inspector: React Flow's changes, connecting, updating and deleting a
 * step, the settings, auto-layout, fit and focusing a step. Each edit that is its own undo step remembers first.
 */
export function useGraphEdits({
  graph: { setNodes, setEdges, setSettings, current },
  remember,
  liveRowsRef,
  onFocused,
}: {
  graph: JourneyGraphState;
  remember: (key?: string) => void;
  liveRowsRef: RefObject<boolean>;
  /** a step was focused from the problems list: the inspector shows it */
  onFocused: () => void;
}) {
  const flow = useReactFlow<JourneyFlowNode, Edge>();
  const onNodesChange = useCallback(
    (changes: NodeChange<JourneyFlowNode>[]) => setNodes((ns) => applyNodeChanges(changes, ns)),
    [setNodes],
  );
  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => setEdges((es) => applyEdgeChanges(changes, es)),
    [setEdges],
  );
  const onBeforeDelete: OnBeforeDelete<JourneyFlowNode, Edge> = useCallback(
    async ({ nodes: n, edges: e }) => {
      if (n.length || e.length) remember();
      return true;
    },
    [remember],
  );
  const onNodeDragStart = useCallback(() => remember(), [remember]);
  const isValidConnection: IsValidConnection = useCallback(
    (c) => {
      if (c.source === c.target) return false;
      const target = current.current.nodes.find((n) => n.id === c.target);
      return !!target && !isTrigger(target.data.type);
    },
    [current],
  );
  const onConnect = useCallback(
    (c: Connection) => {
      remember();
      const branch = c.sourceHandle ?? "next";
      setEdges((es) =>
        addEdge(
          { ...c, sourceHandle: branch, id: randomId("e"), label: edgeLabel(current.current.nodes, c.source, branch) },
          // One edge per exit: connecting an exit that is already connected replaces its edge.
          es.filter((e) => !(e.source === c.source && (e.sourceHandle ?? "next") === branch)),
        ),
      );
    },
    [remember, current, setEdges],
  );

  const updateNode = useCallback(
    (id: string, patch: { label?: string; config?: Record<string, unknown> }) => {
      remember(`${id}:${Object.keys(patch).join(",")}`);
      setNodes((ns) => ns.map((n) => (n.id === id ? { ...n, data: { ...n.data, ...patch } } : n)));
      if (patch.config) {
        const node = current.current.nodes.find((n) => n.id === id);
        if (node && (node.data.type === "branch" || node.data.type === "split")) {
          const exits = exitLabels(node.data.type, patch.config);
          setEdges((es) =>
            es.map((e) =>
              e.source === id ? { ...e, label: exits.find((x) => x.id === e.sourceHandle)?.label || undefined } : e,
            ),
          );
        }
      }
    },
    [remember, current, setEdges, setNodes],
  );
  const deleteNode = useCallback(
    (id: string) => {
      remember();
      setNodes((ns) => ns.filter((n) => n.id !== id));
      setEdges((es) => es.filter((e) => e.source !== id && e.target !== id));
    },
    [remember, setEdges, setNodes],
  );
  const updateSettings = useCallback(
    (next: TJourneySettings) => {
      remember("settings");
      setSettings(next);
    },
    [remember, setSettings],
  );

  const layout = useCallback(() => {
    remember();
    setNodes((ns) => autoLayout(ns, current.current.edges, { live: liveRowsRef.current }));
    window.requestAnimationFrame(() => void flow.fitView({ ...FIT_VIEW_OPTIONS, duration: 300 }));
  }, [remember, flow, current, liveRowsRef, setNodes]);
  const fit = useCallback(() => void flow.fitView({ ...FIT_VIEW_OPTIONS, duration: 300 }), [flow]);

  const focusNode = useCallback(
    (id: string) => {
      const node = current.current.nodes.find((n) => n.id === id);
      if (!node) return;
      setNodes((ns) =>
        ns.map((n) => (n.id === id ? { ...n, selected: true } : n.selected ? { ...n, selected: false } : n)),
      );
      onFocused();
      void flow.setCenter(
        node.position.x + (node.measured?.width ?? NODE_WIDTH) / 2,
        node.position.y + (node.measured?.height ?? 96) / 2,
        { zoom: Math.max(flow.getZoom(), 0.9), duration: 300 },
      );
    },
    [flow, current, onFocused, setNodes],
  );

  return {
    onNodesChange,
    onEdgesChange,
    onBeforeDelete,
    onNodeDragStart,
    isValidConnection,
    onConnect,
    updateNode,
    deleteNode,
    updateSettings,
    layout,
    fit,
    focusNode,
  };
}
