import type { Edge } from "@xyflow/react";
import { describe, expect, it } from "vitest";
import type { NodeType } from "@/lib/journeys/graph";
import { autoLayout } from "./auto-layout";
import {
  ADD_GAP,
  addBelow,
  clearOf,
  estimatedHeight,
  freeExit,
  LIVE_ROW_HEIGHT,
  makeRoom,
  MESSAGE_ROW_HEIGHT,
  pasteCopies,
  type PlacedStep,
} from "./canvas-edits";
import type { JourneyFlowNode } from "./journey-nodes";

const step = (
  id: string,
  type: NodeType,
  y = 0,
  extra: Partial<PlacedStep> = {},
  config: Record<string, unknown> = {},
): PlacedStep => ({ id, position: { x: 0, y }, data: { type, config }, ...extra });
const edge = (source: string, target: string, sourceHandle?: string): Edge => ({
  id: `${source}-${target}`,
  source,
  target,
  ...(sourceHandle ? { sourceHandle } : {}),
});

describe("click to add: the selected step's free exit", () => {
  it("connects a plain step's only exit, and a branching step's first unconnected exit in card order", () => {
    expect(freeExit(step("d", "delay.duration"), [])).toBe("next");
    const condition = step("c", "condition");
    expect(freeExit(condition, [])).toBe("yes");
    expect(freeExit(condition, [edge("c", "a", "yes")])).toBe("no");
    // an edge of another step does not take this step's exit
    expect(freeExit(condition, [edge("x", "a", "yes")])).toBe("yes");
    const branch = step("b", "branch", 0, {}, { branches: [{ id: "vip" }, { id: "new" }] });
    expect(freeExit(branch, [edge("b", "1", "vip")])).toBe("new");
    expect(freeExit(branch, [edge("b", "1", "vip"), edge("b", "2", "new")])).toBe("else");
  });

  it("has no free exit when every exit is taken or the step has none", () => {
    expect(freeExit(step("d", "delay.duration"), [edge("d", "x", "next")])).toBeNull();
    // an edge saved without a branch is the "next" exit
    expect(freeExit(step("d", "delay.duration"), [edge("d", "x")])).toBeNull();
    expect(freeExit(step("g", "goal"), [])).toBeNull();
    expect(freeExit(step("c", "condition"), [edge("c", "a", "yes"), edge("c", "b", "no")])).toBeNull();
  });

  it("places the new step under the exit it hangs from and connects it; says why when it cannot", () => {
    const trigger = step("t", "trigger.event", 100, { measured: { width: 248, height: 90 } });
    expect(addBelow(trigger, "delay.duration", [], false)).toEqual({
      position: { x: 0, y: 100 + 90 + ADD_GAP },
      connect: { source: "t", sourceHandle: "next" },
    });

    const condition = step("c", "condition", 0, { measured: { width: 248, height: 120 } });
    const yes = addBelow(condition, "action.email", [], false);
    const no = addBelow(condition, "exit", [edge("c", "e", "yes")], false);
    expect(yes.connect).toEqual({ source: "c", sourceHandle: "yes" });
    expect(no.connect).toEqual({ source: "c", sourceHandle: "no" });
    // side by side, "Yes" on the left as on the card, and not on top of each other
    expect(yes.position.x).toBeLessThan(0);
    expect(no.position.x - yes.position.x).toBeGreaterThanOrEqual(248);

    const goal = step("g", "goal", 0, { measured: { width: 248, height: 80 } });
    expect(addBelow(goal, "exit", [], false)).toEqual({
      position: { x: 0, y: 80 + ADD_GAP },
      connect: null,
      reason: "no-free-exit",
    });
    // a trigger never has an incoming edge
    expect(addBelow(trigger, "trigger.segment", [], false)).toMatchObject({ connect: null, reason: "trigger" });
  });
});

describe("click to add: a free spot", () => {
  it("moves the new step below the steps it would land on, and leaves a clear spot alone", () => {
    const children = [
      step("a", "exit", 200, { position: { x: -100, y: 200 }, measured: { width: 248, height: 80 } }),
      step("b", "exit", 200, { position: { x: 150, y: 200 }, measured: { width: 248, height: 80 } }),
    ];
    expect(clearOf({ x: 0, y: 200 }, children, false)).toEqual({ x: 0, y: 200 + 80 + ADD_GAP });
    expect(clearOf({ x: 0, y: 600 }, children, false)).toEqual({ x: 0, y: 600 });
    expect(clearOf({ x: 500, y: 200 }, children, false)).toEqual({ x: 500, y: 200 });
  });
});

