import { describe, expect, it } from "vitest";
import { diffJourneys, type PinnedTemplates } from "./diff";
import type { TJourneyGraph } from "./graph";

const graph = (nodes: TJourneyGraph["nodes"]): TJourneyGraph => ({ nodes, edges: [] }) as unknown as TJourneyGraph;
const email = (templateId: string, label = "Welcome email") =>
  ({
    id: "mail",
    type: "action.email",
    label,
    position: { x: 0, y: 0 },
    config: { templateId },
  }) as TJourneyGraph["nodes"][number];
const wait = (amount: number) =>
  ({
    id: "wait",
    type: "delay.duration",
    position: { x: 0, y: 0 },
    config: { duration: { amount, unit: "days" } },
  }) as TJourneyGraph["nodes"][number];

describe("the publish diff, field by field", () => {
  it("names each changed field of a step with its old and new value", () => {
    const diff = diffJourneys(
      graph([email("t1"), wait(1)]),
      graph([email("t2", "Hello"), { ...wait(3), position: { x: 99, y: 99 } }]),
    );
    expect(diff.changedNodes).toEqual(["mail", "wait"]);
    expect(diff.nodeChanges).toEqual({
      mail: [
        { field: "label", before: "“Welcome email”", after: "“Hello”" },
        { field: "templateId", before: "“t1”", after: "“t2”" },
      ],
      wait: [{ field: "duration.amount", before: "1", after: "3" }],
    });
  });

  it("shows a template saved since the live version as the step's template version change, with what changed in its content", () => {
    const before: PinnedTemplates = new Map([
      ["t1", { version: 2, content: { subject: "Hi", html: "<p>Hi</p>", preheader: "" } }],
    ]);
    const after: PinnedTemplates = new Map([
      [
        "t1",
        { version: 3, content: { subject: "Your cart is waiting", html: "<p>Hi</p>", preheader: "x".repeat(200) } },
      ],
    ]);
    const diff = diffJourneys(graph([email("t1")]), graph([email("t1")]), { before, after });
    expect(diff.changedNodes).toEqual(["mail"]);
    expect(diff.nodeChanges.mail).toEqual([
      { field: "template version", before: "2", after: "3" },
      { field: "preheader", before: "(none)", after: `“${"x".repeat(78)}…` },
      { field: "subject", before: "“Hi”", after: "“Your cart is waiting”" },
    ]);
  });

  it("an unchanged step with the same template version is not a change; a first publish has no changed steps", () => {
    const pinned: PinnedTemplates = new Map([["t1", { version: 2, content: { subject: "Hi" } }]]);
    expect(diffJourneys(graph([email("t1")]), graph([email("t1")]), { before: pinned, after: pinned })).toMatchObject({
      changedNodes: [],
      nodeChanges: {},
    });
    expect(diffJourneys(null, graph([email("t1")]))).toMatchObject({
      addedNodes: ["mail"],
      changedNodes: [],
      nodeChanges: {},
    });
  });
});
