/**
 * The experiment statistics engine: pure functions from per-arm summary statistics to lifts, intervals,
 * p-values, chances to win, sample-ratio checks and multiple-testing corrections. No I/O; the numerical
 * special functions live in ./distributions.ts, the bandit in ./bandit.ts.
 *
 * The formulas follow GrowthBook's stats engine (gbstats, packages/stats/gbstats: frequentist/tests.py,
 * bayesian/tests.py, utils.py; and back-end/shared for multiple testing), and reproduce the reference
 * vectors in lib/experiments/reference/ab-vectors.json, a copy of the team's shared reference (see stats.test.ts).
 *
 * ## Inputs: summary statistics per arm
 * - proportions (conversion rates): `{ n, conversions }`. mean p = conversions / n; per-unit variance
 *   p(1 − p), the Bernoulli variance. GrowthBook uses this (not the n − 1 sample variance, which is
 *   larger by n/(n − 1)), and the reference vectors require it.
 * - means (revenue, counts per person): `{ n, sum, sumSquares }`. mean = sum / n; per-unit variance is the
 *   sample variance (sumSquares − sum²/n) / (n − 1).
 * - ratios, when the denominator is itself random per unit (revenue per order, with several orders per
 *   person): `{ n, numeratorSum, numeratorSumSquares, denominatorSum, denominatorSumSquares,
 *   crossProductSum }` over the n units. value R = ΣM / ΣD; per-unit variance by the delta method,
 *   Var(M)/μD² + Var(D)·μM²/μD⁴ − 2·Cov(M,D)·μM/μD³ (sample variances and covariance, n − 1).
 * Every test needs n ≥ 2 in each arm; counts must be integers and conversions ≤ n. Violations throw a
 * plain Error that names the arm and the field.
 *
 * ## Lift
 * With per-arm means μC, μT, per-unit variances σC², σT² and sizes nC, nT:
 * - absolute: Δ = μT − μC, Var = σT²/nT + σC²/nC.
 * - relative: Δ = (μT − μC)/|μC|, delta-method Var = σT²/(μC²·nT) + σC²·μT²/(μC⁴·nC).
 *   Undefined (throws) when μC = 0.
 *
 * ## Which test when
 * - `welchTTest`: fixed-horizon frequentist test. Valid only if you look once, at a sample size decided in
 *   advance. Welch–Satterthwaite df = (σT²/nT + σC²/nC)² / (σT⁴/(nT²(nT−1)) + σC⁴/(nC²(nC−1))); CI =
 *   Δ ± t_{1−α/2, df}·SE; p = P(|T_df| ≥ |Δ/SE|).
 * - `sequentialTest`: always-valid confidence sequence (Waudby-Smith et al. 2023, "Time-uniform central
 *   limit theory and asymptotic confidence sequences", arXiv:2103.06476 eq. 9, 155, 161, as GrowthBook
 *   implements it). Use it when people look at results while the experiment runs (the dashboard does):
 *   peeking does not inflate the error rate, at the price of wider intervals. With N = nC + nT,
 *   ρ² = (−2 ln α + ln(1 − 2 ln α)) / N*, half-width = SE·√N · √(2(Nρ² + 1)·ln(√(Nρ² + 1)/α) / (Nρ)²),
 *   p = min(1, √(Nρ² + 1) · exp(−ρ²·N·(Δ/SE)² / (2(Nρ² + 1)))). N* (GrowthBook's
 *   sequentialTuningParameter, default 5000) is the total sample size at which the sequence is tightest.
 *   p < α exactly when the CI excludes 0.
 * - `bayesianTest`: normal–normal model of the lift. The data give Δ ~ N(Δ̂, Var) as above; with a flat
 *   prior the posterior is that normal, with a proper prior N(m₀, v₀) on the same scale (relative or
 *   absolute) the precisions add: post. var = 1/(1/Var + 1/v₀), post. mean = var·(Δ̂/Var + m₀/v₀).
 *   Chance to win = P(Δ > 0); credible interval = normal quantiles at α/2, 1 − α/2; risk (expected
 *   loss) of shipping control = E[max(Δ, 0)] = μΦ(μ/σ) + σφ(μ/σ), of shipping treatment =
 *   E[max(−Δ, 0)] = −μΦ(−μ/σ) + σφ(μ/σ). Use when the audience wants "chance to win" and a loss bound.
 * - `probabilityToBeBest`: exact Beta–Bernoulli probability that each of k ≥ 2 arms has the highest
 *   conversion rate, P(best = i) = ∫ f_i(x) Π_{j≠i} F_j(x) dx with Beta(α₀ + conversions, β₀ + n −
 *   conversions) posteriors (uniform prior by default), by composite Gauss–Legendre quadrature (accurate to
 *   ~1e-9, not Monte Carlo). For the auto-winner and the bandit.
 * - `sampleRatioMismatch`: Pearson χ² = Σ (observed − expected)²/expected of the assignment counts
 *   against the configured weights, p from the χ² survival function with (arms with weight > 0) − 1 df.
 *   GrowthBook flags SRM at p < 0.001; when it fires, assignment is broken and no other result should be
 *   trusted.
 * - `holmBonferroni` / `benjaminiHochberg`: adjusted p-values when many arms × metrics are tested at once.
 *   Holm controls the family-wise error rate, BH the false discovery rate (more power, GrowthBook's usual
 *   choice for many metrics). `adjustedConfidenceInterval` widens an interval to match an adjusted
 *   p-value, as GrowthBook does: SE' = |Δ| / z_{1−p'/2}, CI = Δ ± z_{1−α/2}·SE'.
 * - `decideArmStatus`: the UI's one-word verdict ("winning", "losing", "inconclusive", "not enough data").
 */

