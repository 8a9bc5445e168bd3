/**
 * The traffic weights of an A/B split node: the published ones (the node's config in the journey
 * version) and the overrides an experiment stores for NEW assignments (the auto-winner, the bandit, or
 * an editor turning the auto-winner off). Pure, shared by the engine (lib/engine/interpreter.ts), the
 * analysis and the auto-winner, so all three agree on what "the current weights" are.
 *
 * An override is `{ "<armId>": weight, ..., "holdout"?: weight }` on a 0–100 scale. The holdout is
 * never moved by an override: people held out stay held out at the published share, so incrementality
 * keeps measuring the same thing; the arms' override weights are scaled to fill the rest. An override
 * whose arms are not exactly the node's arms (a version published since with arms added or removed) is
 * stale and ignored: the published weights apply until the next evaluation writes a fresh one.
 */

export const HOLDOUT = "holdout";

export interface SplitConfigLike {
  arms: { id: string; label?: string; weight: number }[];
  holdout?: { weight: number };
}

/** weights by arm id, plus "holdout" when the split has one; on a 0–100 scale */
export type WeightMap = Record<string, number>;

export interface EffectiveWeights {
  arms: { id: string; weight: number }[];
  holdout: number;
  source: "published" | "override";
}

export function publishedWeights(config: SplitConfigLike): WeightMap {
  const weights: WeightMap = Object.fromEntries(config.arms.map((a) => [a.id, a.weight]));
  if (config.holdout?.weight) weights[HOLDOUT] = config.holdout.weight;
  return weights;
}

/** Does this override fit the node: the same arm ids, finite weights ≥ 0, some weight on an arm? */
export function overrideFits(config: SplitConfigLike, override: unknown): override is WeightMap {
  if (!override || typeof override !== "object" || Array.isArray(override)) return false;
  const entries = Object.entries(override as Record<string, unknown>).filter(([id]) => id !== HOLDOUT);
  if (entries.length !== config.arms.length) return false;
  const ids = new Set(config.arms.map((a) => a.id));
  let total = 0;
  for (const [id, weight] of entries) {
    if (!ids.has(id) || typeof weight !== "number" || !Number.isFinite(weight) || weight < 0) return false;
    total += weight;
  }
  return total > 0;
}

/**
 * The weights the engine assigns with: the override when it fits (arms scaled to 100 − the published
 * holdout), else the published ones. The same weight set always gives the same assignment for a person.
 */
export function effectiveSplitWeights(config: SplitConfigLike, override?: unknown): EffectiveWeights {
  const holdout = config.holdout?.weight ?? 0;
  if (override === undefined || override === null || !overrideFits(config, override)) {
    return { arms: config.arms.map((a) => ({ id: a.id, weight: a.weight })), holdout, source: "published" };
  }
  const armTotal = config.arms.reduce((sum, a) => sum + override[a.id], 0);
  const scale = (100 - holdout) / armTotal;
  return { arms: config.arms.map((a) => ({ id: a.id, weight: override[a.id] * scale })), holdout, source: "override" };
}

export function toWeightMap(weights: EffectiveWeights): WeightMap {
  const map: WeightMap = Object.fromEntries(weights.arms.map((a) => [a.id, a.weight]));
  if (weights.holdout > 0) map[HOLDOUT] = weights.holdout;
  return map;
}

/** Weights rounded for storage and display (4 decimals), the arms' rounding error put on the largest arm. */
export function roundWeights(config: SplitConfigLike, weights: WeightMap): WeightMap {
  const holdout = config.holdout?.weight ?? 0;
  const rounded: WeightMap = {};
  for (const arm of config.arms) rounded[arm.id] = Math.round((weights[arm.id] ?? 0) * 10_000) / 10_000;
  const drift = 100 - holdout - config.arms.reduce((sum, a) => sum + rounded[a.id], 0);
  const largest = config.arms.reduce((best, a) => (rounded[a.id] > rounded[best.id] ? a : best), config.arms[0]);
  rounded[largest.id] = Math.round((rounded[largest.id] + drift) * 10_000) / 10_000;
  if (holdout > 0) rounded[HOLDOUT] = holdout;
  return rounded;
}

export function sameWeights(
  a: WeightMap | null | undefined,
  b: WeightMap | null | undefined,
  tolerance = 1e-6,
): boolean {
  if (!a || !b) return a === b;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) if (Math.abs((a[key] ?? 0) - (b[key] ?? 0)) > tolerance) return false;
  return true;
}

/** "A 50% · B 50% · holdout 10%", in the config's order. */
export function describeWeights(config: SplitConfigLike, weights: WeightMap): string {
  const parts = config.arms.map((a) => `${a.label ?? a.id} ${formatWeight(weights[a.id] ?? 0)}%`);
  if (weights[HOLDOUT]) parts.push(`holdout ${formatWeight(weights[HOLDOUT])}%`);
  return parts.join(" · ");
}

function formatWeight(weight: number): string {
  return Number.isInteger(weight) ? String(weight) : weight.toFixed(weight < 1 ? 2 : 1);
}
