import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { logBeta } from "./distributions";
import {
  adjustedConfidenceInterval,
  adjustPValues,
  armMoments,
  bayesianTest,
  benjaminiHochberg,
  decideArmStatus,
  hasEnoughData,
  holmBonferroni,
  isSampleRatioMismatch,
  liftMoments,
  normalExpectedLoss,
  probabilityToBeBest,
  sampleRatioMismatch,
  sequentialRho,
  sequentialTest,
  summaryMean,
  summaryVariance,
  welchTTest,
  type LiftKind,
  type MetricSummary,
  type ProportionSummary,
  type RatioSummary,
} from "./stats";

// ---------------------------------------------------------------------------------------------------
// Reference vectors (GrowthBook's gbstats), copied unchanged from the team's shared/reference/ab-vectors.json
// into the repo, so a clone anywhere (CI's included) runs them.

const VECTORS_PATH = path.resolve(__dirname, "reference/ab-vectors.json");
const DEFAULT_TOLERANCE = 1e-5;

type VectorArm = { n: number; conversions: number } | { n: number; sum: number; sum_squares: number };
interface ComparisonVector {
  name: string;
  control: VectorArm;
  treatment: VectorArm;
  difference: LiftKind;
}
interface ReferenceVectors {
  about: string;
  welch: (ComparisonVector & { expected: { estimate: number; se: number; ci: [number, number]; p_value: number } })[];
  sequential: (ComparisonVector & {
    n_star: number;
    alpha: number;
    expected: { estimate: number; se: number; ci: [number, number]; p_value: number };
  })[];
  bayesian: (ComparisonVector & {
    prior?: { mean: number; variance: number };
    expected: { mean: number; sd: number; ci: [number, number]; chance_to_win: number; risk?: [number, number] };
  })[];
  risk: { mu: number; sigma: number; expected: [number, number]; tolerance?: number }[];
  srm: { observed: number[]; weights: number[]; p_value: number; note?: string }[];
  multiple_testing: { method: "holm" | "benjamini-hochberg"; p_values: number[]; adjusted: number[] }[];
  adjusted_ci: { p_value: number; lift: number; alpha: number; expected: [number, number] }[];
}

const vectors = JSON.parse(fs.readFileSync(VECTORS_PATH, "utf8")) as ReferenceVectors;

function toSummary(arm: VectorArm): MetricSummary {
  return "conversions" in arm
    ? { n: arm.n, conversions: arm.conversions }
    : { n: arm.n, sum: arm.sum, sumSquares: arm.sum_squares };
}

function expectWithin(actual: number, expected: number, tolerance: number, what: string): void {
  expect(
    Math.abs(actual - expected),
    `${what}: got ${actual}, expected ${expected} ± ${tolerance}`,
  ).toBeLessThanOrEqual(tolerance);
}

