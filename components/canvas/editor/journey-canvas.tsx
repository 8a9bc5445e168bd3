"use client";

import {
  Background,
  BackgroundVariant,
  type Connection,
  Controls,
  type Edge,
  type EdgeChange,
  type IsValidConnection,
  MarkerType,
  MiniMap,
  type NodeChange,
  type OnBeforeDelete,
  Panel,
  ReactFlow,
} from "@xyflow/react";
import { X } from "lucide-react";
import type { DragEvent, RefObject } from "react";
import { type JourneyFlowNode, nodeTypes } from "../journey-nodes";
import { FIT_VIEW_OPTIONS } from "./flow-graph";

const DEFAULT_EDGE_OPTIONS = { type: "smoothstep", markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 } };
const SNAP: [number, number] = [8, 8];
const PRO_OPTIONS = { hideAttribution: true };
/** Below this canvas width the minimap would sit on the steps: it is left out (Fit and the controls remain). */
const MINIMAP_MIN_CANVAS_WIDTH = 720;
const MINIMAP_COLORS: Record<string, string> = {
  trigger: "#8b5cf6",
  delay: "#0ea5e9",
  wait: "#06b6d4",
  logic: "#f59e0b",
  action: "#10b981",
  finish: "#f43f5e",
};
const MINIMAP_STYLE = { width: 144, height: 96 };
const miniMapColor = (node: { type?: string }) => MINIMAP_COLORS[node.type ?? ""] ?? "#a8a29e";

/** The React Flow canvas: the steps and connections, its controls and minimap, and the notes shown over it. */
export function JourneyCanvas({
  wrapper,
  canvasWidth,
  nodes,
  displayEdges,
  readOnly,
  onDragOver,
  onDrop,
  onNodesChange,
  onEdgesChange,
  onConnect,
  onBeforeDelete,
  onNodeDragStart,
  isValidConnection,
  addNote,
  dismissAddNote,
}: {
  wrapper: RefObject<HTMLDivElement | null>;
  canvasWidth: number | null;
  nodes: JourneyFlowNode[];
  displayEdges: Edge[];
  readOnly: boolean;
  onDragOver: (e: DragEvent) => void;
  onDrop: (e: DragEvent) => void;
  onNodesChange: (changes: NodeChange<JourneyFlowNode>[]) => void;
  onEdgesChange: (changes: EdgeChange[]) => void;
  onConnect: (connection: Connection) => void;
  onBeforeDelete: OnBeforeDelete<JourneyFlowNode, Edge>;
  onNodeDragStart: () => void;
  isValidConnection: IsValidConnection;
  addNote: string | null;
  dismissAddNote: () => void;
}) {
  return (
    <div className="relative min-h-0 flex-1" ref={wrapper} onDragOver={onDragOver} onDrop={onDrop} data-testid="canvas">
      <ReactFlow<JourneyFlowNode, Edge>
        nodes={nodes}
        edges={displayEdges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onBeforeDelete={onBeforeDelete}
        onNodeDragStart={onNodeDragStart}
        isValidConnection={isValidConnection}
        defaultEdgeOptions={DEFAULT_EDGE_OPTIONS}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        edgesReconnectable={false}
        deleteKeyCode={readOnly ? null : ["Backspace", "Delete"]}
        multiSelectionKeyCode={["Meta", "Control", "Shift"]}
        snapToGrid
        snapGrid={SNAP}
        fitView
        fitViewOptions={FIT_VIEW_OPTIONS}
        minZoom={0.2}
        maxZoom={2}
        proOptions={PRO_OPTIONS}
      >
        <Background variant={BackgroundVariant.Dots} gap={16} size={1.2} color="#d6d3d1" />
        <Controls showInteractive={false} position="bottom-left" />
        {canvasWidth !== null && canvasWidth >= MINIMAP_MIN_CANVAS_WIDTH ? (
          <MiniMap
            position="bottom-right"
            pannable
            zoomable
            nodeStrokeWidth={2}
            nodeColor={miniMapColor}
            style={MINIMAP_STYLE}
            className="!rounded-lg !ring-1 !ring-stone-200"
          />
        ) : null}
        {addNote ? (
          <Panel position="top-center">
            <p
              role="status"
              data-testid="add-note"
              className="flex items-center gap-2 rounded-lg bg-amber-50 px-3 py-2 text-xs text-amber-900 shadow-sm ring-1 ring-amber-200"
            >
              {addNote}
              <button
                type="button"
                onClick={dismissAddNote}
                aria-label="Dismiss"
                className="rounded p-0.5 text-amber-700 hover:bg-amber-100"
              >
                <X className="h-3.5 w-3.5" aria-hidden="true" />
              </button>
            </p>
          </Panel>
        ) : null}
        {nodes.length === 0 ? (
          <Panel position="top-center" className="!top-1/3">
            <div className="rounded-xl border border-dashed border-stone-300 bg-white/90 px-6 py-5 text-center shadow-sm">
              <p className="text-sm font-semibold text-stone-900">
                {readOnly ? "This journey has no steps yet." : "Start with a trigger"}
              </p>
              {readOnly ? null : (
                <p className="mt-1 text-sm text-stone-600">
                  Click a step in the palette, or drag it here. Then connect the dots from each step to the next.
                </p>
              )}
            </div>
          </Panel>
        ) : null}
      </ReactFlow>
    </div>
  );
}
