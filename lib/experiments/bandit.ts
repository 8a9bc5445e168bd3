/**
 * Thompson-sampling traffic weights for a Beta–Bernoulli multi-armed bandit, computed exactly rather than
 * sampled: Thompson sampling sends each unit to arm i with probability P(arm i is best), so the expected
 * traffic share of arm i is that probability, which `probabilityToBeBest` (./stats.ts) integrates
 * numerically. The same counts therefore always give the same weights (no randomness, reproducible
 * re-weighting, testable).
 *
 * Two adjustments on top of the raw probabilities:
 * - a floor: every arm keeps at least `minWeight` of the bandit's traffic (default 0.01 = 1%), so a
 *   losing arm keeps gathering data and the bandit can change its mind (GrowthBook's bandits keep a
 *   minimum variation weight for the same reason). The floor is a share of the bandit's traffic, not
 *   of `total`'s units: with total 90 and minWeight 0.01 an arm gets at least 0.9. The auto-winner
 *   (./auto-winner.ts) wants 1% of ALL of a split's traffic, holdout included, so it passes
 *   minWeight = 1/90 there.
 * - a total: the weights add up to `total` (default 1), e.g. 90 when a split node keeps a fixed 10%
 *   holdout out of the bandit, so the holdout's share never moves.
 *
 * The floor is applied by water-filling: arms whose probability is under the floor are raised to it,
 * and the remaining share is divided among the other arms in proportion to their probabilities,
 * repeating until no arm is under the floor. (Raising to the floor and then renormalising, the obvious
 * shortcut, can push floored arms back under it.)
 */

import { probabilityToBeBest, type BetaPrior, type ProportionSummary } from "./stats";

export const DEFAULT_BANDIT_MIN_WEIGHT = 0.01;

export interface BanditOptions {
  /** what the weights add up to (default 1) */
  total?: number;
  /** the smallest share of the bandit's traffic any arm gets (default 0.01) */
  minWeight?: number;
  /** Beta prior on every arm's conversion rate (default uniform Beta(1, 1)) */
  prior?: BetaPrior;
}

export interface BanditWeights {
  /** P(arm i has the highest conversion rate), before the floor */
  probabilityBest: number[];
  /** traffic weights, adding up to `total`, each at least minWeight · total */
  weights: number[];
}

/**
 * Shares that add up to 1, each at least `minShare`, as close to proportional to `probabilities` as the
 * floor allows (water-filling; see the file header).
 */
export function applyWeightFloor(probabilities: number[], minShare: number): number[] {
  const k = probabilities.length;
  if (k === 0) throw new Error("applyWeightFloor needs at least one arm");
  probabilities.forEach((p, i) => {
    if (!(p >= 0) || !Number.isFinite(p))
      throw new Error(`arm ${i}: probability must be a finite number ≥ 0 (got ${p})`);
  });
  if (!(minShare >= 0) || minShare * k > 1 + 1e-12) {
    throw new Error(`minWeight must be between 0 and 1/${k} for ${k} arms (got ${minShare})`);
  }
  const floored = new Array<boolean>(k).fill(false);
  const shares = new Array<number>(k).fill(0);
  for (;;) {
    const free = probabilities.map((_, i) => i).filter((i) => !floored[i]);
    const flooredCount = k - free.length;
    const remaining = Math.max(0, 1 - flooredCount * minShare);
    const freeMass = free.reduce((sum, i) => sum + probabilities[i], 0);
    for (let i = 0; i < k; i++) shares[i] = minShare;
    // With no probability left among the free arms, they share what remains equally.
    for (const i of free)
      shares[i] = freeMass > 0 ? (remaining * probabilities[i]) / freeMass : remaining / free.length;
    const under = free.filter((i) => shares[i] < minShare);
    if (under.length === 0) return shares;
    for (const i of under) floored[i] = true;
  }
}

/**
 * Deterministic Thompson-sampling weights for arms given their { n, conversions }: the probability
 * that each arm is best, floored at `minWeight` of the bandit's traffic and scaled to `total`.
 */
export function thompsonSamplingWeights(arms: ProportionSummary[], options: BanditOptions = {}): BanditWeights {
  const total = options.total ?? 1;
  const minWeight = options.minWeight ?? DEFAULT_BANDIT_MIN_WEIGHT;
  if (!(total > 0) || !Number.isFinite(total)) throw new Error(`total must be a positive number (got ${total})`);
  const probabilityBest = probabilityToBeBest(arms, { prior: options.prior });
  // Quadrature leaves the sum within ~1e-12 of 1; normalise so the floor arithmetic starts from exactly 1.
  const sum = probabilityBest.reduce((a, b) => a + b, 0);
  const shares = applyWeightFloor(
    probabilityBest.map((p) => p / sum),
    minWeight,
  );
  return { probabilityBest, weights: shares.map((share) => share * total) };
}