describe("reference vectors", () => {
  it("covers every section of the vector file", () => {
    expect(Object.keys(vectors).sort()).toEqual([
      "about",
      "adjusted_ci",
      "bayesian",
      "multiple_testing",
      "risk",
      "sequential",
      "srm",
      "welch",
    ]);
  });

  it.each(vectors.welch)("welch: $name", (vector) => {
    const result = welchTTest(toSummary(vector.control), toSummary(vector.treatment), {
      difference: vector.difference,
    });
    expectWithin(result.estimate, vector.expected.estimate, DEFAULT_TOLERANCE, "estimate");
    expectWithin(result.standardError, vector.expected.se, DEFAULT_TOLERANCE, "se");
    expectWithin(result.ci[0], vector.expected.ci[0], DEFAULT_TOLERANCE, "ci lower");
    expectWithin(result.ci[1], vector.expected.ci[1], DEFAULT_TOLERANCE, "ci upper");
    expectWithin(result.pValue, vector.expected.p_value, DEFAULT_TOLERANCE, "p-value");
  });

  it.each(vectors.sequential)("sequential: $name", (vector) => {
    const result = sequentialTest(toSummary(vector.control), toSummary(vector.treatment), {
      difference: vector.difference,
      alpha: vector.alpha,
      nStar: vector.n_star,
    });
    expectWithin(result.estimate, vector.expected.estimate, DEFAULT_TOLERANCE, "estimate");
    expectWithin(result.standardError, vector.expected.se, DEFAULT_TOLERANCE, "se");
    expectWithin(result.ci[0], vector.expected.ci[0], DEFAULT_TOLERANCE, "ci lower");
    expectWithin(result.ci[1], vector.expected.ci[1], DEFAULT_TOLERANCE, "ci upper");
    expectWithin(result.pValue, vector.expected.p_value, DEFAULT_TOLERANCE, "p-value");
  });

  it.each(vectors.bayesian)("bayesian: $name", (vector) => {
    const result = bayesianTest(toSummary(vector.control), toSummary(vector.treatment), {
      difference: vector.difference,
      prior: vector.prior,
    });
    expectWithin(result.mean, vector.expected.mean, DEFAULT_TOLERANCE, "mean");
    expectWithin(result.standardDeviation, vector.expected.sd, DEFAULT_TOLERANCE, "sd");
    expectWithin(result.ci[0], vector.expected.ci[0], DEFAULT_TOLERANCE, "ci lower");
    expectWithin(result.ci[1], vector.expected.ci[1], DEFAULT_TOLERANCE, "ci upper");
    expectWithin(result.chanceToWin, vector.expected.chance_to_win, DEFAULT_TOLERANCE, "chance to win");
    if (vector.expected.risk) {
      expectWithin(result.risk[0], vector.expected.risk[0], DEFAULT_TOLERANCE, "risk of control");
      expectWithin(result.risk[1], vector.expected.risk[1], DEFAULT_TOLERANCE, "risk of treatment");
    }
  });

  it.each(vectors.risk)("risk: mu=$mu sigma=$sigma", (vector) => {
    const [control, treatment] = normalExpectedLoss(vector.mu, vector.sigma);
    const tolerance = vector.tolerance ?? DEFAULT_TOLERANCE;
    expectWithin(control, vector.expected[0], tolerance, "risk of control");
    expectWithin(treatment, vector.expected[1], tolerance, "risk of treatment");
  });

  it.each(vectors.srm)("srm: observed $observed, weights $weights", (vector) => {
    expectWithin(
      sampleRatioMismatch(vector.observed, vector.weights).pValue,
      vector.p_value,
      DEFAULT_TOLERANCE,
      "p-value",
    );
  });

  it.each(vectors.multiple_testing)("multiple testing: $method", (vector) => {
    const adjusted = adjustPValues(
      vector.p_values,
      vector.method === "holm" ? "holm-bonferroni" : "benjamini-hochberg",
    );
    expect(adjusted).toHaveLength(vector.adjusted.length);
    adjusted.forEach((p, i) => expectWithin(p, vector.adjusted[i], DEFAULT_TOLERANCE, `adjusted p-value ${i}`));
  });

  it.each(vectors.adjusted_ci)("adjusted ci: p=$p_value lift=$lift alpha=$alpha", (vector) => {
    const [lower, upper] = adjustedConfidenceInterval(vector.p_value, vector.lift, { alpha: vector.alpha });
    expectWithin(lower, vector.expected[0], DEFAULT_TOLERANCE, "lower");
    expectWithin(upper, vector.expected[1], DEFAULT_TOLERANCE, "upper");
  });
});

// ---------------------------------------------------------------------------------------------------
// Summaries and validation

describe("summary statistics", () => {
  it("uses the n − 1 sample variance for means", () => {
    // values 1, 2, 3, 4: mean 2.5, sample variance 5/3
    const summary = { n: 4, sum: 10, sumSquares: 30 };
    expect(summaryMean(summary)).toBe(2.5);
    expect(summaryVariance(summary)).toBeCloseTo(5 / 3, 14);
  });

  it("uses the Bernoulli variance p(1 − p) for proportions, as GrowthBook", () => {
    expect(summaryMean({ n: 40, conversions: 10 })).toBe(0.25);
    expect(summaryVariance({ n: 40, conversions: 10 })).toBe(0.1875);
  });

  it("gives a ratio's value and its delta-method variance", () => {
    // units (M, D): (2,1) (3,2) (0,1) (5,2) (4,1) (1,1); numpy: R = 1.875, variance 1.23046875
    const ratio: RatioSummary = {
      n: 6,
      numeratorSum: 15,
      numeratorSumSquares: 55,
      denominatorSum: 8,
      denominatorSumSquares: 12,
      crossProductSum: 23,
    };
    expect(summaryMean(ratio)).toBe(1.875);
    expect(summaryVariance(ratio)).toBeCloseTo(1.23046875, 12);
  });

  it("clears rounding noise when every value is the same", () => {
    expect(armMoments({ n: 3, sum: 0.3, sumSquares: 0.03 }).variance).toBe(0);
  });
});

