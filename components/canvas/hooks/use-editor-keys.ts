"use client";

import type { Edge } from "@xyflow/react";
import { useEffect, useRef } from "react";
import { pasteCopies } from "../canvas-edits";
import { nodePrefix, randomId } from "../editor/flow-graph";
import type { JourneyFlowNode } from "../journey-nodes";
import type { JourneyGraphState } from "./use-journey-graph";

/**
 * The editor's keyboard: Ctrl/⌘+C and V copy and paste the selected steps (with the connections between them),
 * Ctrl/⌘+Z undoes, Shift+Ctrl/⌘+Z or Ctrl/⌘+Y redoes. Delete and Backspace are React Flow's own. Keys typed into
 * a field are the field's.
 */
export function useEditorKeys({
  graph: { setNodes, setEdges, current },
  readOnly,
  undo,
  redo,
  remember,
}: {
  graph: JourneyGraphState;
  readOnly: boolean;
  undo: () => void;
  redo: () => void;
  remember: (key?: string) => void;
}) {
  const clipboard = useRef<{ nodes: JourneyFlowNode[]; edges: Edge[]; pastes: number } | null>(null);
  useEffect(() => {
    if (readOnly) return;
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) return;
      if (!(e.ctrlKey || e.metaKey)) return;
      const key = e.key.toLowerCase();
      if (key === "z" && !e.shiftKey) {
        e.preventDefault();
        undo();
      } else if ((key === "z" && e.shiftKey) || key === "y") {
        e.preventDefault();
        redo();
      } else if (key === "c") {
        const { nodes: ns, edges: es } = current.current;
        const picked = ns.filter((n) => n.selected);
        if (!picked.length) return;
        const ids = new Set(picked.map((n) => n.id));
        clipboard.current = {
          nodes: picked,
          edges: es.filter((x) => ids.has(x.source) && ids.has(x.target)),
          pastes: 0,
        };
        e.preventDefault();
      } else if (key === "v" && clipboard.current) {
        e.preventDefault();
        const clip = clipboard.current;
        clip.pastes += 1;
        remember();
        const { nodes: pasted, edges: pastedEdges } = pasteCopies(clip, clip.pastes, (kind, n) =>
          kind === "node" && n ? randomId(nodePrefix(n.data.type)) : randomId("e"),
        );
        setNodes((ns) => [...ns.map((n) => (n.selected ? { ...n, selected: false } : n)), ...pasted]);
        setEdges((es) => [...es, ...pastedEdges]);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [readOnly, undo, redo, remember, current, setEdges, setNodes]);
}