import {
  betaLogPdf,
  betaQuantile,
  chiSquareSf,
  gaussLegendre,
  normalCdf,
  normalPdf,
  normalQuantile,
  regularizedIncompleteBeta,
  studentTQuantile,
  studentTTwoSidedPValue,
} from "./distributions";

// ---------------------------------------------------------------------------------------------------
// Inputs

export interface ProportionSummary {
  n: number;
  conversions: number;
}

export interface MeanSummary {
  n: number;
  sum: number;
  sumSquares: number;
}

export interface RatioSummary {
  n: number;
  numeratorSum: number;
  numeratorSumSquares: number;
  denominatorSum: number;
  denominatorSumSquares: number;
  /** Σ numerator·denominator over the units */
  crossProductSum: number;
}

export type MetricSummary = ProportionSummary | MeanSummary | RatioSummary;

/** What every test works from: the arm's size, mean (or ratio) and per-unit variance. */
export interface ArmMoments {
  n: number;
  mean: number;
  variance: number;
}

export type LiftKind = "absolute" | "relative";

export const DEFAULT_ALPHA = 0.05;
export const DEFAULT_SEQUENTIAL_N_STAR = 5000;
export const SRM_P_VALUE_THRESHOLD = 0.001;

export function isProportionSummary(summary: MetricSummary): summary is ProportionSummary {
  return "conversions" in summary;
}

export function isRatioSummary(summary: MetricSummary): summary is RatioSummary {
  return "numeratorSum" in summary;
}

function metricKind(summary: MetricSummary): "proportion" | "ratio" | "mean" {
  return isProportionSummary(summary) ? "proportion" : isRatioSummary(summary) ? "ratio" : "mean";
}

