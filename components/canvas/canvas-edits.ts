import type { Edge } from "@xyflow/react";
import { exitsOf, isTrigger, type NodeType } from "@/lib/journeys/graph";

/**
 * The canvas's pure edits (no React, no React Flow instance), so that they can be tested as functions:
 * which exit a click-to-add step hangs from, where it goes, and what a paste adds.
 */

/** The geometry these helpers need from a step: React Flow's node, or a test's plain object. */
export interface PlacedStep {
  id: string;
  position: { x: number; y: number };
  measured?: { width?: number; height?: number };
  data: { type: NodeType; config: Record<string, unknown> };
}

/** What the card shows, without its live rows (px); React Flow's measured size wins when there is one. */
export const NODE_BASE_HEIGHT = 78;
/** the row of exit names under a step with several (or named) exits */
export const EXIT_ROW_HEIGHT = 34;
/** entered · here now · moved on, shown once the journey has been published */
export const LIVE_ROW_HEIGHT = 26;
/** sent · delivered · opened · clicked, under message steps of a published journey */
export const MESSAGE_ROW_HEIGHT = 40;
/** the vertical gap click-to-add leaves under the step it hangs from */
export const ADD_GAP = 64;
/** how far apart the children of a branching step are placed side by side (a node and a gutter) */
export const EXIT_SPACING = 248 + 48;

const MESSAGE_STEPS = new Set<NodeType>([
  "action.email",
  "action.sms",
  "action.push",
  "action.in_app",
  "action.webhook",
]);

/**
 * A step's height before React Flow has measured it (or when the live rows have just appeared and it has
 * not measured them yet): the card, its exit names, and, when the journey is live, the count rows.
 */
export function estimatedHeight(step: Pick<PlacedStep, "data">, live: boolean): number {
  const exits = exitsOf(step.data);
  const named = exits.length > 1 || (exits.length === 1 && exits[0] !== "next");
  let height = NODE_BASE_HEIGHT + (named ? EXIT_ROW_HEIGHT : 0);
  if (live) height += LIVE_ROW_HEIGHT + (MESSAGE_STEPS.has(step.data.type) ? MESSAGE_ROW_HEIGHT : 0);
  return height;
}

/** The measured height when React Flow has one, never less than the estimate (the rows may be newer). */
export function stepHeight(step: PlacedStep, live: boolean): number {
  return Math.max(step.measured?.height ?? 0, estimatedHeight(step, live));
}

/**
 * The exit a step added "below the selected step" hangs from: the first of the selected step's exits
 * (in the order the card shows them, left to right) with no edge yet. null when every exit is taken or the
 * step has none (a goal, an exit).
 */
export function freeExit(
  step: Pick<PlacedStep, "id" | "data">,
  edges: readonly Pick<Edge, "source" | "sourceHandle">[],
): string | null {
  const exits = exitsOf(step.data);
  const taken = new Set(edges.filter((e) => e.source === step.id).map((e) => e.sourceHandle ?? "next"));
  return exits.find((exit) => !taken.has(exit)) ?? null;
}

export type AddBelow =
  | { position: { x: number; y: number }; connect: { source: string; sourceHandle: string } }
  | { position: { x: number; y: number }; connect: null; reason: "no-free-exit" | "trigger" };

/**
 * Where a step of `type` added below `anchor` goes and what it connects to: under the anchor's first free
 * exit (side by side for a branching step's exits), connected to it; a step with no free exit gets the new
 * step under it, unconnected, and the reason so that the editor can say so. A trigger is never a target.
 */
export function addBelow(
  anchor: PlacedStep,
  type: NodeType,
  edges: readonly Pick<Edge, "source" | "sourceHandle">[],
  live: boolean,
): AddBelow {
  const exits = exitsOf(anchor.data);
  const exit = freeExit(anchor, edges);
  const y = anchor.position.y + stepHeight(anchor, live) + ADD_GAP;
  const column = exit === null ? 0 : exits.indexOf(exit) - (exits.length - 1) / 2;
  const position = { x: anchor.position.x + column * EXIT_SPACING, y };
  if (isTrigger(type)) return { position: { x: anchor.position.x, y }, connect: null, reason: "trigger" };
  if (exit === null) return { position, connect: null, reason: "no-free-exit" };
  return { position, connect: { source: anchor.id, sourceHandle: exit } };
}

