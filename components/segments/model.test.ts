import { describe as group, expect, it } from "vitest";
import { ZSegmentDefinition } from "@/lib/segments/definition";
import {
  convertValue,
  describe,
  errorsAt,
  getAt,
  locateError,
  newCondition,
  parseValue,
  setAt,
  TRAIT_OPERATORS,
  traitOperatorsFor,
  unplacedErrors,
  type Draft,
} from "./model";

const tree = (): Draft => ({
  kind: "group",
  match: "all",
  conditions: [
    { kind: "event_count", event: "Product Viewed", filters: [], operator: "at_least", count: 3, withinDays: 7 },
    {
      kind: "not",
      condition: {
        kind: "event_count",
        event: "Order Completed",
        filters: [],
        operator: "at_least",
        count: 1,
        withinDays: 7,
      },
    },
    { kind: "group", match: "any", conditions: [{ kind: "reachable", channel: "email" }] },
  ],
});

group("locateError", () => {
  it("finds the condition an API error path names, through groups and NOTs", () => {
    expect(locateError("definition.conditions.1.conditions.0.count")).toEqual({
      at: "definition.conditions.1.conditions.0",
      field: "count",
    });
    expect(locateError("definition.conditions.2.condition.withinDays")).toEqual({
      at: "definition.conditions.2.condition",
      field: "withinDays",
    });
    expect(locateError("definition.conditions.0.filters.1.value")).toEqual({
      at: "definition.conditions.0",
      field: "filters.1.value",
    });
    expect(locateError("definition.conditions")).toEqual({ at: "definition", field: "conditions" });
    expect(locateError("definition")).toEqual({ at: "definition", field: "" });
    expect(locateError("name")).toBeNull();
  });

  it("gives each condition its own errors, and keeps the ones no condition shows", () => {
    const errors = {
      name: "is required",
      "definition.conditions.0.count": "must be a number",
      "definition.conditions.1.condition.event": "is required",
      "definition.conditions.2.conditions": "needs at least one condition",
      "definition.conditions.7.event": "is required",
    };
    expect(errorsAt(errors, "definition.conditions.0")).toEqual({ count: "must be a number" });
    expect(errorsAt(errors, "definition.conditions.1")).toEqual({});
    expect(errorsAt(errors, "definition.conditions.1.condition")).toEqual({ event: "is required" });
    expect(errorsAt(errors, "definition.conditions.2")).toEqual({ conditions: "needs at least one condition" });
    expect(unplacedErrors(errors, tree())).toEqual([{ path: "definition.conditions.7.event", message: "is required" }]);
  });
});

group("tree edits", () => {
  it("replaces and removes at a path without touching the rest", () => {
    const root = tree();
    const wrapped = setAt(root, ["conditions", 0], { kind: "not", condition: getAt(root, ["conditions", 0])! });
    expect(getAt(wrapped, ["conditions", 0, "condition"])?.kind).toBe("event_count");
    expect(getAt(root, ["conditions", 0])?.kind).toBe("event_count");
    const removed = setAt(root, ["conditions", 2, "conditions", 0], undefined);
    expect((getAt(removed, ["conditions", 2])!.conditions as Draft[]).length).toBe(0);
    expect((root.conditions as Draft[]).length).toBe(3);
  });

  it("starts every kind from a condition the definition accepts once its name is filled in", () => {
    for (const kind of ["event_count", "not_performed", "event_time", "trait", "reachable"] as const) {
      const c = {
        ...newCondition(kind),
        ...(kind === "trait" ? { trait: "plan", value: "pro" } : kind === "reachable" ? {} : { event: "Signed Up" }),
      };
      expect(ZSegmentDefinition.safeParse({ kind: "group", match: "all", conditions: [c] }).success, kind).toBe(true);
    }
  });
});

