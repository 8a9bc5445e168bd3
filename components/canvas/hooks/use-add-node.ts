"use client";

import { type Edge, useReactFlow } from "@xyflow/react";
import { type DragEvent, type RefObject, useCallback, useState } from "react";
import type { NodeType } from "@/lib/journeys/graph";
import { ADD_GAP, addBelow, clearOf, stepHeight } from "../canvas-edits";
import { edgeLabel, nodePrefix, randomId } from "../editor/flow-graph";
import { type JourneyFlowNode, NODE_WIDTH } from "../journey-nodes";
import { isNodeType, NODE_MODULES } from "../nodes";
import { PALETTE_MIME } from "../palette";
import type { JourneyGraphState } from "./use-journey-graph";

/**
 * Adding a step from the palette: clicked (below the selected step, connected to its first free exit, kept in
 * view) or dropped where it lands. `addNote` says what a click could not do (no free exit) until the next add.
 */
export function useAddNode({
  graph: { setNodes, setEdges, current },
  remember,
  liveRowsRef,
  wrapper,
  onAdded,
}: {
  graph: JourneyGraphState;
  remember: (key?: string) => void;
  liveRowsRef: RefObject<boolean>;
  wrapper: RefObject<HTMLDivElement | null>;
  /** the new step is selected: the inspector shows it */
  onAdded: () => void;
}) {
  const flow = useReactFlow<JourneyFlowNode, Edge>();
  /** what click-to-add could not do (no free exit), said on the canvas until the next add or dismissed */
  const [addNote, setAddNote] = useState<string | null>(null);
  const addNode = useCallback(
    (type: NodeType, at?: { x: number; y: number }) => {
      remember();
      const { nodes: ns, edges: es } = current.current;
      let position = at;
      let link: { source: string; sourceHandle: string } | null = null;
      let note: string | null = null;
      if (!position) {
        const picked = ns.filter((n) => n.selected);
        if (picked.length === 1) {
          // Below the selected step, connected to its first free exit (or said why not).
          const plan = addBelow(picked[0], type, es, liveRowsRef.current);
          position = clearOf(plan.position, ns, liveRowsRef.current);
          link = plan.connect;
          if (!plan.connect && plan.reason === "no-free-exit") {
            const name = picked[0].data.label || NODE_MODULES[picked[0].data.type].title;
            note = `“${name}” has no free exit, so the new step is not connected: drag from an exit to connect it.`;
          }
        } else {
          const anchor = ns.reduce<JourneyFlowNode | undefined>(
            (low, n) => (!low || n.position.y > low.position.y ? n : low),
            undefined,
          );
          if (anchor)
            position = {
              x: anchor.position.x,
              y: anchor.position.y + stepHeight(anchor, liveRowsRef.current) + ADD_GAP,
            };
        }
        if (!position) {
          const rect = wrapper.current?.getBoundingClientRect();
          const center = rect
            ? flow.screenToFlowPosition({ x: rect.left + rect.width / 2, y: rect.top + 120 })
            : { x: 0, y: 0 };
          position = { x: center.x - NODE_WIDTH / 2, y: center.y };
        }
      }
      const node: JourneyFlowNode = {
        id: randomId(nodePrefix(type)),
        type: NODE_MODULES[type].family,
        position: { x: Math.round(position.x / 8) * 8, y: Math.round(position.y / 8) * 8 },
        data: { type, config: NODE_MODULES[type].defaults() },
        selected: true,
      };
      setNodes((list) => [...list.map((n) => (n.selected ? { ...n, selected: false } : n)), node]);
      const edge: Edge | null = link
        ? {
            id: randomId("e"),
            source: link.source,
            target: node.id,
            sourceHandle: link.sourceHandle,
            label: edgeLabel(ns, link.source, link.sourceHandle),
          }
        : null;
      setEdges((list) => [...list.map((e) => (e.selected ? { ...e, selected: false } : e)), ...(edge ? [edge] : [])]);
      setAddNote(note);
      onAdded();
      if (!at) {
        // Keep the new step in view at the current zoom.
        const rect = wrapper.current?.getBoundingClientRect();
        const screen = flow.flowToScreenPosition({ x: node.position.x, y: node.position.y + 100 });
        if (
          rect &&
          (screen.y > rect.bottom - 40 || screen.y < rect.top || screen.x < rect.left || screen.x > rect.right - 100)
        ) {
          void flow.setCenter(node.position.x + NODE_WIDTH / 2, node.position.y + 48, {
            zoom: flow.getZoom(),
            duration: 200,
          });
        }
      }
    },
    [remember, flow, current, liveRowsRef, onAdded, setEdges, setNodes, wrapper],
  );

  const dismissAddNote = useCallback(() => setAddNote(null), []);
  const onDragOver = useCallback((e: DragEvent) => {
    if (e.dataTransfer.types.includes(PALETTE_MIME)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = "copy";
    }
  }, []);
  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = e.dataTransfer.getData(PALETTE_MIME);
      if (!isNodeType(type)) return;
      e.preventDefault();
      const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      addNode(type, { x: p.x - NODE_WIDTH / 2, y: p.y - 40 });
    },
    [flow, addNode],
  );

  return { addNode, addNote, dismissAddNote, onDragOver, onDrop };
}
