/**
 * How good a ranking and a probability are, computed on plain arrays: AUC (Mann–Whitney, ties counted half) with
 * the Hanley–McNeil 95 % interval, calibration bins, lift, and Platt scaling.
 */

export const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** The probability that a random positive outranks a random negative; NaN when either class is missing. */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSum = 0;
  let positives = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const rank = (i + j) / 2 + 1; // average rank of the tie group
    for (let k = i; k <= j; k++) {
      if (labels[order[k]]) {
        rankSum += rank;
        positives++;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (!positives || !negatives) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Hanley & McNeil (1982): the AUC's standard error from the class sizes, as a 95 % interval clipped to [0, 1]. */
export function aucInterval(value: number, positives: number, negatives: number): { low: number; high: number } {
  const q1 = value / (2 - value);
  const q2 = (2 * value * value) / (1 + value);
  const variance =
    (value * (1 - value) + (positives - 1) * (q1 - value * value) + (negatives - 1) * (q2 - value * value)) /
    (positives * negatives);
  const se = Math.sqrt(Math.max(variance, 0));
  return { low: Math.max(0, value - 1.96 * se), high: Math.min(1, value + 1.96 * se) };
}

/** Predicted vs observed rate in ten equal-width bins of predicted probability (empty bins left out). */
export function calibrationBins(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
): { predicted: number; observed: number; count: number }[] {
  const sums = Array.from({ length: 10 }, () => ({ p: 0, y: 0, n: 0 }));
  for (let i = 0; i < probabilities.length; i++) {
    const bin = sums[Math.min(9, Math.floor(probabilities[i] * 10))];
    bin.p += probabilities[i];
    bin.y += labels[i];
    bin.n++;
  }
  return sums.filter((b) => b.n > 0).map((b) => ({ predicted: b.p / b.n, observed: b.y / b.n, count: b.n }));
}

/** The positive rate among the top `fraction` by score, divided by the overall rate. */
export function lift(scores: ArrayLike<number>, labels: ArrayLike<number>, fraction: number): number {
  const n = scores.length;
  const total = Array.from(labels).reduce((s, v) => s + v, 0);
  if (!n || !total) return 0;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const top = Math.max(1, Math.round(n * fraction));
  let hits = 0;
  for (let k = 0; k < top; k++) hits += labels[order[k]];
  return hits / top / (total / n);
}

/**
 * Platt scaling: p = σ(a·z + b) fitted by Newton's method on the log-loss of held-out (z, y), with Platt's
 * smoothed targets so a separable slice does not send a to infinity.
 */
export function fitPlatt(z: ArrayLike<number>, y: ArrayLike<number>): { a: number; b: number } {
  const positives = Array.from(y).reduce((s, v) => s + v, 0);
  const negatives = y.length - positives;
  const hi = (positives + 1) / (positives + 2);
  const lo = 1 / (negatives + 2);
  let a = 1;
  let b = 0;
  for (let iter = 0; iter < 50; iter++) {
    let g1 = 0;
    let g2 = 0;
    let h11 = 1e-9;
    let h12 = 0;
    let h22 = 1e-9;
    for (let i = 0; i < z.length; i++) {
      const t = y[i] ? hi : lo;
      const p = sigmoid(a * z[i] + b);
      const r = p - t;
      const w = p * (1 - p);
      g1 += r * z[i];
      g2 += r;
      h11 += w * z[i] * z[i];
      h12 += w * z[i];
      h22 += w;
    }
    const det = h11 * h22 - h12 * h12;
    if (!(Math.abs(det) > 1e-12)) break;
    const da = (h22 * g1 - h12 * g2) / det;
    const db = (h11 * g2 - h12 * g1) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  return { a, b };
}

/** The value below which `q` (0–1) of the sorted values fall. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (!sorted.length) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.floor(q * sorted.length)));
  return sorted[i];
}