describe("input validation", () => {
  const control: ProportionSummary = { n: 1000, conversions: 100 };

  it("needs n ≥ 2 to estimate a variance", () => {
    expect(() => summaryVariance({ n: 1, conversions: 1 })).toThrow(
      "arm: n must be at least 2 to estimate a variance (got 1)",
    );
    expect(() => welchTTest(control, { n: 1, conversions: 0 })).toThrow(
      "treatment: n must be at least 2 to estimate a variance (got 1)",
    );
  });

  it("rejects more conversions than units", () => {
    expect(() => welchTTest({ n: 10, conversions: 12 }, control)).toThrow(
      "control: conversions (12) cannot exceed n (10)",
    );
  });

  it("rejects counts that are negative or not whole", () => {
    expect(() => welchTTest(control, { n: 100.5, conversions: 3 })).toThrow(
      "treatment: n must be a whole number ≥ 0 (got 100.5)",
    );
    expect(() => welchTTest(control, { n: 100, conversions: -1 })).toThrow(
      "treatment: conversions must be a whole number ≥ 0 (got -1)",
    );
  });

  it("rejects sums that no set of values can have", () => {
    expect(() => summaryVariance({ n: 3, sum: 30, sumSquares: 10 }, "control")).toThrow(
      "control: sumSquares (10) is smaller than sum²/n (300); the sums are inconsistent",
    );
    expect(() => summaryMean({ n: 3, sum: Number.NaN, sumSquares: 10 })).toThrow(
      "arm: sum must be a finite number (got NaN)",
    );
  });

  it("refuses a relative lift against a control mean of 0", () => {
    expect(() => welchTTest({ n: 100, conversions: 0 }, control)).toThrow(
      'relative lift is undefined when the control mean is 0; use difference: "absolute"',
    );
  });

  it("refuses to test a lift with zero variance", () => {
    expect(() =>
      welchTTest({ n: 50, conversions: 50 }, { n: 60, conversions: 60 }, { difference: "absolute" }),
    ).toThrow("the lift has zero variance");
  });

  it("refuses to compare different kinds of metric", () => {
    expect(() => welchTTest(control, { n: 1000, sum: 50, sumSquares: 90 })).toThrow(
      "control and treatment must summarise the same kind of metric (got proportion and mean)",
    );
  });

  it("rejects an alpha outside (0, 1)", () => {
    expect(() => welchTTest(control, control, { alpha: 1 })).toThrow(
      "alpha must be between 0 and 1, exclusive (got 1)",
    );
  });

  it("rejects a ratio whose denominator sums to 0", () => {
    const ratio: RatioSummary = {
      n: 3,
      numeratorSum: 1,
      numeratorSumSquares: 1,
      denominatorSum: 0,
      denominatorSumSquares: 0,
      crossProductSum: 0,
    };
    expect(() => summaryMean(ratio, "control")).toThrow("control: the ratio is undefined because denominatorSum is 0");
  });
});

// ---------------------------------------------------------------------------------------------------
// Tests beyond the vectors

