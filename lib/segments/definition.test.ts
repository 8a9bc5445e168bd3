import { describe, expect, it } from "vitest";
import { zodIssuesToFields } from "../errors";
import { MAX_JSON_DEPTH, referencedEvents, referencedSegments, ZSegmentDefinition } from "./definition";
import { ZEstimateSegment } from "./segment-schemas";

const issues = (input: unknown) => {
  const result = ZSegmentDefinition.safeParse(input);
  return result.success ? [] : zodIssuesToFields(result.error);
};

const VIEWED_NO_ORDER = {
  kind: "group",
  match: "all",
  conditions: [
    { kind: "event_count", event: "Product Viewed", operator: "at_least", count: 3, withinDays: 7 },
    { kind: "not", condition: { kind: "event_count", event: "Order Completed", operator: "at_least", count: 1 } },
  ],
};

describe("segment definitions", () => {
  it("accept nested AND/OR/NOT trees of every condition kind", () => {
    const definition = {
      kind: "group",
      match: "any",
      conditions: [
        VIEWED_NO_ORDER,
        { kind: "trait", trait: "plan", operator: "in", value: ["pro", "team"] },
        { kind: "trait", trait: "signed_up_at", operator: "within_last_days", value: 30 },
        { kind: "not_performed", event: "Login", withinDays: 14 },
        { kind: "event_time", event: "Order Completed", which: "last", operator: "before", value: "2026-01-01" },
        { kind: "segment", segmentId: "7d0c3a8e-3f2b-4c51-9f1e-2a6b8c9d0e1f", member: false },
        { kind: "reachable", channel: "email" },
        {
          kind: "prediction",
          predictionId: "0b7e6a52-7c1d-4e55-8f0a-1d2c3b4a5e6f",
          test: { kind: "tier", tiers: ["high", "medium"] },
        },
        {
          kind: "prediction",
          predictionId: "0b7e6a52-7c1d-4e55-8f0a-1d2c3b4a5e6f",
          test: { kind: "score", operator: "gte", value: 70 },
        },
      ],
    };
    expect(issues(definition)).toEqual([]);
    expect(referencedEvents(definition as never).sort()).toEqual(["Login", "Order Completed", "Product Viewed"]);
    expect(referencedSegments(definition as never)).toEqual(["7d0c3a8e-3f2b-4c51-9f1e-2a6b8c9d0e1f"]);
  });

  it("name the path of every problem", () => {
    expect(
      issues({
        kind: "group",
        match: "all",
        conditions: [
          { kind: "trait", trait: "plan", operator: "gt", value: "x" },
          {
            kind: "group",
            match: "any",
            conditions: [{ kind: "event_count", event: "", operator: "most", count: -1 }],
          },
          { kind: "event_time", event: "Login", which: "last", operator: "after", value: "yesterday" },
          { kind: "segment", segmentId: "nope" },
          { kind: "colour", value: "red" },
        ],
      }),
    ).toEqual([
      { path: "conditions.0.value", message: "must be a number for gt" },
      { path: "conditions.1.conditions.0.event", message: "is required" },
      { path: "conditions.1.conditions.0.operator", message: "must be one of at_least, at_most, exactly" },
      { path: "conditions.1.conditions.0.count", message: "must be 0 or more" },
      { path: "conditions.2.value", message: "must be an ISO 8601 date, e.g. 2026-01-31" },
      { path: "conditions.3.segmentId", message: "must be a segment id" },
      {
        path: "conditions.4.kind",
        message:
          "must be one of trait, event_count, not_performed, event_time, segment, reachable, prediction, group, not",
      },
    ]);
    expect(
      issues({
        kind: "group",
        match: "all",
        conditions: [
          { kind: "prediction", predictionId: "churn", test: { kind: "tier", tiers: ["high", "high"] } },
          {
            kind: "prediction",
            predictionId: "0b7e6a52-7c1d-4e55-8f0a-1d2c3b4a5e6f",
            test: { kind: "score", operator: "eq", value: -1 },
          },
          { kind: "prediction", predictionId: "0b7e6a52-7c1d-4e55-8f0a-1d2c3b4a5e6f", test: { kind: "rank" } },
        ],
      }),
    ).toEqual([
      { path: "conditions.0.predictionId", message: "must be a prediction id" },
      { path: "conditions.0.test.tiers", message: "lists each tier once" },
      { path: "conditions.1.test.operator", message: "must be one of gte, gt, lte, lt" },
      { path: "conditions.1.test.value", message: "must be from 0 to 100" },
      { path: "conditions.2.test.kind", message: "must be a tier test or a score test" },
    ]);
    expect(issues({ kind: "not", condition: VIEWED_NO_ORDER })[0].path).toBe("kind");
    expect(issues({ kind: "group", match: "all", conditions: [] })).toEqual([
      { path: "conditions", message: "needs at least one condition" },
    ]);
  });

  it("refuse trees deeper than five levels", () => {
    let deep: unknown = { kind: "trait", trait: "a", operator: "exists" };
    for (let i = 0; i < 5; i++) deep = { kind: "group", match: "all", conditions: [deep] };
    expect(issues({ kind: "group", match: "all", conditions: [deep] })).toEqual([
      { path: "conditions", message: "nests deeper than 5 levels" },
    ]);
  });
});

describe("segment definitions nested absurdly deep", () => {
  /** `levels` NOT conditions inside each other, built without recursion (JSON.stringify would overflow). */
  const deepNot = (levels: number) => {
    let condition: Record<string, unknown> = { kind: "event_count", event: "Login", operator: "at_least", count: 1 };
    for (let i = 0; i < levels; i++) condition = { kind: "not", condition };
    return { kind: "group", match: "all", conditions: [condition] };
  };

  it("are refused before the recursive schema reads them (20,000 levels overflowed the stack), naming the path", () => {
    for (const levels of [100, 20_000]) {
      const found = issues(deepNot(levels));
      expect(found).toHaveLength(1);
      expect(found[0].path).toBe(["conditions", "0", ...Array(MAX_JSON_DEPTH - 2).fill("condition")].join("."));
      expect(found[0].message).toBe("nests deeper than 5 condition levels (32 levels of JSON)");
    }
    // the same through the segment API's schemas (a 422 naming definition.…)
    const estimate = ZEstimateSegment.safeParse({ definition: deepNot(20_000) });
    expect(estimate.success).toBe(false);
    expect(zodIssuesToFields(estimate.error!)[0].path).toMatch(/^definition\.conditions\.0\.condition\.condition/);
  });

  it("still name the condition depth when the JSON is within bounds", () => {
    expect(issues(deepNot(6))).toEqual([{ path: "conditions", message: "nests deeper than 5 levels" }]);
    expect(issues(deepNot(3))).toEqual([]);
  });
});
