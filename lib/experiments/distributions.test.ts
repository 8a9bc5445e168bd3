import { describe, expect, it } from "vitest";
import {
  betaCdf,
  betaLogPdf,
  betaQuantile,
  chiSquareCdf,
  chiSquareSf,
  gaussLegendre,
  logBeta,
  logGamma,
  normalCdf,
  normalQuantile,
  normalSf,
  regularizedGammaP,
  regularizedGammaQ,
  regularizedIncompleteBeta,
  studentTCdf,
  studentTQuantile,
  studentTSf,
  studentTTwoSidedPValue,
} from "./distributions";

// Reference values from scipy 1.17 (scipy.stats / scipy.special), printed to full double precision.
function expectRelativelyClose(actual: number, expected: number, relativeTolerance: number): void {
  const scale = Math.max(Math.abs(expected), Number.MIN_VALUE);
  expect(Math.abs(actual - expected) / scale, `${actual} vs ${expected}`).toBeLessThanOrEqual(relativeTolerance);
}

describe("logGamma", () => {
  it.each([
    [0.3, 1.0957979948180756],
    [10, 12.801827480081469], // ln 9!
    [123.456, 469.6055471299295],
    [1e6, 12815504.569147611],
  ])("ln Γ(%d)", (x, expected) => {
    expectRelativelyClose(logGamma(x), expected, 1e-13);
  });

  it("is exact enough at the integers that matter for factorials", () => {
    expectRelativelyClose(Math.exp(logGamma(6)), 120, 1e-13);
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(2)).toBeCloseTo(0, 14);
  });

  it("rejects non-positive arguments", () => {
    expect(() => logGamma(0)).toThrow("logGamma: x must be a positive finite number (got 0)");
    expect(() => logGamma(-1)).toThrow("logGamma: x must be a positive finite number (got -1)");
  });
});

describe("incomplete beta and gamma", () => {
  it.each([
    [0.4, 2.5, 3.5, 0.4869041915261176],
    [0.999, 2921, 0.5, 0.015626499272619984],
    [0.505, 50001, 49001, 0.4873392508221832],
    [0.001, 1, 1000, 0.6323045752290359],
  ])("I_%d(%d, %d)", (x, a, b, expected) => {
    expectRelativelyClose(regularizedIncompleteBeta(x, a, b), expected, 1e-10);
  });

  it("is 0 and 1 at the ends", () => {
    expect(regularizedIncompleteBeta(0, 2, 3)).toBe(0);
    expect(regularizedIncompleteBeta(1, 2, 3)).toBe(1);
  });

  it("gives P and Q that add up to 1 and match scipy", () => {
    expectRelativelyClose(regularizedGammaP(2.5, 1), 0.15085496391539038, 1e-13);
    expectRelativelyClose(regularizedGammaQ(7, 20), 0.0002551224958563005, 1e-12);
    expect(regularizedGammaP(3, 4) + regularizedGammaQ(3, 4)).toBeCloseTo(1, 15);
  });
});

describe("normal distribution", () => {
  it("has the textbook 97.5% quantile 1.959963985", () => {
    expectRelativelyClose(normalQuantile(0.975), 1.959963984540054, 1e-14);
  });

  it.each([
    [0.3, -0.5244005127080409],
    [1e-10, -6.361340902404056],
    [0.5, 0],
  ])("quantile(%d)", (p, expected) => {
    expect(Math.abs(normalQuantile(p) - expected)).toBeLessThan(1e-13);
  });

  it("CDF matches scipy in the body and both tails", () => {
    expectRelativelyClose(normalCdf(1.5), 0.9331927987311419, 1e-14);
    expectRelativelyClose(normalCdf(-8), 6.22096057427174e-16, 1e-12);
    expectRelativelyClose(normalSf(10), 7.61985302416047e-24, 1e-12);
    expect(normalCdf(0)).toBe(0.5);
  });

  it("quantile inverts the CDF", () => {
    for (const p of [1e-300, 1e-8, 0.01, 0.2, 0.5, 0.8, 0.99, 1 - 1e-9]) {
      expectRelativelyClose(normalCdf(normalQuantile(p)), p, 1e-12);
    }
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
  });

  it("rejects probabilities outside [0, 1]", () => {
    expect(() => normalQuantile(1.5)).toThrow("p must be a probability between 0 and 1 (got 1.5)");
  });
});

