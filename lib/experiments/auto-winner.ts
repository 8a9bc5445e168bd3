import type { ExperimentAnalysis } from "./analysis";
import { DEFAULT_BANDIT_MIN_WEIGHT, thompsonSamplingWeights } from "./bandit";
import {
  describeWeights,
  effectiveSplitWeights,
  HOLDOUT,
  roundWeights,
  sameWeights,
  toWeightMap,
  type SplitConfigLike,
  type WeightMap,
} from "./weights";

/**
 * What the auto-winner does after an evaluation: a pure decision from the analysis, the experiment's
 * state and the clock; lib/experiments/experiments.ts stores it (the weights, and a weight-change row with
 * the reason). The engine then assigns NEW people with the new weights; nobody already assigned moves.
 *
 * - "off": nothing; the published weights apply.
 * - "winner": once the sequential test (always valid, so checking every 15 minutes is fine) finds a winner
 *   after the experiment's multiple-testing correction, with enough data in every arm and no sample ratio mismatch,
 *   100% of the arms' traffic goes to it. Once: later evaluations keep it there.
 * - "bandit": Thompson-sampling weights (each arm's probability of being best, exact, floored at 1% of ALL
 *   traffic: weight 1 on the 0–100 scale, holdout or not, so "every arm keeps at least 1%" holds for the
 *   people entering the split, not only for those the holdout leaves), from people assigned at least one
 *   attribution window ago (everyone there has had the
 *   whole window to convert; counting the recent ones would punish whichever arm just got more traffic).
 *   Updated no faster than once per attribution window, never while the sample ratio is off.
 * In both modes the holdout keeps its published share.
 */

export const AUTO_WINNER_MODES = ["off", "winner", "bandit"] as const;
export type AutoWinnerMode = (typeof AUTO_WINNER_MODES)[number];
/** every arm keeps at least this share of all the split's traffic */
export const BANDIT_FLOOR = DEFAULT_BANDIT_MIN_WEIGHT;

export interface AutoWinnerState {
  mode: AutoWinnerMode;
  /** the override in effect, or null for the published weights */
  weights: WeightMap | null;
  weightsChangedAt: Date | null;
  winnerArmId: string | null;
}

export interface WeightDecision {
  weights: WeightMap;
  reason: string;
  winnerArmId: string | null;
}

export function decideWeights(
  split: SplitConfigLike & { arms: { id: string; label: string; weight: number }[] },
  analysis: ExperimentAnalysis,
  state: AutoWinnerState,
  now: Date,
): WeightDecision | null {
  const holdout = split.holdout?.weight ?? 0;
  const current = toWeightMap(effectiveSplitWeights(split, state.weights));

  if (state.mode === "winner") {
    const winner = analysis.sequentialWinner;
    if (!winner || state.winnerArmId) return null;
    if (!split.arms.some((a) => a.id === winner.armId)) return null;
    const weights: WeightMap = Object.fromEntries(
      split.arms.map((a) => [a.id, a.id === winner.armId ? 100 - holdout : 0]),
    );
    if (holdout > 0) weights[HOLDOUT] = holdout;
    return {
      weights,
      winnerArmId: winner.armId,
      reason: `Auto-winner: ${winner.reason}. All new people go to "${winner.label}"${holdout > 0 ? ` (the ${holdout}% holdout stays)` : ""}.`,
    };
  }

  if (state.mode === "bandit") {
    if (analysis.srm?.mismatch) return null;
    const windowMs = analysis.goal.attributionHours * 3_600_000;
    if (state.weightsChangedAt && now.getTime() - state.weightsChangedAt.getTime() < windowMs) return null;
    const matured = analysis.arms.map((a) => ({
      n: a.matured.assigned,
      conversions: Math.min(a.matured.converted, a.matured.assigned),
    }));
    if (matured.reduce((sum, a) => sum + a.n, 0) === 0) return null;
    // The bandit divides the arms' 100 − holdout; 1% of all traffic is this share of it (all the arms'
    // traffic split evenly at most, for a holdout so large the floors would not fit).
    const minWeight = Math.min((BANDIT_FLOOR * 100) / (100 - holdout), 1 / split.arms.length);
    const { weights: raw, probabilityBest } = thompsonSamplingWeights(matured, { total: 100 - holdout, minWeight });
    const weights = roundWeights(split, Object.fromEntries(split.arms.map((a, i) => [a.id, raw[i]])));
    // A change below a hundredth of a point is noise, not worth a history entry.
    if (sameWeights(current, weights, 0.01)) return null;
    const chances = split.arms.map((a, i) => `${a.label} ${(probabilityBest[i] * 100).toFixed(1)}%`).join(", ");
    return {
      weights,
      winnerArmId: null,
      reason: `Bandit re-weighting (Thompson sampling, floor ${BANDIT_FLOOR * 100}% of all traffic): chance to be best ${chances}, from people assigned at least ${analysis.goal.attributionHours} h ago. Now ${describeWeights(split, weights)}.`,
    };
  }
  return null;
}