group("values", () => {
  it("types what was typed by the operator", () => {
    expect(parseValue("gt", "3")).toBe(3);
    expect(parseValue("gt", "three")).toBe("three");
    expect(parseValue("in", "a, b,,c")).toEqual(["a", "b", "c"]);
    expect(parseValue("exists", "x")).toBeUndefined();
    expect(convertValue("equals", "in", "pro")).toEqual(["pro"]);
    expect(convertValue("before", "after", "2026-01-31")).toBe("2026-01-31");
    expect(convertValue("equals", "within_last_days", "x")).toBe(30);
  });

  it("says each condition in words", () => {
    expect(describe(getAt(tree(), ["conditions", 0])!)).toBe("Did Product Viewed at least 3 times in the last 7 days");
    expect(describe({ kind: "trait", trait: "plan", operator: "in", value: ["pro", "team"] })).toBe(
      "Trait plan is one of “pro”, “team”",
    );
    expect(
      describe(
        { kind: "prediction", predictionId: "p1", test: { kind: "tier", tiers: ["medium", "high"] } },
        undefined,
        () => "Churn risk",
      ),
    ).toBe("Prediction “Churn risk”: tier is medium or high");
    expect(
      describe({ kind: "prediction", predictionId: "p1", test: { kind: "score", operator: "gte", value: 70 } }),
    ).toBe("Prediction “p1”: score is at least 70");
    expect(newCondition("prediction")).toEqual({
      kind: "prediction",
      predictionId: "",
      test: { kind: "tier", tiers: ["high"] },
    });
    expect(describe({ kind: "segment", segmentId: "s1", member: false }, () => "VIPs")).toBe(
      "Not in the segment “VIPs”",
    );
    expect(
      describe({
        kind: "event_count",
        event: "Login",
        filters: [{ property: "device", operator: "equals", value: "ios" }],
        operator: "exactly",
        count: 1,
      }),
    ).toBe("Did Login exactly 1 time ever, where device equals “ios”");
  });
});

group("traitOperatorsFor", () => {
  it("offers the operators that fit the trait's observed type", () => {
    expect(traitOperatorsFor(["number"])).toEqual([
      "equals",
      "not_equals",
      "gt",
      "gte",
      "lt",
      "lte",
      "exists",
      "not_exists",
      "in",
      "not_in",
    ]);
    expect(traitOperatorsFor(["date"])).toEqual(["exists", "not_exists", "before", "after", "within_last_days"]);
    expect(traitOperatorsFor(["string"])).toEqual([
      "equals",
      "not_equals",
      "contains",
      "not_contains",
      "exists",
      "not_exists",
      "in",
      "not_in",
    ]);
    expect(traitOperatorsFor(["boolean"])).toEqual(["equals", "not_equals", "exists", "not_exists"]);
    expect(traitOperatorsFor(["array"])).toEqual(["contains", "not_contains", "exists", "not_exists"]);
    expect(traitOperatorsFor(["object"])).toEqual(["exists", "not_exists"]);
  });

  it("a trait seen with several types gets every operator that fits one of them", () => {
    expect(traitOperatorsFor(["number", "string"])).toEqual([
      "equals",
      "not_equals",
      "contains",
      "not_contains",
      "gt",
      "gte",
      "lt",
      "lte",
      "exists",
      "not_exists",
      "in",
      "not_in",
    ]);
    expect(traitOperatorsFor(["date", "boolean"])).toEqual([
      "equals",
      "not_equals",
      "exists",
      "not_exists",
      "before",
      "after",
      "within_last_days",
    ]);
  });

  it("an unknown trait (not in the catalog, or a type with no rule) gets every operator", () => {
    expect(traitOperatorsFor(undefined)).toEqual([...TRAIT_OPERATORS]);
    expect(traitOperatorsFor([])).toEqual([...TRAIT_OPERATORS]);
    expect(traitOperatorsFor(["bigint"])).toEqual([...TRAIT_OPERATORS]);
    expect(TRAIT_OPERATORS).toHaveLength(15);
  });
});