describe("Student t distribution", () => {
  it("has the textbook quantile t(0.975; df=10) = 2.228138852", () => {
    expectRelativelyClose(studentTQuantile(0.975, 10), 2.228138851986274, 1e-13);
  });

  it.each([
    [0.975, 5841.742032093565, 1.9603701569544807],
    [0.9999999, 1, 3183098.8635132452],
    [0.995, 2.5, 7.163728138948783],
    [0.01, 3, -4.5407028585681335],
  ])("quantile(%d; df=%d)", (p, df, expected) => {
    expectRelativelyClose(studentTQuantile(p, df), expected, 1e-11);
  });

  it("CDF and tails match scipy, including a p-value far below double epsilon", () => {
    expectRelativelyClose(studentTCdf(2, 10), 0.9633059826146299, 1e-14);
    expectRelativelyClose(studentTSf(30, 5), 3.8593243102480265e-7, 1e-11);
    expectRelativelyClose(studentTCdf(-1.3, 1.7), 0.17106518753828506, 1e-12);
    expectRelativelyClose(studentTSf(14, 5841), 3.9571698050449703e-44, 1e-9);
    expectRelativelyClose(studentTTwoSidedPValue(-14, 5841), 2 * 3.9571698050449703e-44, 1e-9);
  });

  it("quantile inverts the CDF", () => {
    for (const df of [1, 2.5, 10, 57.3, 1e5]) {
      for (const p of [0.001, 0.05, 0.4, 0.9, 0.999]) {
        expect(Math.abs(studentTCdf(studentTQuantile(p, df), df) - p)).toBeLessThan(1e-13);
      }
    }
  });

  it("rejects a non-positive df", () => {
    expect(() => studentTCdf(1, 0)).toThrow("studentT: df must be a positive finite number (got 0)");
  });
});

describe("chi-square distribution", () => {
  it.each([
    ["cdf", 3.84, 1, 0.9499564787512949],
    ["cdf", 0.5, 4, 0.026499021160743912],
    ["sf", 20, 3, 0.00016974243555282632],
    ["sf", 100, 50, 3.454931382984871e-5],
  ])("%s(%d; k=%d)", (kind, x, k, expected) => {
    expectRelativelyClose(kind === "cdf" ? chiSquareCdf(x, k) : chiSquareSf(x, k), expected, 1e-12);
  });
});

describe("beta distribution and quadrature", () => {
  // mpmath at 40 digits (scipy itself is off by ~4e-9 on the first and the log density)
  it("keeps its precision for arms with millions of units (Stirling power terms, no cancellation)", () => {
    expectRelativelyClose(logBeta(200001, 9800001), -980400.2390191516, 1e-15);
    expectRelativelyClose(logBeta(5, 1e8), -88.92534998941389, 1e-14);
    expectRelativelyClose(logBeta(12.5, 30.25), -25.99668406637252, 1e-14);
    expectRelativelyClose(betaCdf(0.02003, 200001, 9800001), 0.7504333902845745, 1e-12);
    expectRelativelyClose(betaCdf(4e-8, 5, 1e8), 0.3711630960788174, 1e-12);
    expectRelativelyClose(betaLogPdf(0.02003, 200001, 9800001), 8.876854648541164, 1e-12);
    expectRelativelyClose(betaLogPdf(4e-8, 5, 1e8), 16.78780441808398, 1e-12);
  });

  it("quantile inverts the CDF", () => {
    expectRelativelyClose(betaQuantile(0.3, 3, 8), 0.19261045263908827, 1e-12);
    expect(betaCdf(betaQuantile(0.7, 40, 12), 40, 12)).toBeCloseTo(0.7, 14);
  });

  it("Gauss–Legendre integrates polynomials of degree 2n − 1 exactly", () => {
    const { nodes, weights } = gaussLegendre(8);
    const integral = nodes.reduce((sum, x, i) => sum + weights[i] * (x ** 14 + 3 * x ** 3 + 1), 0);
    expect(integral).toBeCloseTo(2 / 15 + 2, 14);
    expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(2, 14);
  });
});
