import { type FeatureDef, featureLabel, featureName, transformOf } from "../features/catalog";
import { calibrated, logits, standardise, transformed } from "../scoring/apply";
import type { FeatureSpec, ModelArtifact, ModelQuality, Verdict } from "../types";
import { DEFAULT_PARAMS, fitLogistic, LIBRARY, type LogisticParams } from "./logistic";
import { auc, aucInterval, calibrationBins, fitPlatt, lift, quantile } from "./metrics";

/**
 * From labelled examples to a model and an honest verdict, with no database: standardise on the training
 * examples, fit on 80 % of them, calibrate (Platt) on the other 20 %, then judge on the validation examples,
 * which come from a later period the model never saw.
 */

export const MIN_POSITIVES = 50;

export type Examples = { raw: Float64Array; labels: Uint8Array };

export type FitResult = {
  verdict: Verdict;
  artifact: ModelArtifact | null;
  quality: ModelQuality | null;
  /** plain words, also in quality.summary */
  summary: string;
};

const count = (labels: Uint8Array) => labels.reduce((s, v) => s + v, 0);

export async function fitModel(input: {
  features: FeatureDef[];
  training: Examples;
  validation: Examples;
  /** index in `features` of the days since the last event (the recency baseline) */
  recencyIndex: number;
  params?: LogisticParams;
}): Promise<FitResult> {
  const { features, training, validation } = input;
  const width = features.length;
  const positives = count(training.labels);
  const negatives = training.labels.length - positives;
  const validationPositives = count(validation.labels);
  const validationNegatives = validation.labels.length - validationPositives;
  const thin = `not enough data: ${positives} positive examples, need ${MIN_POSITIVES}`;
  if (positives < 2 || negatives < 2 || !validationPositives || !validationNegatives) {
    const why =
      positives < MIN_POSITIVES
        ? thin
        : `not enough data: the validation period has ${validationPositives} positive and ${validationNegatives} negative examples`;
    return { verdict: "not_enough_data", artifact: null, quality: null, summary: why };
  }

  // standardisation on the training examples; a feature constant there carries nothing and is dropped
  const specs: FeatureSpec[] = [];
  const keep: number[] = [];
  const n = training.labels.length;
  for (let j = 0; j < width; j++) {
    const f = features[j];
    const transform = transformOf(f);
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const v = transformed(transform, training.raw[i * width + j]);
      sum += v;
      sq += v * v;
    }
    const mean = sum / n;
    const std = Math.sqrt(Math.max(sq / n - mean * mean, 0));
    if (std < 1e-9) continue;
    keep.push(j);
    specs.push({ name: featureName(f), label: featureLabel(f), transform, mean, std });
  }
  const pick = (raw: Float64Array, rows: number) => {
    const out = new Float64Array(rows * keep.length);
    for (let i = 0; i < rows; i++)
      for (let k = 0; k < keep.length; k++) out[i * keep.length + k] = raw[i * width + keep[k]];
    return out;
  };
  const d = keep.length;
  const trainX = standardise({ features: specs }, pick(training.raw, n), d);
  const validationX = standardise({ features: specs }, pick(validation.raw, validation.labels.length), d);

  // every fifth training example calibrates instead of fitting (deterministic, spread over the cut-offs)
  const fitRows: number[] = [];
  const calibrationRows: number[] = [];
  for (let i = 0; i < n; i++) (i % 5 === 4 ? calibrationRows : fitRows).push(i);
  const rowsOf = (rows: number[]) => {
    const x = new Float32Array(rows.length * d);
    const y = new Float32Array(rows.length);
    rows.forEach((r, k) => {
      x.set(trainX.subarray(r * d, r * d + d), k * d);
      y[k] = training.labels[r];
    });
    return { x, y };
  };
  const fit = rowsOf(fitRows);
  const params = input.params ?? DEFAULT_PARAMS;
  const { weights, intercept } = await fitLogistic(fit.x, fit.y, d, params);
  const calibration = rowsOf(calibrationRows);
  const platt = fitPlatt(logits({ weights, intercept }, calibration.x, d), calibration.y);

  const model = { features: specs, weights, intercept, calibration: { method: "platt" as const, ...platt } };
  const validationZ = logits(model, validationX, d);
  const validationP = Array.from(validationZ, (z) => calibrated(model, z));
  const value = auc(validationZ, validation.labels);
  const interval = aucInterval(value, validationPositives, validationNegatives);
  const trainingAuc = auc(logits(model, fit.x, d), fit.y);

  // recency alone, in the direction the training examples favour (recent → likely for most targets, but not churn)
  const recency = (raw: Float64Array, rows: number) =>
    Array.from({ length: rows }, (_, i) => -raw[i * width + input.recencyIndex]);
  const trainingRecencyAuc = auc(recency(training.raw, n), training.labels);
  const sign = trainingRecencyAuc >= 0.5 ? 1 : -1;
  const baselineAuc = auc(
    recency(validation.raw, validation.labels.length).map((v) => sign * v),
    validation.labels,
  );

  // tiers by rank on the validation people: high is the top 20 % of scores, medium the next 30 %, low the rest
  // (at least 1 point apart), so a tier means the same share of people whatever the base rate
  const sortedScores = validationP.map((p) => Math.round(100 * p)).sort((a, b) => a - b);
  const medium = Math.max(1, quantile(sortedScores, 0.5));
  const high = Math.max(medium + 1, quantile(sortedScores, 0.8));

  let verdict: Verdict;
  let summary: string;
  if (positives < MIN_POSITIVES) {
    verdict = "not_enough_data";
    summary = thin;
  } else if (interval.low <= baselineAuc || value <= baselineAuc + 0.01) {
    verdict = "no_better_than_baseline";
    summary = `not published: AUC ${fmt(value)} (95 % ${fmt(interval.low)}–${fmt(interval.high)}) does not beat recency alone (${fmt(baselineAuc)})`;
  } else if (value >= 0.7) {
    verdict = "good";
    summary = `good enough to target: AUC ${fmt(value)} (95 % ${fmt(interval.low)}–${fmt(interval.high)}) vs ${fmt(baselineAuc)} for recency alone`;
  } else {
    verdict = "weak";
    summary = `weak, use with care: AUC ${fmt(value)} (95 % ${fmt(interval.low)}–${fmt(interval.high)}) vs ${fmt(baselineAuc)} for recency alone`;
  }

  const artifact: ModelArtifact = {
    algorithm: "logistic_regression_l2",
    library: LIBRARY,
    features: specs,
    weights,
    intercept,
    calibration: model.calibration,
    tiers: { medium, high },
    params: { ...params },
  };
  const quality: ModelQuality = {
    auc: { value, ...interval },
    baselineAuc,
    calibration: calibrationBins(validationP, validation.labels),
    lift: { top10: lift(validationZ, validation.labels, 0.1), top20: lift(validationZ, validation.labels, 0.2) },
    classBalance: {
      examples: validation.labels.length,
      positives: validationPositives,
      rate: validationPositives / validation.labels.length,
    },
    training: { examples: n, positives, auc: trainingAuc },
    summary,
  };
  return { verdict, artifact, quality, summary };
}

const fmt = (v: number) => v.toFixed(3);
