import { describe, expect, it } from "vitest";
import {
  analyzeExperiment,
  DEFAULT_ANALYSIS_SETTINGS,
  type AnalysisSettings,
  type ArmData,
  type SplitDefinition,
} from "./analysis";
import {
  bayesianTest,
  benjaminiHochberg,
  holmBonferroni,
  probabilityToBeBest,
  sequentialTest,
  welchTTest,
} from "./stats";

const TWO: SplitDefinition = {
  nodeId: "ab",
  label: "Subject",
  arms: [
    { id: "a", label: "Control", weight: 50 },
    { id: "b", label: "Variant", weight: 50 },
  ],
};
const THREE: SplitDefinition = {
  nodeId: "abc",
  label: "Offer",
  arms: [
    { id: "a", label: "None", weight: 30 },
    { id: "b", label: "10% off", weight: 30 },
    { id: "c", label: "Free shipping", weight: 30 },
  ],
  holdout: { weight: 10 },
};

function arm(armId: string, assigned: number, converted: number, extra: Partial<ArmData> = {}): ArmData {
  return {
    armId,
    assigned,
    messages: 0,
    sent: 0,
    delivered: 0,
    opened: 0,
    clicked: 0,
    converted,
    revenue: 0,
    revenueSquares: 0,
    unsubscribed: 0,
    bounced: 0,
    complained: 0,
    matured: { assigned, converted },
    ...extra,
  };
}

function run(
  split: SplitDefinition,
  data: ArmData[],
  settings: Partial<AnalysisSettings> = {},
  revenueProperty: string | null = null,
  expected?: Record<string, number>,
) {
  const total = data.reduce((s, d) => s + d.assigned, 0);
  const weights: Record<string, number> = Object.fromEntries(split.arms.map((a) => [a.id, a.weight]));
  if (split.holdout) weights.holdout = split.holdout.weight;
  return analyzeExperiment({
    journeyId: "j",
    nodeId: split.nodeId,
    computedAt: new Date("2026-03-01T00:00:00Z"),
    split,
    goal: { eventName: "purchase", attributionHours: 72, revenueProperty },
    hasGoal: true,
    data,
    expected: expected ?? Object.fromEntries(Object.entries(weights).map(([id, w]) => [id, (total * w) / 100])),
    currentWeights: weights,
    settings: { ...DEFAULT_ANALYSIS_SETTINGS, ...settings },
  });
}