describe("paste", () => {
  const nodes = [
    { ...step("a", "delay.duration", 0), position: { x: 10, y: 20 }, selected: true },
    { ...step("b", "action.email", 200, {}, { templateId: "t1" }), position: { x: 10, y: 200 }, selected: true },
  ];
  const edges = [edge("a", "b", "next"), edge("outside", "a", "next")];
  let n = 0;
  const newId = (kind: "node" | "edge") => `${kind}${++n}`;

  it("offsets the copies from the originals, cascades repeated pastes, and keeps the edges between them", () => {
    const first = pasteCopies({ nodes, edges }, 1, newId);
    expect(first.nodes.map((x) => x.position)).toEqual([
      { x: 50, y: 60 },
      { x: 50, y: 240 },
    ]);
    const second = pasteCopies({ nodes, edges }, 2, newId);
    expect(second.nodes.map((x) => x.position)).toEqual([
      { x: 90, y: 100 },
      { x: 90, y: 280 },
    ]);
    // the internal edge, rewired to the copies; the edge from a step that was not copied is left out
    expect(first.edges).toHaveLength(1);
    expect(first.edges[0]).toMatchObject({
      source: first.nodes[0].id,
      target: first.nodes[1].id,
      sourceHandle: "next",
    });
    expect(new Set([...first.nodes, ...second.nodes].map((x) => x.id)).size).toBe(4);
    // the copies' configs are their own
    (first.nodes[1].data.config as { templateId: string }).templateId = "changed";
    expect(nodes[1].data.config.templateId).toBe("t1");
  });
});

describe("layout with live rows", () => {
  const flow = (id: string, type: NodeType, y: number, height?: number): JourneyFlowNode => ({
    id,
    type: "action",
    position: { x: 0, y },
    data: { type, config: type === "action.email" ? { templateId: "t" } : {} },
    ...(height ? { measured: { width: 248, height } } : {}),
  });

  it("counts the count rows in a step's height once the journey is live", () => {
    expect(estimatedHeight(step("e", "action.email"), true) - estimatedHeight(step("e", "action.email"), false)).toBe(
      LIVE_ROW_HEIGHT + MESSAGE_ROW_HEIGHT,
    );
    expect(
      estimatedHeight(step("d", "delay.duration"), true) - estimatedHeight(step("d", "delay.duration"), false),
    ).toBe(LIVE_ROW_HEIGHT);
  });

  it("auto-layout leaves room under steps not yet measured with their live rows", () => {
    const nodes = [flow("t", "trigger.event", 0), flow("m", "action.email", 0), flow("d", "delay.duration", 0)];
    const edges = [edge("t", "m", "next"), edge("m", "d", "next")];
    const laid = autoLayout(nodes, edges, { live: true });
    const y = Object.fromEntries(laid.map((n) => [n.id, n.position.y]));
    const emailHeight = estimatedHeight(step("m", "action.email"), true);
    // at least the dagre rank gap (72) under the email step's card and both count rows
    expect(y.d - y.m).toBeGreaterThanOrEqual(emailHeight + 72);
  });

  it("auto-layout uses React Flow's measured height when it is the taller", () => {
    const nodes = [flow("t", "trigger.event", 0, 300), flow("d", "delay.duration", 0)];
    const laid = autoLayout(nodes, [edge("t", "d", "next")], { live: true });
    expect(laid[1].position.y - laid[0].position.y).toBeGreaterThanOrEqual(300 + 72);
  });

  it("pushes down the steps a taller live step now overlaps, and only those", () => {
    // positions saved 140 px apart, before publishing: the email step with its two count rows is taller
    const saved = [
      step("t", "trigger.event", 0),
      step("m", "action.email", 140),
      step("d", "delay.duration", 280),
      step("far", "exit", 150, { position: { x: 600, y: 150 } }),
    ];
    const moved = makeRoom(saved, true);
    const emailBottom = 140 + estimatedHeight(step("m", "action.email"), true);
    expect(moved.get("d")!.y).toBeGreaterThanOrEqual(emailBottom + 16);
    expect(moved.get("d")!.x).toBe(0);
    expect(moved.has("t")).toBe(false);
    expect(moved.has("m")).toBe(false);
    expect(moved.has("far")).toBe(false);
    // before publishing, nothing overlaps
    expect(makeRoom(saved, false).size).toBe(0);
  });
});