describe("welchTTest", () => {
  const control: RatioSummary = {
    n: 6,
    numeratorSum: 15,
    numeratorSumSquares: 55,
    denominatorSum: 8,
    denominatorSumSquares: 12,
    crossProductSum: 23,
  };
  const treatment: RatioSummary = {
    n: 7,
    numeratorSum: 27,
    numeratorSumSquares: 139,
    denominatorSum: 11,
    denominatorSumSquares: 21,
    crossProductSum: 52,
  };

  it("tests a ratio metric with the delta-method variance (values from numpy/scipy)", () => {
    const absolute = welchTTest(control, treatment, { difference: "absolute" });
    expect(absolute.estimate).toBeCloseTo(0.5795454545454546, 12);
    expect(absolute.standardError).toBeCloseTo(0.5512598342670604, 12);
    expect(absolute.degreesOfFreedom).toBeCloseTo(9.199228277152974, 10);
    expect(absolute.ci[0]).toBeCloseTo(-0.6633861955297209, 10);
    expect(absolute.ci[1]).toBeCloseTo(1.82247710462063, 10);
    expect(absolute.pValue).toBeCloseTo(0.31994754520263546, 10);
    const relative = welchTTest(control, treatment);
    expect(relative.estimate).toBeCloseTo(0.30909090909090914, 12);
    expect(relative.ci[0]).toBeCloseTo(-0.49780807268278776, 10);
    expect(relative.ci[1]).toBeCloseTo(1.115989890864606, 10);
    expect(relative.pValue).toBeCloseTo(0.40971180868823076, 10);
  });

  it("treats a ratio whose denominator is always 1 as a plain mean", () => {
    const asRatio = (n: number, sum: number, sumSquares: number): RatioSummary => ({
      n,
      numeratorSum: sum,
      numeratorSumSquares: sumSquares,
      denominatorSum: n,
      denominatorSumSquares: n,
      crossProductSum: sum,
    });
    const fromRatio = welchTTest(asRatio(3407, 1396.87, 52377.9767), asRatio(3461, 2422.7, 134698.29));
    const fromMean = welchTTest(
      { n: 3407, sum: 1396.87, sumSquares: 52377.9767 },
      { n: 3461, sum: 2422.7, sumSquares: 134698.29 },
    );
    expect(fromRatio.standardError).toBeCloseTo(fromMean.standardError, 10);
    expect(fromRatio.pValue).toBeCloseTo(fromMean.pValue, 10);
  });

  it("has a p-value below alpha exactly when the CI excludes 0", () => {
    for (const alpha of [0.01, 0.02, 0.05, 0.1, 0.2]) {
      const result = welchTTest(
        { n: 3407, sum: 1396.87, sumSquares: 52377.9767 },
        { n: 3461, sum: 2422.7, sumSquares: 134698.29 },
        { alpha, difference: "absolute" },
      );
      expect(result.pValue < alpha).toBe(result.ci[0] > 0 || result.ci[1] < 0);
    }
  });

  it("uses |control mean| for a relative lift of a negative metric", () => {
    const lift = liftMoments({ n: 10, sum: -100, sumSquares: 1002.25 }, { n: 10, sum: -90, sumSquares: 811 });
    expect(lift.estimate).toBeCloseTo(0.1, 14); // −9 is 10% better than −10
  });
});

describe("sequentialTest", () => {
  const control = { n: 3000, conversions: 1396 };
  const treatment = { n: 3461, conversions: 1700 };

  it("defaults N* to 5000, like GrowthBook", () => {
    const result = sequentialTest(control, treatment);
    expect(result.nStar).toBe(5000);
    expect(result.rho).toBeCloseTo(sequentialRho(0.05, 5000), 15);
  });

  it("is wider than the fixed-horizon interval", () => {
    const sequential = sequentialTest(control, treatment);
    const fixed = welchTTest(control, treatment);
    expect(sequential.ci[0]).toBeLessThan(fixed.ci[0]);
    expect(sequential.ci[1]).toBeGreaterThan(fixed.ci[1]);
  });

  it("has a p-value below alpha exactly when the CI excludes 0", () => {
    for (const [c, t] of [
      [1396, 1500],
      [1396, 1560],
      [1396, 1620],
      [1396, 1700],
      [1396, 1300],
    ]) {
      for (const alpha of [0.01, 0.05, 0.1]) {
        const result = sequentialTest({ n: 3000, conversions: c }, { n: 3461, conversions: t }, { alpha });
        expect(result.pValue < alpha, `${c} vs ${t} at ${alpha}`).toBe(result.ci[0] > 0 || result.ci[1] < 0);
      }
    }
  });

  it("rejects a non-positive N*", () => {
    expect(() => sequentialTest(control, treatment, { nStar: 0 })).toThrow("nStar must be a positive number (got 0)");
  });
});

