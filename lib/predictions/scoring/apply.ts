import type { ModelArtifact, ScoreReason, Tier } from "../types";

/**
 * A model applied to raw feature rows: pure arithmetic on typed arrays (no allocation per feature), so scoring is
 * bound by the database, not by this. A person's reasons are the features with the largest |weight × standardised
 * value|: their contribution to the log-odds against the average person (whose standardised values are all 0).
 */

export function transformed(transform: "identity" | "log1p", raw: number): number {
  return transform === "log1p" ? Math.log1p(Math.max(raw, 0)) : raw;
}

/** Standardised features, row-major, in artifact order (a constant feature's std is 1, so it stays 0). */
export function standardise(artifact: Pick<ModelArtifact, "features">, raw: Float64Array, width: number): Float32Array {
  const rows = raw.length / width;
  const out = new Float32Array(raw.length);
  const f = artifact.features;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < width; j++) {
      out[i * width + j] = (transformed(f[j].transform, raw[i * width + j]) - f[j].mean) / f[j].std;
    }
  }
  return out;
}

export function calibrated(artifact: Pick<ModelArtifact, "calibration">, z: number): number {
  const c = artifact.calibration;
  if (c.method === "platt") return 1 / (1 + Math.exp(-(c.a * z + c.b)));
  // isotonic: the step function through (x, y), x ascending
  let lo = 0;
  let hi = c.x.length - 1;
  if (hi < 0) return 0.5;
  if (z <= c.x[0]) return c.y[0];
  if (z >= c.x[hi]) return c.y[hi];
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (c.x[mid] <= z) lo = mid;
    else hi = mid;
  }
  return c.y[lo];
}

export function tierOf(artifact: Pick<ModelArtifact, "tiers">, score: number): Tier {
  if (score >= artifact.tiers.high) return "high";
  if (score >= artifact.tiers.medium) return "medium";
  return "low";
}

export type Scored = { probability: number; score: number; tier: Tier; reasons: ScoreReason[] };

/** The raw model output (log-odds before calibration) of each standardised row. */
export function logits(
  artifact: Pick<ModelArtifact, "weights" | "intercept">,
  x: Float32Array,
  width: number,
): Float64Array {
  const rows = width ? x.length / width : 0;
  const out = new Float64Array(rows);
  const w = artifact.weights;
  for (let i = 0; i < rows; i++) {
    let z = artifact.intercept;
    for (let j = 0; j < width; j++) z += w[j] * x[i * width + j];
    out[i] = z;
  }
  return out;
}

/** Scores, tiers and the top `reasonCount` reasons of each raw row. */
export function scoreRows(artifact: ModelArtifact, raw: Float64Array, reasonCount = 3): Scored[] {
  const width = artifact.features.length;
  const x = standardise(artifact, raw, width);
  const z = logits(artifact, x, width);
  const out: Scored[] = new Array(z.length);
  const contribution = new Float64Array(width);
  const order = Array.from({ length: width }, (_, j) => j);
  for (let i = 0; i < z.length; i++) {
    const probability = calibrated(artifact, z[i]);
    const score = Math.round(100 * probability);
    for (let j = 0; j < width; j++) contribution[j] = artifact.weights[j] * x[i * width + j];
    order.sort((a, b) => Math.abs(contribution[b]) - Math.abs(contribution[a]));
    const reasons: ScoreReason[] = [];
    for (const j of order.slice(0, reasonCount)) {
      if (contribution[j] === 0) break;
      const f = artifact.features[j];
      reasons.push({
        feature: f.name,
        label: f.label,
        value: raw[i * width + j],
        contribution: round4(contribution[j]),
      });
    }
    out[i] = { probability, score, tier: tierOf(artifact, score), reasons };
  }
  return out;
}

const round4 = (v: number) => Math.round(v * 1e4) / 1e4;