function requireCount(value: number, label: string, field: string): void {
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${label}: ${field} must be a whole number ≥ 0 (got ${value})`);
}

function requireFinite(value: number, label: string, field: string): void {
  if (!Number.isFinite(value)) throw new Error(`${label}: ${field} must be a finite number (got ${value})`);
}

function requireAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new Error(`alpha must be between 0 and 1, exclusive (got ${alpha})`);
}

function validateSummary(summary: MetricSummary, label: string, minimumN: number): void {
  requireCount(summary.n, label, "n");
  if (summary.n < minimumN) {
    throw new Error(
      minimumN === 2
        ? `${label}: n must be at least 2 to estimate a variance (got ${summary.n})`
        : `${label}: n must be at least ${minimumN} (got ${summary.n})`,
    );
  }
  if (isProportionSummary(summary)) {
    requireCount(summary.conversions, label, "conversions");
    if (summary.conversions > summary.n) {
      throw new Error(`${label}: conversions (${summary.conversions}) cannot exceed n (${summary.n})`);
    }
  } else if (isRatioSummary(summary)) {
    for (const field of [
      "numeratorSum",
      "numeratorSumSquares",
      "denominatorSum",
      "denominatorSumSquares",
      "crossProductSum",
    ] as const) {
      requireFinite(summary[field], label, field);
    }
    if (summary.numeratorSumSquares < 0)
      throw new Error(`${label}: numeratorSumSquares cannot be negative (got ${summary.numeratorSumSquares})`);
    if (summary.denominatorSumSquares < 0)
      throw new Error(`${label}: denominatorSumSquares cannot be negative (got ${summary.denominatorSumSquares})`);
  } else {
    requireFinite(summary.sum, label, "sum");
    requireFinite(summary.sumSquares, label, "sumSquares");
    if (summary.sumSquares < 0) throw new Error(`${label}: sumSquares cannot be negative (got ${summary.sumSquares})`);
  }
}

// (Σx² − (Σx)²/n)/(n − 1), with rounding noise around an exact 0 cleared; a clearly negative value means
// the sums cannot come from one set of values.
function sampleVariance(n: number, sum: number, sumSquares: number, label: string, field: string): number {
  const centred = sumSquares - (sum * sum) / n;
  if (centred < 0) {
    if (centred < -1e-9 * Math.max(sumSquares, 1)) {
      throw new Error(
        `${label}: ${field} (${sumSquares}) is smaller than sum²/n (${(sum * sum) / n}); the sums are inconsistent`,
      );
    }
    return 0;
  }
  return centred / (n - 1);
}

function sampleCovariance(n: number, sumX: number, sumY: number, sumXY: number): number {
  return (sumXY - (sumX * sumY) / n) / (n - 1);
}

/** The arm's mean: the conversion rate, the mean value, or the ratio ΣM/ΣD. */
export function summaryMean(summary: MetricSummary, label = "arm"): number {
  validateSummary(summary, label, 1);
  if (isProportionSummary(summary)) return summary.conversions / summary.n;
  if (isRatioSummary(summary)) {
    if (summary.denominatorSum === 0) throw new Error(`${label}: the ratio is undefined because denominatorSum is 0`);
    return summary.numeratorSum / summary.denominatorSum;
  }
  return summary.sum / summary.n;
}

/**
 * The per-unit variance: p(1 − p) for proportions (Bernoulli, as GrowthBook), the n − 1 sample variance
 * for means, the delta-method variance of M − R·D scaled by the denominator mean for ratios.
 */
export function summaryVariance(summary: MetricSummary, label = "arm"): number {
  validateSummary(summary, label, 2);
  const n = summary.n;
  if (isProportionSummary(summary)) {
    const p = summary.conversions / n;
    return p * (1 - p);
  }
  if (isRatioSummary(summary)) {
    if (summary.denominatorSum === 0) throw new Error(`${label}: the ratio is undefined because denominatorSum is 0`);
    const meanM = summary.numeratorSum / n;
    const meanD = summary.denominatorSum / n;
    const varM = sampleVariance(n, summary.numeratorSum, summary.numeratorSumSquares, label, "numeratorSumSquares");
    const varD = sampleVariance(
      n,
      summary.denominatorSum,
      summary.denominatorSumSquares,
      label,
      "denominatorSumSquares",
    );
    const cov = sampleCovariance(n, summary.numeratorSum, summary.denominatorSum, summary.crossProductSum);
    const variance = varM / meanD ** 2 + (varD * meanM ** 2) / meanD ** 4 - (2 * cov * meanM) / meanD ** 3;
    // It is the variance of a linear combination, ≥ 0 up to rounding.
    return Math.max(0, variance);
  }
  return sampleVariance(n, summary.sum, summary.sumSquares, label, "sumSquares");
}

/** n, mean and per-unit variance of one arm (validated: n ≥ 2). */
export function armMoments(summary: MetricSummary, label = "arm"): ArmMoments {
  return { n: summary.n, variance: summaryVariance(summary, label), mean: summaryMean(summary, label) };
}

// ---------------------------------------------------------------------------------------------------
// Lift

export interface LiftMoments {
  difference: LiftKind;
  estimate: number;
  /** variance of the estimate (not per unit) */
  variance: number;
  /** Welch–Satterthwaite degrees of freedom */
  degreesOfFreedom: number;
  control: ArmMoments;
  treatment: ArmMoments;
}

/** The lift's point estimate, its variance (delta method when relative) and Welch–Satterthwaite df. */
export function liftMoments(
  control: MetricSummary,
  treatment: MetricSummary,
  difference: LiftKind = "relative",
): LiftMoments {
  if (difference !== "absolute" && difference !== "relative")
    throw new Error(`difference must be "absolute" or "relative" (got ${String(difference)})`);
  if (metricKind(control) !== metricKind(treatment)) {
    throw new Error(
      `control and treatment must summarise the same kind of metric (got ${metricKind(control)} and ${metricKind(treatment)})`,
    );
  }
  const c = armMoments(control, "control");
  const t = armMoments(treatment, "treatment");
  const controlShare = c.variance / c.n;
  const treatmentShare = t.variance / t.n;
  let estimate: number;
  let variance: number;
  if (difference === "relative") {
    if (c.mean === 0)
      throw new Error('relative lift is undefined when the control mean is 0; use difference: "absolute"');
    estimate = (t.mean - c.mean) / Math.abs(c.mean);
    variance = treatmentShare / c.mean ** 2 + (controlShare * t.mean ** 2) / c.mean ** 4;
  } else {
    estimate = t.mean - c.mean;
    variance = treatmentShare + controlShare;
  }
  if (!(variance > 0)) {
    throw new Error(
      "the lift has zero variance (every unit in both arms has the same value, or the treatment mean is 0 for a relative lift), so it cannot be tested",
    );
  }
  const degreesOfFreedom =
    (treatmentShare + controlShare) ** 2 / (treatmentShare ** 2 / (t.n - 1) + controlShare ** 2 / (c.n - 1));
  return { difference, estimate, variance, degreesOfFreedom, control: c, treatment: t };
}

// ---------------------------------------------------------------------------------------------------
// Frequentist, fixed horizon

export interface TestOptions {
  /** "relative" (default, as GrowthBook) or "absolute" */
  difference?: LiftKind;
  /** 1 − confidence level; default 0.05 */
  alpha?: number;
}

export interface FrequentistResult {
  difference: LiftKind;
  estimate: number;
  standardError: number;
  degreesOfFreedom: number;
  ci: [number, number];
  pValue: number;
  alpha: number;
  control: ArmMoments;
  treatment: ArmMoments;
}

/** Welch's two-sided t-test of treatment against control, for proportions, means or ratios. */
export function welchTTest(
  control: MetricSummary,
  treatment: MetricSummary,
  options: TestOptions = {},
): FrequentistResult {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  requireAlpha(alpha);
  const lift = liftMoments(control, treatment, options.difference ?? "relative");
  const standardError = Math.sqrt(lift.variance);
  const halfWidth = studentTQuantile(1 - alpha / 2, lift.degreesOfFreedom) * standardError;
  return {
    difference: lift.difference,
    estimate: lift.estimate,
    standardError,
    degreesOfFreedom: lift.degreesOfFreedom,
    ci: [lift.estimate - halfWidth, lift.estimate + halfWidth],
    pValue: studentTTwoSidedPValue(lift.estimate / standardError, lift.degreesOfFreedom),
    alpha,
    control: lift.control,
    treatment: lift.treatment,
  };
}

// ---------------------------------------------------------------------------------------------------
// Frequentist, sequential (always valid)

export interface SequentialOptions extends TestOptions {
  /** N*, the total sample size where the confidence sequence is tightest (GrowthBook's
   * sequentialTuningParameter); default 5000. Set it near the traffic you expect the experiment to get. */
  nStar?: number;
}

export interface SequentialResult {
  difference: LiftKind;
  estimate: number;
  standardError: number;
  ci: [number, number];
  pValue: number;
  alpha: number;
  nStar: number;
  rho: number;
  control: ArmMoments;
  treatment: ArmMoments;
}

/** ρ of the asymptotic confidence sequence, chosen so the sequence is tightest at N* (arXiv:2103.06476 eq. 161). */
export function sequentialRho(alpha: number, nStar: number): number {
  requireAlpha(alpha);
  if (!(nStar > 0) || !Number.isFinite(nStar)) throw new Error(`nStar must be a positive number (got ${nStar})`);
  return Math.sqrt((-2 * Math.log(alpha) + Math.log(-2 * Math.log(alpha) + 1)) / nStar);
}

/** Two-sided always-valid confidence sequence and its p-value (GrowthBook's SequentialTwoSidedTTest). */
export function sequentialTest(
  control: MetricSummary,
  treatment: MetricSummary,
  options: SequentialOptions = {},
): SequentialResult {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const nStar = options.nStar ?? DEFAULT_SEQUENTIAL_N_STAR;
  const rho = sequentialRho(alpha, nStar);
  const lift = liftMoments(control, treatment, options.difference ?? "relative");
  const standardError = Math.sqrt(lift.variance);
  const totalN = lift.control.n + lift.treatment.n;
  // The sequence is stated for per-unit variance s² = Var·N, so the width shrinks like √(log N / N).
  const scaledRhoSquaredPlusOne = totalN * rho ** 2 + 1;
  const halfWidth =
    standardError *
    Math.sqrt(totalN) *
    Math.sqrt(
      (2 * scaledRhoSquaredPlusOne * Math.log(Math.sqrt(scaledRhoSquaredPlusOne) / alpha)) / (totalN * rho) ** 2,
    );
  // eq. 155: the mixture e-value; p = 1/e, written in logs so a huge e-value gives 0, not NaN.
  const zSquaredTimesN = (lift.estimate / standardError) ** 2 * totalN;
  const logEValue =
    (rho ** 2 * zSquaredTimesN) / (2 * scaledRhoSquaredPlusOne) - 0.5 * Math.log(scaledRhoSquaredPlusOne);
  return {
    difference: lift.difference,
    estimate: lift.estimate,
    standardError,
    ci: [lift.estimate - halfWidth, lift.estimate + halfWidth],
    pValue: Math.min(1, Math.exp(-logEValue)),
    alpha,
    nStar,
    rho,
    control: lift.control,
    treatment: lift.treatment,
  };
}

// ---------------------------------------------------------------------------------------------------
// Bayesian

export interface NormalPrior {
  /** prior mean of the lift, on the scale of `difference` (0.05 = +5% when relative) */
  mean: number;
  variance: number;
}

export interface BayesianOptions {
  difference?: LiftKind;
  /** 1 − credible level; default 0.05 */
  alpha?: number;
  /** proper prior on the lift; flat (improper) when omitted */
  prior?: NormalPrior;
}

export interface BayesianResult {
  difference: LiftKind;
  /** posterior mean of the lift */
  mean: number;
  /** posterior standard deviation of the lift */
  standardDeviation: number;
  ci: [number, number];
  /** P(lift > 0) */
  chanceToWin: number;
  /** expected loss of shipping [control, treatment], in lift units */
  risk: [control: number, treatment: number];
  alpha: number;
  control: ArmMoments;
  treatment: ArmMoments;
}

/**
 * Expected loss of each choice when the lift is N(mean, sd²): shipping control loses E[max(lift, 0)],
 * shipping treatment loses E[max(−lift, 0)]. Each is computed directly (not one from the other) so the
 * small one keeps its digits.
 */
export function normalExpectedLoss(mean: number, standardDeviation: number): [control: number, treatment: number] {
  if (!Number.isFinite(mean)) throw new Error(`mean must be a finite number (got ${mean})`);
  if (!(standardDeviation > 0) || !Number.isFinite(standardDeviation)) {
    throw new Error(`standard deviation must be a positive number (got ${standardDeviation})`);
  }
  const z = mean / standardDeviation;
  const density = standardDeviation * normalPdf(z);
  return [mean * normalCdf(z) + density, -mean * normalCdf(-z) + density];
}

/** Normal–normal Bayesian analysis of the lift: posterior, credible interval, chance to win and risk. */
export function bayesianTest(
  control: MetricSummary,
  treatment: MetricSummary,
  options: BayesianOptions = {},
): BayesianResult {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  requireAlpha(alpha);
  const lift = liftMoments(control, treatment, options.difference ?? "relative");
  let mean = lift.estimate;
  let variance = lift.variance;
  if (options.prior) {
    const { mean: priorMean, variance: priorVariance } = options.prior;
    if (!Number.isFinite(priorMean)) throw new Error(`prior mean must be a finite number (got ${priorMean})`);
    if (!(priorVariance > 0) || !Number.isFinite(priorVariance))
      throw new Error(`prior variance must be a positive number (got ${priorVariance})`);
    // Precisions add; the posterior mean is the precision-weighted average.
    const posteriorPrecision = 1 / lift.variance + 1 / priorVariance;
    variance = 1 / posteriorPrecision;
    mean = variance * (lift.estimate / lift.variance + priorMean / priorVariance);
  }
  const standardDeviation = Math.sqrt(variance);
  return {
    difference: lift.difference,
    mean,
    standardDeviation,
    ci: [
      mean + standardDeviation * normalQuantile(alpha / 2),
      mean + standardDeviation * normalQuantile(1 - alpha / 2),
    ],
    chanceToWin: normalCdf(mean / standardDeviation),
    risk: normalExpectedLoss(mean, standardDeviation),
    alpha,
    control: lift.control,
    treatment: lift.treatment,
  };
}

// ---------------------------------------------------------------------------------------------------
// Beta–Bernoulli: probability that each arm is best

export interface BetaPrior {
  alpha: number;
  beta: number;
}

const BEST_ARM_QUADRATURE = gaussLegendre(16);
// Each posterior's support is cut into this many panels; a 16-point rule on a panel ~½ SD wide is exact
// to rounding for these smooth integrands, and using every arm's panels resolves a narrow arm inside a
// wide one.
const BEST_ARM_PANELS_PER_ARM = 32;
// Mass left outside each posterior's integration range, per tail.
const BEST_ARM_TAIL_MASS = 1e-15;

/**
 * P(arm i has the highest conversion rate) for each arm, under independent Beta(prior.alpha +
 * conversions, prior.beta + n − conversions) posteriors (uniform Beta(1, 1) prior by default). Computed by
 * quadrature of ∫ f_i(x) Π_{j≠i} F_j(x) dx; deterministic, accurate to ~1e-9. The results sum to 1 up to
 * that accuracy.
 */
export function probabilityToBeBest(arms: ProportionSummary[], options: { prior?: BetaPrior } = {}): number[] {
  if (arms.length < 2) throw new Error(`probabilityToBeBest needs at least 2 arms (got ${arms.length})`);
  const prior = options.prior ?? { alpha: 1, beta: 1 };
  if (!(prior.alpha > 0 && prior.beta > 0 && Number.isFinite(prior.alpha) && Number.isFinite(prior.beta))) {
    throw new Error(`the Beta prior needs positive alpha and beta (got ${prior.alpha}, ${prior.beta})`);
  }
  const posteriors = arms.map((arm, i) => {
    validateSummary(arm, `arm ${i}`, 0);
    return { a: prior.alpha + arm.conversions, b: prior.beta + arm.n - arm.conversions };
  });

  // Breakpoints: each posterior's central range (all but 1e-15 per tail), cut into equal panels.
  const breakpoints: number[] = [];
  for (const { a, b } of posteriors) {
    const low = betaQuantile(BEST_ARM_TAIL_MASS, a, b);
    const high = 1 - betaQuantile(BEST_ARM_TAIL_MASS, b, a);
    for (let p = 0; p <= BEST_ARM_PANELS_PER_ARM; p++)
      breakpoints.push(low + ((high - low) * p) / BEST_ARM_PANELS_PER_ARM);
  }
  breakpoints.sort((x, y) => x - y);

  const k = posteriors.length;
  const totals = new Array<number>(k).fill(0);
  const densities = new Array<number>(k);
  const cdfs = new Array<number>(k);
  const { nodes, weights } = BEST_ARM_QUADRATURE;
  for (let panel = 1; panel < breakpoints.length; panel++) {
    const left = breakpoints[panel - 1];
    const right = breakpoints[panel];
    if (!(right > left)) continue;
    const halfWidth = (right - left) / 2;
    const centre = (right + left) / 2;
    for (let node = 0; node < nodes.length; node++) {
      const x = centre + halfWidth * nodes[node];
      for (let j = 0; j < k; j++) {
        densities[j] = Math.exp(betaLogPdf(x, posteriors[j].a, posteriors[j].b));
        cdfs[j] = regularizedIncompleteBeta(x, posteriors[j].a, posteriors[j].b);
      }
      const weight = weights[node] * halfWidth;
      for (let i = 0; i < k; i++) {
        if (densities[i] === 0) continue;
        let othersBelow = 1;
        for (let j = 0; j < k && othersBelow > 0; j++) if (j !== i) othersBelow *= cdfs[j];
        totals[i] += weight * densities[i] * othersBelow;
      }
    }
  }
  return totals.map((total) => Math.min(1, Math.max(0, total)));
}

// ---------------------------------------------------------------------------------------------------
// Sample ratio mismatch

export interface SampleRatioCheck {
  pValue: number;
  chiSquare: number;
  degreesOfFreedom: number;
  /** expected counts under the configured weights */
  expected: number[];
  /** pValue < threshold */
  mismatch: boolean;
  threshold: number;
}

/**
 * Pearson χ² test of observed assignment counts against the configured weights (any scale; they are
 * normalised). Arms with weight 0 and no assignments are left out of the test. Unlike GrowthBook, which
 * skips zero-weight arms but still counts them in the degrees of freedom, an arm with weight 0 that
 * received assignments is a certain mismatch (p = 0), and df counts only the weighted arms.
 */
export function sampleRatioMismatch(
  observed: number[],
  weights: number[],
  threshold = SRM_P_VALUE_THRESHOLD,
): SampleRatioCheck {
  if (observed.length !== weights.length) {
    throw new Error(`observed counts (${observed.length}) and weights (${weights.length}) must have the same length`);
  }
  if (observed.length < 2) throw new Error(`a sample ratio check needs at least 2 arms (got ${observed.length})`);
  if (!(threshold > 0 && threshold < 1))
    throw new Error(`threshold must be between 0 and 1, exclusive (got ${threshold})`);
  observed.forEach((count, i) => requireCount(count, `arm ${i}`, "observed count"));
  weights.forEach((weight, i) => {
    if (!(weight >= 0) || !Number.isFinite(weight))
      throw new Error(`arm ${i}: weight must be a finite number ≥ 0 (got ${weight})`);
  });
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  if (!(totalWeight > 0)) throw new Error("at least one weight must be positive");
  const totalObserved = observed.reduce((a, b) => a + b, 0);
  const expected = weights.map((weight) => (weight / totalWeight) * totalObserved);
  const result = (pValue: number, chiSquare: number, degreesOfFreedom: number): SampleRatioCheck => ({
    pValue,
    chiSquare,
    degreesOfFreedom,
    expected,
    mismatch: pValue < threshold,
    threshold,
  });

  const weightedArms = weights.filter((weight) => weight > 0).length;
  if (totalObserved === 0) return result(1, 0, weightedArms - 1);
  if (observed.some((count, i) => weights[i] === 0 && count > 0)) return result(0, Infinity, weightedArms - 1);
  if (weightedArms < 2) return result(1, 0, 0);
  let chiSquare = 0;
  observed.forEach((count, i) => {
    if (weights[i] > 0) chiSquare += (count - expected[i]) ** 2 / expected[i];
  });
  return result(chiSquareSf(chiSquare, weightedArms - 1), chiSquare, weightedArms - 1);
}

/** GrowthBook's rule: a sample ratio mismatch when the χ² p-value is below 0.001. */
export function isSampleRatioMismatch(pValue: number, threshold = SRM_P_VALUE_THRESHOLD): boolean {
  return pValue < threshold;
}

// ---------------------------------------------------------------------------------------------------
// Multiple testing

export type PValueCorrection = "holm-bonferroni" | "benjamini-hochberg";

function validatePValues(pValues: number[]): void {
  pValues.forEach((p, i) => {
    if (!(p >= 0 && p <= 1)) throw new Error(`p-value ${i} must be between 0 and 1 (got ${p})`);
  });
}

/** Holm–Bonferroni step-down adjusted p-values (family-wise error rate), in the input order. */
export function holmBonferroni(pValues: number[]): number[] {
  validatePValues(pValues);
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((x, y) => pValues[x] - pValues[y]);
  const adjusted = new Array<number>(m);
  let runningMax = 0;
  order.forEach((index, rank) => {
    // The r-th smallest is compared with α/(m − r); adjusted values may never decrease with rank.
    runningMax = Math.max(runningMax, Math.min(1, pValues[index] * (m - rank)));
    adjusted[index] = runningMax;
  });
  return adjusted;
}

/** Benjamini–Hochberg step-up adjusted p-values (false discovery rate), in the input order. */
export function benjaminiHochberg(pValues: number[]): number[] {
  validatePValues(pValues);
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((x, y) => pValues[y] - pValues[x]); // largest first
  const adjusted = new Array<number>(m);
  let runningMin = 1;
  order.forEach((index, position) => {
    const rank = m - position; // 1-based rank from the smallest
    runningMin = Math.min(runningMin, (pValues[index] * m) / rank);
    adjusted[index] = runningMin;
  });
  return adjusted;
}

export function adjustPValues(pValues: number[], method: PValueCorrection): number[] {
  if (method === "holm-bonferroni") return holmBonferroni(pValues);
  if (method === "benjamini-hochberg") return benjaminiHochberg(pValues);
  throw new Error(`unknown p-value correction "${String(method)}"`);
}

/**
 * The confidence interval that matches an adjusted p-value (GrowthBook's adjustedCI/getAdjustedCI):
 * back out the standard error the adjusted p-value implies for this lift under a normal test, SE' =
 * |lift| / z_{1−p'/2}, and return lift ± z_{1−α/2}·SE'. With an adjusted p-value of (nearly) 1 nothing is
 * known: (−∞, ∞). Given the unadjusted interval, returns the wider of the two, since a correction must
 * never narrow an interval.
 */
export function adjustedConfidenceInterval(
  adjustedPValue: number,
  lift: number,
  options: { alpha?: number; unadjustedCi?: [number, number] } = {},
): [number, number] {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  requireAlpha(alpha);
  validatePValues([adjustedPValue]);
  if (!Number.isFinite(lift)) throw new Error(`lift must be a finite number (got ${lift})`);
  if (adjustedPValue > 0.999999) return [-Infinity, Infinity];
  // A zero lift carries no information about the standard error.
  if (lift === 0) return options.unadjustedCi ?? [-Infinity, Infinity];
  const adjustedStandardError = Math.abs(lift / normalQuantile(1 - adjustedPValue / 2));
  const halfWidth = normalQuantile(1 - alpha / 2) * adjustedStandardError;
  const adjusted: [number, number] = [lift - halfWidth, lift + halfWidth];
  const unadjusted = options.unadjustedCi;
  if (unadjusted && !(adjusted[0] < unadjusted[0] && adjusted[1] > unadjusted[1])) return unadjusted;
  return adjusted;
}

// ---------------------------------------------------------------------------------------------------
// Decision helper for the UI

export type ArmStatus = "winning" | "losing" | "inconclusive" | "not_enough_data";

/** Assigned units and converted units of one arm, whatever the metric tested. */
export interface ArmCounts {
  n: number;
  /** units that converted (for a revenue metric: units with any revenue) */
  conversions: number;
}

export interface DecisionThresholds {
  /** fewer assigned units than this in the arm or in control: not enough data (default 100) */
  minAssigned?: number;
  /** fewer conversions than this in the arm or in control: not enough data (default 20) */
  minConversions?: number;
  /** frequentist significance level (default 0.05) */
  alpha?: number;
  /** Bayesian: winning at chance to win ≥ this, losing at ≤ 1 − this (default 0.95) */
  chanceToWinThreshold?: number;
  /** for metrics where a decrease is good (e.g. unsubscribes) */
  lowerIsBetter?: boolean;
}

export type DecisionResult = Pick<FrequentistResult, "estimate" | "pValue"> | Pick<BayesianResult, "chanceToWin">;

export function hasEnoughData(control: ArmCounts, treatment: ArmCounts, thresholds: DecisionThresholds = {}): boolean {
  const minAssigned = thresholds.minAssigned ?? 100;
  const minConversions = thresholds.minConversions ?? 20;
  return [control, treatment].every((arm) => arm.n >= minAssigned && arm.conversions >= minConversions);
}

/**
 * One arm's verdict against control. Not enough data first (fewer than 100 assigned or 20 conversions in
 * the arm or in control); then, for a frequentist result (p-value, possibly adjusted), significant at α in
 * the good direction = winning, in the bad direction = losing; for a Bayesian result, chance to win at or
 * above the threshold = winning, at or below 1 − threshold = losing. Anything else is inconclusive.
 */
export function decideArmStatus(
  input: { control: ArmCounts; treatment: ArmCounts; result: DecisionResult },
  thresholds: DecisionThresholds = {},
): ArmStatus {
  if (!hasEnoughData(input.control, input.treatment, thresholds)) return "not_enough_data";
  const lowerIsBetter = thresholds.lowerIsBetter ?? false;
  const { result } = input;
  if ("chanceToWin" in result) {
    const threshold = thresholds.chanceToWinThreshold ?? 0.95;
    if (!(threshold > 0.5 && threshold < 1))
      throw new Error(`chanceToWinThreshold must be between 0.5 and 1, exclusive (got ${threshold})`);
    const chanceBetter = lowerIsBetter ? 1 - result.chanceToWin : result.chanceToWin;
    if (chanceBetter >= threshold) return "winning";
    if (chanceBetter <= 1 - threshold) return "losing";
    return "inconclusive";
  }
  const alpha = thresholds.alpha ?? DEFAULT_ALPHA;
  requireAlpha(alpha);
  if (!(result.pValue < alpha) || result.estimate === 0) return "inconclusive";
  return result.estimate > 0 !== lowerIsBetter ? "winning" : "losing";
}