describe("bayesianTest", () => {
  const control = { n: 10, sum: 100, sumSquares: 1002.25 };
  const treatment = { n: 10, sum: 105, sumSquares: 1111.5 };

  it("pulls the posterior towards a proper prior and narrows it", () => {
    const flat = bayesianTest(control, treatment);
    const sceptical = bayesianTest(control, treatment, { prior: { mean: 0, variance: 0.001 } });
    expect(sceptical.mean).toBeLessThan(flat.mean);
    expect(sceptical.mean).toBeGreaterThan(0);
    expect(sceptical.standardDeviation).toBeLessThan(flat.standardDeviation);
  });

  it("has risks that differ by the posterior mean: E[max(Δ,0)] − E[max(−Δ,0)] = E[Δ]", () => {
    const result = bayesianTest({ n: 100, conversions: 49 }, { n: 100, conversions: 51 });
    expect(result.risk[0] - result.risk[1]).toBeCloseTo(result.mean, 14);
  });

  it("rejects an improper prior variance", () => {
    expect(() => bayesianTest(control, treatment, { prior: { mean: 0, variance: 0 } })).toThrow(
      "prior variance must be a positive number (got 0)",
    );
  });
});

describe("probabilityToBeBest", () => {
  // Evan Miller's closed form for two arms ("Formulas for Bayesian A/B testing"):
  // P(B > A) = Σ_{i=0}^{αB−1} B(αA+i, βA+βB) / ((βB+i) B(1+i, βB) B(αA, βA)).
  function closedFormBBeatsA(a: ProportionSummary, b: ProportionSummary): number {
    const [alphaA, betaA] = [1 + a.conversions, 1 + a.n - a.conversions];
    const [alphaB, betaB] = [1 + b.conversions, 1 + b.n - b.conversions];
    let total = 0;
    for (let i = 0; i < alphaB; i++) {
      total += Math.exp(
        logBeta(alphaA + i, betaA + betaB) - Math.log(betaB + i) - logBeta(1 + i, betaB) - logBeta(alphaA, betaA),
      );
    }
    return total;
  }

  it.each([
    [
      { n: 100, conversions: 49 },
      { n: 100, conversions: 51 },
    ],
    [
      { n: 1000, conversions: 100 },
      { n: 1200, conversions: 135 },
    ],
    [
      { n: 50_000, conversions: 2500 },
      { n: 50_000, conversions: 2600 },
    ],
    [
      { n: 10, conversions: 0 },
      { n: 3, conversions: 3 },
    ],
  ])("matches the two-arm closed form (%o vs %o)", (a, b) => {
    const [pA, pB] = probabilityToBeBest([a, b]);
    const exact = closedFormBBeatsA(a, b);
    expect(Math.abs(pB - exact)).toBeLessThan(1e-9);
    expect(Math.abs(pA - (1 - exact))).toBeLessThan(1e-9);
  });

  // Reference: scipy.integrate.quad of the same integral in panels (mpmath agrees on the first two).
  it.each([
    [
      [
        { n: 100, conversions: 49 },
        { n: 100, conversions: 51 },
      ],
      [0.38922947731216057, 0.6107705226878395],
    ],
    [
      [
        { n: 1000, conversions: 100 },
        { n: 1000, conversions: 110 },
        { n: 1000, conversions: 95 },
      ],
      [0.20432178467473067, 0.7027415047241126, 0.09293671060115678],
    ],
    [
      // a narrow arm next to wide ones: the integration grid must resolve both scales
      [
        { n: 100_000, conversions: 10_000 },
        { n: 100, conversions: 10 },
        { n: 500, conversions: 52 },
      ],
      [0.15280430681917612, 0.4638146491548482, 0.3833810440259753],
    ],
    [
      [
        { n: 0, conversions: 0 },
        { n: 10, conversions: 3 },
        { n: 10, conversions: 5 },
      ],
      [0.47894512496073927, 0.09115179252479019, 0.42990308251447035],
    ],
    [
      [
        { n: 20_000, conversions: 1000 },
        { n: 20_000, conversions: 1000 },
        { n: 20_000, conversions: 1100 },
        { n: 20_000, conversions: 900 },
      ],
      [0.011635631894392266, 0.011635631894392266, 0.9767279537348038, 7.8247641133634e-7],
    ],
  ])("matches numerical integration to 1e-9 for %j", (arms, expected) => {
    const probabilities = probabilityToBeBest(arms);
    probabilities.forEach((p, i) => expect(Math.abs(p - expected[i]), `arm ${i}: ${p}`).toBeLessThan(1e-9));
    expect(Math.abs(probabilities.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-9);
  });

  it("stays accurate for arms of tens of millions of units", () => {
    const probabilities = probabilityToBeBest([
      { n: 10_000_000, conversions: 200_000 },
      { n: 10_000_000, conversions: 200_500 },
      { n: 10_000_000, conversions: 201_000 },
    ]);
    expect(Math.abs(probabilities.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-9);
    expect(probabilities[2]).toBeGreaterThan(probabilities[1]);
    expect(probabilities[1]).toBeGreaterThan(probabilities[0]);
  });

  it("gives identical arms identical probabilities", () => {
    const arm = { n: 500, conversions: 60 };
    const probabilities = probabilityToBeBest([arm, arm, arm]);
    expect(probabilities[0]).toBe(probabilities[1]);
    expect(probabilities[1]).toBe(probabilities[2]);
    expect(probabilities[0]).toBeCloseTo(1 / 3, 10);
  });

  it("needs at least two valid arms", () => {
    expect(() => probabilityToBeBest([{ n: 10, conversions: 1 }])).toThrow(
      "probabilityToBeBest needs at least 2 arms (got 1)",
    );
    expect(() =>
      probabilityToBeBest([
        { n: 10, conversions: 1 },
        { n: 10, conversions: 11 },
      ]),
    ).toThrow("arm 1: conversions (11) cannot exceed n (10)");
  });
});

describe("sampleRatioMismatch", () => {
  it("flags p < 0.001 by default", () => {
    expect(sampleRatioMismatch([1000, 1200], [0.5, 0.5]).mismatch).toBe(true);
    expect(sampleRatioMismatch([135, 115], [0.5, 0.5]).mismatch).toBe(false);
    expect(isSampleRatioMismatch(0.0009)).toBe(true);
    expect(isSampleRatioMismatch(0.001)).toBe(false);
  });

  it("accepts weights on any scale (percentages as in a split node)", () => {
    expect(sampleRatioMismatch([310, 98], [75, 25]).pValue).toBeCloseTo(
      sampleRatioMismatch([310, 98], [0.75, 0.25]).pValue,
      14,
    );
  });

  it("treats assignments to a zero-weight arm as a certain mismatch and otherwise leaves that arm out", () => {
    expect(sampleRatioMismatch([500, 510, 3], [0.5, 0.5, 0]).pValue).toBe(0);
    const withEmptyZeroWeightArm = sampleRatioMismatch([500, 560, 0], [0.5, 0.5, 0]);
    expect(withEmptyZeroWeightArm.degreesOfFreedom).toBe(1);
    expect(withEmptyZeroWeightArm.pValue).toBeCloseTo(sampleRatioMismatch([500, 560], [0.5, 0.5]).pValue, 14);
  });

  it("has nothing to test before anyone is assigned", () => {
    expect(sampleRatioMismatch([0, 0], [0.5, 0.5]).pValue).toBe(1);
  });

  it("validates its inputs", () => {
    expect(() => sampleRatioMismatch([1, 2], [1])).toThrow(
      "observed counts (2) and weights (1) must have the same length",
    );
    expect(() => sampleRatioMismatch([1, -2], [1, 1])).toThrow(
      "arm 1: observed count must be a whole number ≥ 0 (got -2)",
    );
    expect(() => sampleRatioMismatch([1, 2], [0, 0])).toThrow("at least one weight must be positive");
  });
});

describe("multiple testing", () => {
  it("never makes a p-value smaller, and keeps the order of the raw p-values", () => {
    const raw = [0.2, 0.001, 0.04, 0.03, 0.5];
    for (const adjusted of [holmBonferroni(raw), benjaminiHochberg(raw)]) {
      adjusted.forEach((p, i) => expect(p).toBeGreaterThanOrEqual(raw[i]));
      const byRaw = raw.map((_, i) => i).sort((a, b) => raw[a] - raw[b]);
      for (let i = 1; i < byRaw.length; i++) expect(adjusted[byRaw[i]]).toBeGreaterThanOrEqual(adjusted[byRaw[i - 1]]);
    }
  });

  it("leaves a single p-value alone and handles none", () => {
    expect(holmBonferroni([0.03])).toEqual([0.03]);
    expect(benjaminiHochberg([0.03])).toEqual([0.03]);
    expect(holmBonferroni([])).toEqual([]);
  });

  it("rejects values that are not p-values", () => {
    expect(() => holmBonferroni([0.1, 1.2])).toThrow("p-value 1 must be between 0 and 1 (got 1.2)");
  });

  it("gives an infinite interval when the adjusted p-value is 1, and never narrows an interval", () => {
    expect(adjustedConfidenceInterval(1, 0.1)).toEqual([-Infinity, Infinity]);
    expect(adjustedConfidenceInterval(0.01, 0.1, { unadjustedCi: [-0.5, 0.7] })).toEqual([-0.5, 0.7]);
    const widened = adjustedConfidenceInterval(0.2, 0.1, { unadjustedCi: [0.01, 0.19] });
    expect(widened[0]).toBeLessThan(0.01);
    expect(widened[1]).toBeGreaterThan(0.19);
  });
});

describe("decideArmStatus", () => {
  const enough = { n: 1000, conversions: 100 };

  it("says not enough data under 100 assigned or 20 conversions, in the arm or in control", () => {
    const significant = { estimate: 0.2, pValue: 0.001 };
    expect(decideArmStatus({ control: enough, treatment: { n: 99, conversions: 50 }, result: significant })).toBe(
      "not_enough_data",
    );
    expect(decideArmStatus({ control: { n: 5000, conversions: 19 }, treatment: enough, result: significant })).toBe(
      "not_enough_data",
    );
    expect(
      decideArmStatus({
        control: { n: 100, conversions: 20 },
        treatment: { n: 100, conversions: 20 },
        result: significant,
      }),
    ).toBe("winning");
    expect(hasEnoughData(enough, enough, { minAssigned: 2000 })).toBe(false);
  });

  it("reads a frequentist result by p-value and the sign of the lift", () => {
    const decide = (estimate: number, pValue: number, lowerIsBetter = false) =>
      decideArmStatus({ control: enough, treatment: enough, result: { estimate, pValue } }, { lowerIsBetter });
    expect(decide(0.1, 0.01)).toBe("winning");
    expect(decide(-0.1, 0.01)).toBe("losing");
    expect(decide(0.1, 0.2)).toBe("inconclusive");
    expect(decide(0.1, 0.05)).toBe("inconclusive"); // significant means strictly below alpha
    expect(decide(-0.1, 0.01, true)).toBe("winning");
  });

  it("reads a Bayesian result by chance to win", () => {
    const decide = (chanceToWin: number, lowerIsBetter = false) =>
      decideArmStatus({ control: enough, treatment: enough, result: { chanceToWin } }, { lowerIsBetter });
    expect(decide(0.97)).toBe("winning");
    expect(decide(0.03)).toBe("losing");
    expect(decide(0.6)).toBe("inconclusive");
    expect(decide(0.03, true)).toBe("winning");
  });

  it("works on results straight from the tests", () => {
    const control = { n: 3000, conversions: 1396 };
    const treatment = { n: 3461, conversions: 2422 };
    expect(decideArmStatus({ control, treatment, result: welchTTest(control, treatment) })).toBe("winning");
    expect(decideArmStatus({ control, treatment, result: bayesianTest(control, treatment) })).toBe("winning");
  });
});
