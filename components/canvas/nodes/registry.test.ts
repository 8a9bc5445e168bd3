import { describe, expect, it } from "vitest";
import { NODE_CONFIGS, NODE_TYPES, type NodeType } from "@/lib/journeys/graph";
import { summarize } from "../node-text";
import { NODE_MODULES, PALETTE_GROUPS } from "./index";

/** What the marketer must still choose in a new step of each type: defaults leave these open on purpose. */
const CHOICES: Partial<Record<NodeType, Record<string, unknown>>> = {
  "trigger.event": { eventName: "Signed Up" },
  "trigger.segment": { segmentId: "seg-1" },
  "trigger.prediction": { predictionId: "pred-1" },
  "trigger.schedule": { schedule: { kind: "once", at: "2026-06-01T09:00:00Z" }, segmentId: "seg-1" },
  "delay.until_date_trait": { trait: "renewalDate" },
  wait_for_event: { eventName: "Order Completed" },
  condition: { rules: { match: "all", rules: [{ kind: "trait", trait: "plan", operator: "equals", value: "pro" }] } },
  branch: {
    branches: [
      {
        id: "b1",
        label: "Path 1",
        rules: { match: "all", rules: [{ kind: "trait", trait: "plan", operator: "equals", value: "pro" }] },
      },
    ],
  },
  "action.email": { templateId: "tpl-1" },
  "action.sms": { templateId: "tpl-1" },
  "action.push": { templateId: "tpl-1" },
  "action.in_app": { templateId: "tpl-1" },
  "action.webhook": { url: "https://example.com/hooks/cairn" },
  "action.update_profile": { set: { plan: "pro" } },
  goal: { eventName: "Order Completed" },
};

describe("the node registry", () => {
  it("has a module for every node type of the journey schema, and nothing else", () => {
    expect(Object.keys(NODE_MODULES).sort()).toEqual([...NODE_TYPES].sort());
    for (const type of NODE_TYPES) expect(NODE_MODULES[type].type).toBe(type);
  });

  it("places every node type in a palette group, with a title and a hint", () => {
    for (const type of NODE_TYPES) {
      const node = NODE_MODULES[type];
      expect(PALETTE_GROUPS).toContain(node.group);
      expect(node.title.trim()).not.toBe("");
      expect(node.hint.trim()).not.toBe("");
    }
  });

  it.each(NODE_TYPES)("%s: its defaults parse with its zod config once the marketer's choices are made", (type) => {
    const schema = NODE_CONFIGS[type];
    const defaults = NODE_MODULES[type].defaults();
    const choices = CHOICES[type];
    expect(schema.safeParse({ ...defaults, ...choices }).error?.issues).toBeUndefined();
    // only what the marketer must choose is left open (a complete default would make the choice silently)
    expect(schema.safeParse(defaults).success).toBe(choices === undefined);
  });

  it.each(NODE_TYPES)("%s: summarizes its defaults in words", (type) => {
    expect(summarize(type, NODE_MODULES[type].defaults())).toMatch(/\S/);
  });

  it("names the template channel of every message step", () => {
    const withTemplates = NODE_TYPES.filter((t) => NODE_MODULES[t].template).sort();
    expect(withTemplates).toEqual(["action.email", "action.in_app", "action.push", "action.sms", "action.webhook"]);
  });
});
