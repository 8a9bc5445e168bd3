import { describe, expect, it } from "vitest";
import { evaluateGroup } from "../engine/rules";
import { describePredictionTest, passesPredictionTest, predictionTestSql, ZPredictionTest } from "./rules";

describe("prediction tests", () => {
  it("a tier test matches the listed tiers, a score test compares, and no score never matches", () => {
    const high = { score: 82, tier: "high" };
    expect(passesPredictionTest(high, { kind: "tier", tiers: ["high"] })).toBe(true);
    expect(passesPredictionTest(high, { kind: "tier", tiers: ["low", "medium"] })).toBe(false);
    expect(passesPredictionTest(high, { kind: "score", operator: "gte", value: 82 })).toBe(true);
    expect(passesPredictionTest(high, { kind: "score", operator: "gt", value: 82 })).toBe(false);
    expect(passesPredictionTest(high, { kind: "score", operator: "lte", value: 82 })).toBe(true);
    expect(passesPredictionTest(high, { kind: "score", operator: "lt", value: 82 })).toBe(false);
    expect(passesPredictionTest(undefined, { kind: "tier", tiers: ["low", "medium", "high"] })).toBe(false);
    expect(passesPredictionTest(undefined, { kind: "score", operator: "lte", value: 100 })).toBe(false);
  });

  it("compiles to SQL with parameters, and reads in words", () => {
    const values: unknown[] = [];
    const add = (v: unknown, cast: string) => {
      values.push(v);
      return `$${values.length}::${cast}`;
    };
    expect(predictionTestSql({ kind: "tier", tiers: ["high", "medium"] }, add)).toBe("s.tier = ANY($1::text[])");
    expect(predictionTestSql({ kind: "score", operator: "lt", value: 30 }, add)).toBe("s.score < $2::numeric");
    expect(values).toEqual([["high", "medium"], 30]);
    expect(describePredictionTest({ kind: "score", operator: "gte", value: 70 })).toBe("score at least 70");
    expect(describePredictionTest({ kind: "tier", tiers: ["high"] })).toBe("tier is high");
  });

  it("refuses a test that is neither, naming the field", () => {
    const issues = (v: unknown) =>
      ZPredictionTest.safeParse(v).error?.issues.map((i) => [i.path.join("."), i.message]) ?? [];
    expect(issues({ kind: "score", operator: "gte" })).toEqual([["value", "must be a number"]]);
    expect(issues({ kind: "tier", tiers: ["high"], extra: 1 })).toHaveLength(1);
    expect(issues({ kind: "percentile" })).toEqual([["kind", "must be a tier test or a score test"]]);
  });

  it("journey rules read the score the walk loaded; a walk without scores matches nothing", () => {
    const group = {
      match: "all" as const,
      rules: [
        { kind: "prediction" as const, predictionId: "p1", test: { kind: "tier" as const, tiers: ["high" as const] } },
      ],
    };
    const subject = (score?: { score: number; tier: string }) => ({
      traits: {},
      eventProperties: {},
      facts: { performed: () => false, inSegment: () => false, prediction: () => score },
    });
    expect(evaluateGroup(group, subject({ score: 90, tier: "high" }))).toEqual({
      matched: true,
      checks: [{ rule: "prediction p1 tier is high", actual: { score: 90, tier: "high" }, matched: true }],
    });
    expect(evaluateGroup(group, subject()).matched).toBe(false);
    expect(
      evaluateGroup(group, {
        traits: {},
        eventProperties: {},
        facts: { performed: () => false, inSegment: () => false },
      }).matched,
    ).toBe(false);
  });
});