/**
 * Moves a new step's position down, past any step it would land on (e.g. under a step whose exits are all
 * taken, where its children already are), leaving ADD_GAP above it.
 */
export function clearOf(
  position: { x: number; y: number },
  steps: readonly PlacedStep[],
  live: boolean,
  width = 248,
): { x: number; y: number } {
  let y = position.y;
  for (let moved = true; moved; ) {
    moved = false;
    for (const s of steps) {
      const w = s.measured?.width ?? 248;
      const h = stepHeight(s, live);
      const apart =
        s.position.x + w <= position.x ||
        position.x + width <= s.position.x ||
        s.position.y + h + ADD_GAP <= y ||
        y + NODE_BASE_HEIGHT + ADD_GAP <= s.position.y;
      if (!apart) {
        y = s.position.y + h + ADD_GAP;
        moved = true;
      }
    }
  }
  return { x: position.x, y };
}

/** The offset of the n-th paste of the same copy (1, 2, …): each lands 40 px right of and below the last. */
export const PASTE_STEP = 40;
export const pasteOffset = (paste: number) => PASTE_STEP * paste;

/**
 * The steps and connections a paste adds: copies of the copied steps with new ids, moved by the paste's
 * offset (so that they never land on the originals, and repeated pastes cascade), selected; and copies of
 * the edges between copied steps, rewired to the copies. Edges to steps that were not copied are left out.
 */
export function pasteCopies<
  N extends {
    id: string;
    position: { x: number; y: number };
    data: { type: NodeType; config: Record<string, unknown> };
  },
  E extends Edge,
>(
  clip: { nodes: readonly N[]; edges: readonly E[] },
  paste: number,
  newId: (prefix: "node" | "edge", node?: N) => string,
): { nodes: N[]; edges: E[] } {
  const offset = pasteOffset(paste);
  const ids = new Map(clip.nodes.map((n) => [n.id, newId("node", n)]));
  const nodes = clip.nodes.map((n) => ({
    ...n,
    id: ids.get(n.id)!,
    position: { x: n.position.x + offset, y: n.position.y + offset },
    data: { ...n.data, config: structuredClone(n.data.config) },
    selected: true,
    dragging: false,
  }));
  const edges = clip.edges
    .filter((e) => ids.has(e.source) && ids.has(e.target))
    .map((e) => ({ ...e, id: newId("edge"), source: ids.get(e.source)!, target: ids.get(e.target)!, selected: false }));
  return { nodes, edges };
}

/**
 * Pushes down the steps that the one above them now overlaps (live rows made it taller), keeping at least
 * `gap` px between them; steps that do not overlap stay where the author put them. Returns the moved
 * positions by id (empty when nothing overlaps, so that callers can skip a state update).
 */
export function makeRoom(steps: readonly PlacedStep[], live: boolean, gap = 16): Map<string, { x: number; y: number }> {
  const boxes = steps
    .map((s) => ({ id: s.id, x: s.position.x, y: s.position.y, w: s.measured?.width ?? 248, h: stepHeight(s, live) }))
    .sort((a, b) => a.y - b.y || a.x - b.x);
  const moved = new Map<string, { x: number; y: number }>();
  for (let i = 0; i < boxes.length; i++) {
    const box = boxes[i];
    for (let j = 0; j < i; j++) {
      const above = boxes[j];
      const sideBySide = above.x + above.w <= box.x || box.x + box.w <= above.x;
      // only a step that starts below the other's top is pushed (two steps on one row are the author's call)
      if (sideBySide || above.y >= box.y) continue;
      if (above.y + above.h + gap > box.y) {
        box.y = above.y + above.h + gap;
        moved.set(box.id, { x: box.x, y: box.y });
      }
    }
  }
  return moved;
}
