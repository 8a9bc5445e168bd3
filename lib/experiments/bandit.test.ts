import { describe, expect, it } from "vitest";
import { applyWeightFloor, thompsonSamplingWeights } from "./bandit";
import { probabilityToBeBest } from "./stats";

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe("thompsonSamplingWeights", () => {
  const arms = [
    { n: 2000, conversions: 200 },
    { n: 2000, conversions: 300 },
    { n: 2000, conversions: 150 },
  ];

  it("weights add up to the total", () => {
    expect(sum(thompsonSamplingWeights(arms).weights)).toBeCloseTo(1, 12);
    // a split node with a fixed 10% holdout: the bandit moves the other 90
    expect(sum(thompsonSamplingWeights(arms, { total: 90 }).weights)).toBeCloseTo(90, 10);
  });

  it("keeps every arm at or above the floor", () => {
    for (const minWeight of [0.01, 0.05, 0.2]) {
      const { weights } = thompsonSamplingWeights(arms, { minWeight, total: 90 });
      for (const weight of weights) expect(weight).toBeGreaterThanOrEqual(minWeight * 90 - 1e-12);
    }
  });

  it("gives a clearly better arm most of the traffic", () => {
    const { weights, probabilityBest } = thompsonSamplingWeights(arms);
    expect(probabilityBest[1]).toBeGreaterThan(0.999);
    expect(weights[1]).toBeGreaterThan(0.95);
    expect(weights[0]).toBeCloseTo(0.01, 12); // floored
    expect(weights[2]).toBeCloseTo(0.01, 12);
  });

  it("gives equal arms equal weight", () => {
    const arm = { n: 400, conversions: 37 };
    const { weights } = thompsonSamplingWeights([arm, arm, arm, arm], { total: 80 });
    for (const weight of weights) expect(weight).toBe(weights[0]);
    expect(weights[0]).toBeCloseTo(20, 10);
  });

  it("splits evenly before there is any data", () => {
    const { weights } = thompsonSamplingWeights([
      { n: 0, conversions: 0 },
      { n: 0, conversions: 0 },
    ]);
    expect(weights).toEqual([0.5, 0.5]);
  });

  it("is deterministic", () => {
    expect(thompsonSamplingWeights(arms)).toEqual(thompsonSamplingWeights(arms));
  });

  it("is proportional to the probability of being best when no arm is near the floor", () => {
    const close = [
      { n: 1000, conversions: 100 },
      { n: 1000, conversions: 104 },
    ];
    const { weights } = thompsonSamplingWeights(close, { total: 100 });
    const [p0, p1] = probabilityToBeBest(close);
    expect(weights[0]).toBeCloseTo(100 * p0, 9);
    expect(weights[1]).toBeCloseTo(100 * p1, 9);
  });

  it("validates its options", () => {
    expect(() => thompsonSamplingWeights(arms, { total: 0 })).toThrow("total must be a positive number (got 0)");
    expect(() => thompsonSamplingWeights(arms, { minWeight: 0.5 })).toThrow(
      "minWeight must be between 0 and 1/3 for 3 arms (got 0.5)",
    );
    expect(() => thompsonSamplingWeights([{ n: 5, conversions: 6 }, arms[0]])).toThrow(
      "arm 0: conversions (6) cannot exceed n (5)",
    );
  });
});

describe("applyWeightFloor", () => {
  it("raises arms to the floor without pushing them back under it", () => {
    // Raising to 0.01 and renormalising would give 0.01/1.015 ≈ 0.00985 to the last two arms.
    const shares = applyWeightFloor([0.995, 0.005, 0], 0.01);
    expect(shares[1]).toBeCloseTo(0.01, 15);
    expect(shares[2]).toBeCloseTo(0.01, 15);
    expect(shares[0]).toBeCloseTo(0.98, 15);
  });

  it("keeps proportions among the arms above the floor", () => {
    const shares = applyWeightFloor([0.6, 0.3, 0.1, 0], 0.05);
    expect(sum(shares)).toBeCloseTo(1, 15);
    expect(shares[3]).toBeCloseTo(0.05, 15);
    expect(shares[0] / shares[1]).toBeCloseTo(2, 12);
    expect(shares[1] / shares[2]).toBeCloseTo(3, 12);
  });

  it("cascades when flooring one arm drops another under the floor", () => {
    const shares = applyWeightFloor([0.7, 0.2, 0.1, 0.0], 0.12);
    expect(sum(shares)).toBeCloseTo(1, 15);
    for (const share of shares) expect(share).toBeGreaterThanOrEqual(0.12 - 1e-15);
    expect(shares[2]).toBeCloseTo(0.12, 15);
    expect(shares[0] / shares[1]).toBeCloseTo(3.5, 12);
  });

  it("gives everyone the floor when the floors use all the traffic", () => {
    expect(applyWeightFloor([1, 0, 0, 0], 0.25)).toEqual([0.25, 0.25, 0.25, 0.25]);
  });
});
