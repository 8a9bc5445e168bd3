import { describe, expect, it } from "vitest";
import { rng } from "../synthetic";
import { auc, aucInterval, calibrationBins, fitPlatt, lift, sigmoid } from "./metrics";

describe("auc", () => {
  it("is the share of positive–negative pairs ranked right, ties counted half", () => {
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(auc([1, 2, 3, 4], [0, 0, 1, 1])).toBe(1);
    expect(auc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    expect(auc([1, 2], [1, 1])).toBeNaN();
  });

  it("has a Hanley–McNeil interval that narrows with more examples", () => {
    const small = aucInterval(0.75, 20, 80);
    const large = aucInterval(0.75, 2000, 8000);
    expect(small.low).toBeLessThan(0.75);
    expect(small.high).toBeGreaterThan(0.75);
    expect(large.high - large.low).toBeLessThan((small.high - small.low) / 5);
    // by hand: Q1 = 0.6, Q2 = 0.642857; SE = √((0.1875 + 19 × 0.0375 + 79 × 0.080357) / 1600) = 0.0673
    expect((small.high - small.low) / (2 * 1.96)).toBeCloseTo(0.0673, 3);
  });
});

describe("calibration", () => {
  it("Platt scaling recovers a known logistic mapping, so predicted rates match observed ones", () => {
    // y ~ Bernoulli(σ(2z − 1)) for z spread over [−3, 3], drawn deterministically
    const random = rng(7);
    const z: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 20000; i++) {
      const v = -3 + 6 * random();
      z.push(v);
      y.push(random() < sigmoid(2 * v - 1) ? 1 : 0);
    }
    const { a, b } = fitPlatt(z, y);
    expect(a).toBeCloseTo(2, 0);
    expect(b).toBeCloseTo(-1, 0);
    const bins = calibrationBins(
      z.map((v) => sigmoid(a * v + b)),
      y,
    );
    // each bin within four standard errors of its observed rate
    for (const bin of bins) {
      const se = Math.sqrt((bin.predicted * (1 - bin.predicted)) / bin.count);
      expect(Math.abs(bin.predicted - bin.observed)).toBeLessThan(4 * se + 1e-3);
    }
  });

  it("lift is the top share's positive rate over the overall rate", () => {
    const scores = Array.from({ length: 100 }, (_, i) => i);
    const labels = scores.map((i) => (i >= 90 || i % 10 === 0 ? 1 : 0)); // 19 positives, the top 10 all positive
    expect(lift(scores, labels, 0.1)).toBeCloseTo(1 / 0.19, 5);
  });
});
