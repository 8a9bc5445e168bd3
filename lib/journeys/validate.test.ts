import { describe, expect, it } from "vitest";
import { ABANDONED_CART } from "./examples";
import type { TJourneyGraphInput } from "./graph";
import { validateJourney } from "./validate";

const clone = (): TJourneyGraphInput => structuredClone(ABANDONED_CART);
const problemsOf = (graph: unknown, refs = {}) => validateJourney(graph, refs).problems;

describe("journey validation", () => {
  it("accepts the abandoned-cart journey, filling defaults", () => {
    const { graph, problems } = validateJourney(ABANDONED_CART, {
      templateIds: new Set(["tpl_cart_reminder", "tpl_cart_discount"]),
      segmentIds: new Set(),
    });
    expect(problems).toEqual([]);
    expect(graph?.nodes.find((n) => n.id === "trigger")?.config).toEqual({ eventName: "cart_updated", filters: [] });
  });

  it("needs exactly one trigger", () => {
    const none = clone();
    none.nodes = none.nodes.filter((n) => n.id !== "trigger");
    none.edges = none.edges.filter((e) => e.source !== "trigger");
    expect(problemsOf(none)).toContainEqual({ path: "nodes", message: "a journey needs exactly one trigger; add one" });

    const two = clone();
    two.nodes.push({ id: "t2", type: "trigger.api", position: { x: 0, y: 0 }, config: {} });
    two.edges.push({ id: "e9", source: "t2", target: "reminder" });
    expect(problemsOf(two)).toContainEqual({
      nodeId: "t2",
      path: "type",
      message: "a journey has exactly one trigger; remove this one",
    });
  });

  it("flags a node no path from the trigger reaches", () => {
    const graph = clone();
    graph.nodes.push({
      id: "orphan",
      type: "delay.duration",
      position: { x: 0, y: 0 },
      config: { duration: { amount: 1, unit: "hours" } },
    });
    expect(problemsOf(graph)).toEqual([{ nodeId: "orphan", path: "", message: "no path from the trigger leads here" }]);
  });

  it("refuses cycles", () => {
    const graph = clone();
    graph.nodes = graph.nodes.filter((n) => n.id !== "ordered");
    graph.edges = graph.edges.filter((e) => e.id !== "e8");
    graph.edges.push({ id: "loop", source: "discount", target: "wait_3_days" });
    expect(problemsOf(graph)).toEqual([
      {
        edgeId: "loop",
        nodeId: "discount",
        path: "target",
        message: "this edge closes a loop; journeys cannot go back to an earlier step",
      },
    ]);
  });

  it("needs every exit of a branching node connected", () => {
    const graph = clone();
    graph.edges = graph.edges.filter((e) => e.id !== "e6");
    graph.nodes = graph.nodes.filter((n) => n.id !== "done");
    expect(problemsOf(graph)).toEqual([
      { nodeId: "has_ordered", path: "exits.yes", message: 'connect the "yes" exit' },
    ]);
  });

  it("needs the trigger connected", () => {
    const graph = clone();
    graph.edges = graph.edges.filter((e) => e.id !== "e1");
    expect(problemsOf(graph)).toContainEqual({
      nodeId: "trigger",
      path: "exits.next",
      message: "connect the trigger to the first step",
    });
  });

  it.each([
    [
      "an unknown exit",
      { id: "x", source: "has_ordered", target: "discount", branch: "maybe" },
      "branch",
      '"maybe" is not an exit of this node; its exits are yes, no',
    ],
    [
      "no exit named on a branching node",
      { id: "x", source: "has_ordered", target: "discount" },
      "branch",
      "say which exit this edge leaves from: yes, no",
    ],
    [
      "an exit that is already connected",
      { id: "x", source: "has_ordered", target: "discount", branch: "no" },
      "branch",
      'the "no" exit is already connected (edge e7)',
    ],
    [
      "an edge out of a goal",
      { id: "x", source: "ordered", target: "done" },
      "source",
      "a goal node ends the journey; it has no way out",
    ],
    [
      "an edge into the trigger",
      { id: "x", source: "reminder", target: "trigger" },
      "target",
      "nothing may lead into the trigger",
    ],
    [
      "an edge to a missing node",
      { id: "x", source: "reminder", target: "ghost" },
      "target",
      'ends at "ghost", which is not a node of this journey',
    ],
  ])("refuses %s", (_case, edge, path, message) => {
    const graph = clone();
    graph.edges.push(edge);
    expect(problemsOf(graph)).toContainEqual(expect.objectContaining({ edgeId: "x", path, message }));
  });

  it.each([
    [
      "a delay without a duration",
      "wait_3_days",
      {},
      "config.duration",
      "Invalid input: expected object, received undefined",
    ],
    [
      "a zero duration",
      "wait_3_days",
      { duration: { amount: 0, unit: "days" } },
      "config.duration.amount",
      "must be at least 1",
    ],
    [
      "an unknown unit",
      "wait_3_days",
      { duration: { amount: 2, unit: "fortnights" } },
      "config.duration.unit",
      "must be minutes, hours, days or weeks",
    ],
    [
      "an email without a template",
      "reminder",
      {},
      "config.templateId",
      "Invalid input: expected string, received undefined",
    ],
    [
      "a numeric operator with text",
      "has_ordered",
      { rules: { match: "all", rules: [{ kind: "trait", trait: "age", operator: "gt", value: "old" }] } },
      "config.rules.rules.0.value",
      "must be a number for gt",
    ],
    [
      "exists with a value",
      "has_ordered",
      { rules: { match: "all", rules: [{ kind: "trait", trait: "plan", operator: "exists", value: 1 }] } },
      "config.rules.rules.0.value",
      "must be left out for exists",
    ],
    [
      "an empty rule list",
      "has_ordered",
      { rules: { match: "all", rules: [] } },
      "config.rules.rules",
      "needs at least one rule",
    ],
  ])("refuses %s, naming the node and field", (_case, nodeId, config, path, message) => {
    const graph = clone();
    graph.nodes.find((n) => n.id === nodeId)!.config = config;
    expect(problemsOf(graph)).toContainEqual({ nodeId, path, message });
  });

  it("checks A/B split weights add up to 100 and names the arms as exits", () => {
    const graph = clone();
    graph.nodes.push({
      id: "split",
      type: "split",
      position: { x: 0, y: 0 },
      config: {
        arms: [
          { id: "a", label: "A", weight: 45 },
          { id: "b", label: "B", weight: 45 },
        ],
        holdout: { weight: 5 },
      },
    });
    graph.edges.push({ id: "s0", source: "discount", target: "split" });
    graph.edges = graph.edges.filter((e) => e.id !== "e8");
    graph.nodes = graph.nodes.filter((n) => n.id !== "ordered");
    expect(problemsOf(graph)).toContainEqual({
      nodeId: "split",
      path: "config.arms",
      message: "arm and holdout weights must add up to 100",
    });
    graph.nodes.find((n) => n.id === "split")!.config = {
      arms: [
        { id: "a", label: "A", weight: 45 },
        { id: "b", label: "B", weight: 45 },
      ],
      holdout: { weight: 10 },
    };
    expect(problemsOf(graph)).toEqual([
      { nodeId: "split", path: "exits.a", message: 'connect the "a" exit' },
      { nodeId: "split", path: "exits.b", message: 'connect the "b" exit' },
    ]);
  });

  it("checks referenced templates and segments exist", () => {
    const graph = clone();
    graph.nodes.find((n) => n.id === "has_ordered")!.config = {
      rules: { match: "any", rules: [{ kind: "segment", segmentId: "seg_vip", member: true }] },
    };
    expect(problemsOf(graph, { templateIds: new Set(["tpl_cart_reminder"]), segmentIds: new Set() })).toEqual([
      {
        nodeId: "has_ordered",
        path: "config.rules.rules.0.segmentId",
        message: 'no segment with id "seg_vip" in this workspace',
      },
      {
        nodeId: "discount",
        path: "config.templateId",
        message: 'no template with id "tpl_cart_discount" in this workspace',
      },
    ]);
  });

  it("points shape problems at the node they are in", () => {
    const graph = clone();
    (graph.nodes[1] as { type: string }).type = "teleport";
    expect(problemsOf(graph)).toEqual([{ nodeId: "wait_checkout", path: "type", message: "is not a known node type" }]);
    expect(problemsOf({ nodes: "many" })).toEqual([
      { path: "nodes", message: "Invalid input: expected array, received string" },
      { path: "edges", message: "Invalid input: expected array, received undefined" },
    ]);
  });

  it("refuses duplicate ids", () => {
    const graph = clone();
    graph.nodes.push({ ...graph.nodes[3] });
    expect(problemsOf(graph)).toContainEqual({
      nodeId: "reminder",
      path: "id",
      message: 'another node already has the id "reminder"',
    });
  });
});