describe("analyzeExperiment", () => {
  it("states the test it used: sequential by default, fixed horizon on request, with the matching numbers", () => {
    const data = [arm("a", 1000, 100), arm("b", 1000, 140)];
    const sequential = run(TWO, data);
    expect(sequential.test).toMatchObject({
      method: "sequential",
      label: "sequential (always valid)",
      nStar: 5000,
      correction: "holm",
      correctionLabel: "Holm–Bonferroni",
      comparisons: 1,
      prior: null,
    });
    const expected = sequentialTest({ n: 1000, conversions: 100 }, { n: 1000, conversions: 140 });
    expect(sequential.arms[1].lift!.estimate).toBeCloseTo(0.4, 12);
    expect(sequential.arms[1].lift!.pValue).toBeCloseTo(expected.pValue, 12);
    expect(sequential.arms[1].lift!.ci).toEqual(expected.ci);

    const fixed = run(TWO, data, { test: "fixed" });
    expect(fixed.test).toMatchObject({ method: "fixed", label: "fixed horizon", nStar: null });
    expect(fixed.arms[1].lift!.pValue).toBeCloseTo(
      welchTTest({ n: 1000, conversions: 100 }, { n: 1000, conversions: 140 }).pValue,
      12,
    );
    // The sequential interval is the wider one: the price of looking every day.
    expect(sequential.arms[1].lift!.ci[1]! - sequential.arms[1].lift!.ci[0]!).toBeGreaterThan(
      fixed.arms[1].lift!.ci[1]! - fixed.arms[1].lift!.ci[0]!,
    );
    expect(fixed.arms[0]).toMatchObject({ isControl: true, status: "control", lift: null, chanceToWin: null });
    expect(fixed.arms[1].chanceToWin).toBeGreaterThan(0.98);
    expect(fixed.arms[1].conversionRate).toBe(0.14);
  });

  it("adjusts p-values across the treatment arms with Holm–Bonferroni (by default) and decides each arm's status on the adjusted one", () => {
    const result = run(
      THREE,
      [arm("a", 1500, 150), arm("b", 1500, 195), arm("c", 1500, 148), arm("holdout", 500, 30)],
      { test: "fixed" },
    );
    const raw = [result.arms[1].lift!.pValue, result.arms[2].lift!.pValue];
    const adjusted = holmBonferroni(raw);
    expect(result.arms[1].lift!.adjustedPValue).toBeCloseTo(adjusted[0], 12);
    expect(result.arms[2].lift!.adjustedPValue).toBeCloseTo(adjusted[1], 12);
    expect(result.arms[1].lift!.adjustedPValue).toBeGreaterThan(result.arms[1].lift!.pValue);
    expect(result.arms.map((a) => a.status)).toEqual(["control", "winning", "inconclusive"]);
    expect(result.winner).toMatchObject({ armId: "b", label: "10% off" });
    // No guardrail events and no revenue: the two conversion comparisons are the whole family.
    expect(result.test.comparisons).toBe(2);
    expect(result.winner!.reason).toMatch(/\(Holm–Bonferroni-adjusted over 2 comparisons\)/);
    const best = result.arms.map((a) => a.probabilityBest!);
    expect(best.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 6);
    expect(best[1]).toBeGreaterThan(0.9);
  });

  it("says when there is too little data (fewer than 100 assigned or 20 conversions in an arm) and names no winner then", () => {
    const result = run(TWO, [arm("a", 150, 19), arm("b", 130, 60)], { test: "fixed" });
    expect(result.enoughData).toBe(false);
    expect(result.banners.map((b) => b.kind)).toEqual(["too_little_data"]);
    expect(result.banners[0].message).toContain(
      "every arm needs at least 100 people and 20 conversions. Control: 150 people, 19 conversions.",
    );
    expect(result.arms[1].status).toBe("not_enough_data");
    expect(result.winner).toBeNull();
    // Nobody yet: a different banner, and nothing computed.
    const empty = run(TWO, []);
    expect(empty.banners.map((b) => b.kind)).toEqual(["no_data"]);
    expect(empty.arms[1].lift).toBeNull();
    expect(empty.arms[1].liftUnavailable).toBe("Needs at least 2 people in each arm");
  });

  it("flags a sample ratio mismatch in red, and then trusts no winner", () => {
    const data = [arm("a", 1200, 120), arm("b", 800, 160)];
    const result = run(TWO, data, {}, null, { a: 1000, b: 1000 });
    expect(result.srm).toMatchObject({ mismatch: true, observed: [1200, 800], expected: [1000, 1000] });
    expect(result.srm!.pValue).toBeLessThan(1e-10);
    expect(result.banners[0]).toMatchObject({ kind: "srm", tone: "red" });
    expect(result.banners[0].message).toContain(
      "Control 1200, Variant 800 people where the weights expected Control 1000, Variant 1000",
    );
    expect(result.winner).toBeNull();
    expect(result.sequentialWinner).toBeNull();
  });

  it("measures revenue per assigned person and incrementality against the holdout", () => {
    // Revenue: each converter spends 50 in a, 60 in b, 40 in the holdout.
    const spend = (n: number, each: number) => ({ revenue: n * each, revenueSquares: n * each * each });
    const result = run(
      THREE,
      [
        arm("a", 900, 90, spend(90, 50)),
        arm("b", 900, 117, spend(117, 60)),
        arm("c", 900, 99, spend(99, 50)),
        arm("holdout", 300, 15, { ...spend(15, 40), wouldHaveMessaged: { people: 280, medianHours: 26.5 } }),
      ],
      { test: "fixed" },
      "total",
    );
    expect(result.arms[0].revenuePerAssigned).toBeCloseTo(5, 12);
    expect(result.arms[1].revenuePerAssigned).toBeCloseTo(7.8, 12);
    expect(result.arms[1].revenueLift!.estimate).toBeCloseTo(0.56, 12);
    const inc = result.incrementality!;
    expect(inc.treatedAssigned).toBe(2700);
    expect(inc.holdoutConversionRate).toBeCloseTo(0.05, 12);
    expect(inc.treatedConversionRate).toBeCloseTo(306 / 2700, 12);
    // 306 conversions among the treated where the holdout's 5% predicts 135.
    expect(inc.extraConversions).toBeCloseTo(171, 8);
    expect(inc.extraConversionsCi![0]!).toBeLessThan(171);
    expect(inc.extraConversionsCi![1]!).toBeGreaterThan(171);
    expect(inc.pValue!).toBeLessThan(0.001);
    expect(inc.extraRevenue).toBeCloseTo(90 * 50 + 117 * 60 + 99 * 50 - 2 * 2700, 8);
    expect(inc.lift!.estimate).toBeCloseTo(306 / 2700 / 0.05 - 1, 12);
    expect(result.holdout).toMatchObject({
      assigned: 300,
      converted: 15,
      publishedWeight: 10,
      wouldHaveMessaged: { people: 280, medianHours: 26.5 },
    });
    // A holdout nobody in has reached a message step yet says so, rather than leaving the figure out.
    expect(run(THREE, [arm("a", 9, 1), arm("holdout", 1, 0)]).holdout!.wouldHaveMessaged).toEqual({
      people: 0,
      medianHours: null,
    });
  });

  it("reports guardrails per arm and flags an arm with significantly more unsubscribes", () => {
    const result = run(
      TWO,
      [
        arm("a", 2000, 200, { unsubscribed: 10, bounced: 4 }),
        arm("b", 2000, 210, { unsubscribed: 100, bounced: 5, complained: 3 }),
      ],
      { test: "fixed" },
    );
    expect(result.arms[1].guardrails.unsubscribed).toMatchObject({ count: 100, rate: 0.05, worse: true });
    expect(result.arms[1].guardrails.unsubscribed.adjustedPValue!).toBeLessThan(0.05);
    expect(result.arms[1].guardrails.bounced.worse).toBe(false);
    // Control had no complaints: still tested (absolutely), not significant at 3 in 2000.
    expect(result.arms[1].guardrails.complained).toMatchObject({ count: 3, worse: false });
    expect(result.arms[0].guardrails.unsubscribed).toMatchObject({ count: 10, lift: null, pValue: null, worse: false });
  });

  it("corrects conversion, revenue and guardrail comparisons of every arm together, with Holm or Benjamini–Hochberg as set", () => {
    const spend = (n: number, each: number) => ({ revenue: n * each, revenueSquares: n * each * each });
    const data = [
      arm("a", 1500, 150, { ...spend(150, 50), unsubscribed: 30, bounced: 10 }),
      arm("b", 1500, 202, { ...spend(202, 52), unsubscribed: 34, bounced: 12, complained: 1 }),
      arm("c", 1500, 205, { ...spend(205, 55), unsubscribed: 55, bounced: 9, complained: 2 }),
      arm("holdout", 500, 40),
    ];
    const raw = run(THREE, data, { test: "fixed" }, "total");
    // Per treatment arm: conversion, revenue, unsubscribes, bounces, complaints (control had none: absolute).
    const pick = (r: typeof raw, adjusted: boolean) =>
      r.arms.slice(1).flatMap((a) => {
        const g = a.guardrails;
        return adjusted
          ? [
              a.lift!.adjustedPValue,
              a.revenueLift!.adjustedPValue,
              g.unsubscribed.adjustedPValue!,
              g.bounced.adjustedPValue!,
              g.complained.adjustedPValue!,
            ]
          : [a.lift!.pValue, a.revenueLift!.pValue, g.unsubscribed.pValue!, g.bounced.pValue!, g.complained.pValue!];
      });
    const rawP = pick(raw, false);
    expect(raw.test).toMatchObject({ correction: "holm", comparisons: 10 });
    pick(raw, true).forEach((p, i) => expect(p).toBeCloseTo(holmBonferroni(rawP)[i], 12));

    const bh = run(THREE, data, { test: "fixed", correction: "bh" }, "total");
    expect(bh.test).toMatchObject({ correction: "bh", correctionLabel: "Benjamini–Hochberg", comparisons: 10 });
    pick(bh, true).forEach((p, i) => expect(p).toBeCloseTo(benjaminiHochberg(rawP)[i], 12));
    // The conversion lift of b: significant alone, not after Holm over ten comparisons (FWER), still after BH (FDR).
    expect(raw.arms[1].lift!.pValue).toBeLessThan(0.05);
    expect(raw.arms[1].status).toBe("inconclusive");
    expect(bh.arms[1].status).toBe("winning");
    expect(bh.winner!.reason).toContain("(Benjamini–Hochberg-adjusted over 10 comparisons)");
    // An unsubscribe rise that passes alone but not corrected is not flagged.
    expect(raw.arms[2].guardrails.unsubscribed.pValue!).toBeLessThan(0.05);
    expect(raw.arms[2].guardrails.unsubscribed.adjustedPValue!).toBeGreaterThan(0.05);
    expect(raw.arms[2].guardrails.unsubscribed.worse).toBe(false);
    // Adjusted intervals never narrow.
    for (const a of raw.arms.slice(1)) {
      expect(a.revenueLift!.adjustedCi[0] ?? -Infinity).toBeLessThanOrEqual(a.revenueLift!.ci[0]!);
      expect(a.revenueLift!.adjustedCi[1] ?? Infinity).toBeGreaterThanOrEqual(a.revenueLift!.ci[1]!);
    }
  });

  it("gives each treatment arm its Bayesian chance to win and risk under the prior set, and every arm its exact P(best)", () => {
    const data = [arm("a", 800, 80), arm("b", 800, 100), arm("c", 800, 76), arm("holdout", 200, 15)];
    const flat = run(THREE, data);
    const control = { n: 800, conversions: 80 };
    const b = bayesianTest(control, { n: 800, conversions: 100 });
    expect(flat.arms[1].chanceToWin).toBeCloseTo(b.chanceToWin, 12);
    expect(flat.arms[1].risk).toEqual({ ship: b.risk[1], keepControl: b.risk[0] });
    expect(flat.arms[0].risk).toBeNull();
    const best = probabilityToBeBest([control, { n: 800, conversions: 100 }, { n: 800, conversions: 76 }]);
    flat.arms.forEach((a, i) => expect(a.probabilityBest).toBeCloseTo(best[i], 12));
    expect(flat.test.prior).toBeNull();

    // A sceptical prior (no lift, SD 5%) pulls b's +25% toward zero: less chance to win, more risk in shipping it.
    const prior = { mean: 0, sd: 0.05 };
    const sceptical = run(THREE, data, { prior });
    const bp = bayesianTest(control, { n: 800, conversions: 100 }, { prior: { mean: 0, variance: 0.0025 } });
    expect(sceptical.arms[1].chanceToWin).toBeCloseTo(bp.chanceToWin, 12);
    expect(sceptical.arms[1].risk).toEqual({ ship: bp.risk[1], keepControl: bp.risk[0] });
    expect(sceptical.arms[1].chanceToWin!).toBeLessThan(flat.arms[1].chanceToWin!);
    expect(sceptical.arms[1].risk!.ship).toBeGreaterThan(flat.arms[1].risk!.ship);
    expect(sceptical.test.prior).toEqual(prior);
    // The prior is Bayesian only: the frequentist lift is the data's.
    expect(sceptical.arms[1].lift).toEqual(flat.arms[1].lift);
    // No conversions in control: no relative lift, so no chance to win or risk either.
    const none = run(TWO, [arm("a", 200, 0), arm("b", 200, 5)]);
    expect(none.arms[1]).toMatchObject({ chanceToWin: null, risk: null });
  });

  it("calls control the winner when every other arm loses, and stores only finite numbers", () => {
    const result = run(TWO, [arm("a", 1000, 200), arm("b", 1000, 100)], { test: "fixed" });
    expect(result.arms[1].status).toBe("losing");
    expect(result.winner).toMatchObject({ armId: "a" });
    const roundTrip = JSON.parse(JSON.stringify(result));
    expect(roundTrip).toEqual(result);
  });
});
