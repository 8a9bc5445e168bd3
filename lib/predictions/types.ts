import { z } from "zod";
import { ZPropertyFilter } from "@/lib/journeys/graph";

/**
 * The shapes every part of Predictions (#21) agrees on: what a prediction asks (stored in Prediction.target),
 * what a trained model is (PredictionModel.artifact), how good it is (PredictionModel.quality) and why a person
 * scored as they did (PredictionScore.reasons). Training (lib/predictions/train*), scoring, the pages and the
 * conditions that read scores all use these, so none of them guesses another's JSON.
 */

export const PREDICTION_KINDS = ["propensity", "churn"] as const;
export type PredictionKind = (typeof PREDICTION_KINDS)[number];

const ZEventName = z.string().trim().min(1, "is required").max(255, "has at most 255 characters");

/** propensity: "will the person do <eventName> (matching filters) in the next N days". */
export const ZPropensityTarget = z
  .object({ eventName: ZEventName, filters: z.array(ZPropertyFilter).max(10, "has at most 10 filters").default([]) })
  .strict();
/** churn: "will the person do none of <eventNames> in the next N days" (positive = churned). */
export const ZChurnTarget = z
  .object({
    eventNames: z
      .array(ZEventName)
      .min(1, "needs at least one event")
      .max(10, "has at most 10 events")
      .refine((names) => new Set(names).size === names.length, "lists each event once"),
  })
  .strict();
export type PropensityTarget = z.infer<typeof ZPropensityTarget>;
export type ChurnTarget = z.infer<typeof ZChurnTarget>;
export type PredictionTarget = PropensityTarget | ChurnTarget;

export const HORIZON_DAYS = { min: 1, max: 90 } as const;
/** A prediction's key: what Liquid (`profile.predictions.<key>`) and conditions name it by. */
export const ZPredictionKey = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, "must start with a letter and use only a–z, 0–9 and _ (at most 40)");

export const TIERS = ["low", "medium", "high"] as const;
export type Tier = (typeof TIERS)[number];

/** What the person looked like as of a cut-off, one number per feature, in ModelArtifact.features order. */
export type FeatureVector = Float64Array | number[];

export type FeatureSpec = {
  /** stable id, e.g. "events.Order Completed.count_30d", "trait.plan=pro", "recency_days" */
  name: string;
  /** what the profile page shows, e.g. "Order Completed in the last 30 days" */
  label: string;
  /** how the raw value is transformed before standardisation */
  transform: "identity" | "log1p";
  mean: number;
  std: number;
};

/** A trained model, enough to score without the training data. */
export type ModelArtifact = {
  algorithm: string;
  /** the library and version that trained it, e.g. "ml-logistic-regression@2.0.0" */
  library: string;
  features: FeatureSpec[];
  /** per standardised feature, then the intercept */
  weights: number[];
  intercept: number;
  /** maps the raw model output to a calibrated probability */
  calibration: { method: "platt"; a: number; b: number } | { method: "isotonic"; x: number[]; y: number[] };
  /** score cut points (0–100): below `medium` is low, from `high` up is high */
  tiers: { medium: number; high: number };
  /** the hyperparameters it was trained with, e.g. { l2: 1, epochs: 200 } */
  params: Record<string, number | string>;
};

export type Verdict = "good" | "weak" | "not_enough_data" | "no_better_than_baseline" | "failed";

export type ModelQuality = {
  /** AUC on the held-out (latest) period with a 95 % interval */
  auc: { value: number; low: number; high: number };
  /** the recency-only baseline's AUC on the same examples */
  baselineAuc: number;
  /** predicted vs observed rate per bin of predicted probability */
  calibration: { predicted: number; observed: number; count: number }[];
  /** positive rate in the top decile / top 20 % divided by the overall rate */
  lift: { top10: number; top20: number };
  classBalance: { examples: number; positives: number; rate: number };
  /** the same numbers for the training examples, to show overfitting */
  training: { examples: number; positives: number; auc: number };
  /** plain words for the verdict, e.g. "not enough data: 12 positive examples, need 50" */
  summary: string;
};

export type ScoreReason = {
  feature: string;
  label: string;
  /** the person's raw value */
  value: number;
  /** its contribution to the log-odds against the average person (positive raises the score) */
  contribution: number;
};
