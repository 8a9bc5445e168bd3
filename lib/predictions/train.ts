import "server-only";
import { z } from "zod";
import { type Queryable } from "@/lib/db/sql";
import { pgPool, withTransaction } from "@/lib/db/pool";
import type { Clock } from "@/lib/runtime/clock";
import { DAY_MS } from "@/lib/segments/evaluate";
import { CHANNELS, ENGAGEMENTS, EVENT_MEASURES, type FeatureDef } from "./features/catalog";
import { featureMatrix, peopleWhoDid, topEventNames, traitCatalog } from "./store/features";
import { loadPrediction, markTraining, type PredictionRow, storeModel } from "./store/models";
import { type Examples, fitModel } from "./training/fit-model";
import { ZChurnTarget, ZPropensityTarget } from "./types";

/**
 * Trains a prediction by time travel (issue #21):
 *
 *   validation cut-off V = now − N days: its label window [V, now) has fully happened;
 *   training cut-offs V − N, V − 2N, … (at most MAX_TRAINING_CUTOFFS, fewer once there are enough examples):
 *   their label windows end by V, so nothing of the validation period is learned.
 *
 * At each cut-off C, every person first seen before C (and in the audience now) is an example: features from rows
 * dated before C, label from [C, C + N). The model is published only if its verdict is "good" or "weak"; a
 * thrown error stores a "failed" model with the reason and leaves the live model serving.
 */

export const MAX_TRAINING_CUTOFFS = 6;
/** past this many training examples, older cut-offs add time but little accuracy */
export const ENOUGH_EXAMPLES = 250_000;
export const TOP_EVENTS = 15;

export type TrainOutcome =
  | { status: "skipped" }
  | { status: "published" | "rejected" | "failed"; modelId: string; version: number; summary: string };

/** The features of a workspace as of `before`: the busiest event names, engagement, traits with coverage. */
export async function featureCatalog(q: Queryable, workspaceId: string, before: Date): Promise<FeatureDef[]> {
  const names = await topEventNames(q, workspaceId, before, TOP_EVENTS);
  const defs: FeatureDef[] = [
    { kind: "all", measure: "days_since_last" },
    { kind: "all", measure: "count_30d" },
    { kind: "all", measure: "count_90d" },
    { kind: "all", measure: "trend_30d" },
    { kind: "monetary_90d" },
    { kind: "days_since_first_seen" },
  ];
  for (const eventName of names) for (const measure of EVENT_MEASURES) defs.push({ kind: "event", eventName, measure });
  for (const channel of CHANNELS)
    for (const engagement of ENGAGEMENTS) defs.push({ kind: "message", channel, engagement });
  defs.push(...(await traitCatalog(q, { workspaceId, before, minCoverage: 0.2, topValues: 5 })));
  defs.push({ kind: "has_timezone" }, { kind: "has_locale" });
  return defs;
}

/** The label of a person at a cut-off: did the target happen (propensity) / did none of the events (churn). */
function labelRule(prediction: PredictionRow) {
  if (prediction.kind === "churn") {
    const target = ZChurnTarget.parse(prediction.target);
    return { eventNames: target.eventNames, filters: [], positiveIfDid: false };
  }
  const target = ZPropensityTarget.parse(prediction.target);
  return { eventNames: [target.eventName], filters: target.filters, positiveIfDid: true };
}

async function examplesAt(
  q: Queryable,
  prediction: PredictionRow,
  features: FeatureDef[],
  cutoff: Date,
): Promise<Examples> {
  const rule = labelRule(prediction);
  const matrix = await featureMatrix(
    q,
    { workspaceId: prediction.workspaceId, cutoff, audienceSegmentId: prediction.audienceSegmentId },
    features,
  );
  const did = await peopleWhoDid(q, {
    workspaceId: prediction.workspaceId,
    from: cutoff,
    to: new Date(cutoff.getTime() + prediction.horizonDays * DAY_MS),
    eventNames: rule.eventNames,
    filters: rule.filters,
  });
  const labels = new Uint8Array(matrix.ids.length);
  matrix.ids.forEach((id, i) => {
    labels[i] = did.has(id) === rule.positiveIfDid ? 1 : 0;
  });
  return { raw: matrix.values, labels };
}

function concat(parts: Examples[]): Examples {
  const raw = new Float64Array(parts.reduce((s, p) => s + p.raw.length, 0));
  const labels = new Uint8Array(parts.reduce((s, p) => s + p.labels.length, 0));
  let r = 0;
  let l = 0;
  for (const p of parts) {
    raw.set(p.raw, r);
    labels.set(p.labels, l);
    r += p.raw.length;
    l += p.labels.length;
  }
  return { raw, labels };
}

/** Says what went wrong in words a marketer can read (the stack stays in the logs). */
function plainError(error: unknown): string {
  const message =
    error instanceof z.ZodError
      ? `the prediction's target is not valid (${error.issues.map((i) => `${i.path.join(".") || "target"}: ${i.message}`).join("; ")})`
      : error instanceof Error
        ? error.message
        : String(error);
  return `Training failed: ${message}`.slice(0, 1000);
}

export async function trainPrediction(
  workspaceId: string,
  predictionId: string,
  clock: Clock,
  q: Queryable = pgPool(),
): Promise<TrainOutcome> {
  const prediction = await loadPrediction(q, workspaceId, predictionId);
  if (!prediction) return { status: "skipped" };
  const started = clock();
  await markTraining(q, workspaceId, predictionId, started);
  const horizon = prediction.horizonDays * DAY_MS;
  const validationFrom = new Date(started.getTime() - horizon);
  const windows = { trainingFrom: validationFrom, trainingTo: validationFrom, validationFrom, validationTo: started };
  try {
    const features = await featureCatalog(q, workspaceId, validationFrom);
    // the validation examples are read beside the training cut-offs (each a statement that keeps a core busy)
    const validationRead = examplesAt(q, prediction, features, validationFrom);
    void validationRead.catch(() => undefined); // a cut-off's error is reported first; this one is awaited below
    const parts: Examples[] = [];
    let examples = 0;
    for (let k = 1; k <= MAX_TRAINING_CUTOFFS && examples < ENOUGH_EXAMPLES; k++) {
      const cutoff = new Date(validationFrom.getTime() - k * horizon);
      const part = await examplesAt(q, prediction, features, cutoff);
      if (!part.labels.length) break; // nobody existed yet: earlier cut-offs have nobody either
      parts.push(part);
      examples += part.labels.length;
      windows.trainingFrom = cutoff;
    }
    const validation = await validationRead;
    const training = concat(parts);
    const fit = await fitModel({ features, training, validation, recencyIndex: 0 });
    const status = fit.verdict === "good" || fit.verdict === "weak" ? "published" : "rejected";
    const stored = await withTransaction((client) =>
      storeModel(client, {
        workspaceId,
        predictionId,
        status,
        verdict: fit.verdict,
        ...windows,
        artifact: fit.artifact,
        quality: fit.quality,
        examples: training.labels.length,
        positives: training.labels.reduce((s, v) => s + v, 0),
        error: fit.quality ? null : fit.summary,
        durationMs: clock().getTime() - started.getTime(),
        trainedAt: clock(),
      }),
    );
    return { status, modelId: stored.id, version: stored.version, summary: fit.summary };
  } catch (error) {
    console.error(`[cairn] training prediction ${predictionId} failed:`, error);
    const why = plainError(error);
    const stored = await withTransaction((client) =>
      storeModel(client, {
        workspaceId,
        predictionId,
        status: "failed",
        verdict: "failed",
        ...windows,
        artifact: null,
        quality: null,
        examples: 0,
        positives: 0,
        error: why,
        durationMs: clock().getTime() - started.getTime(),
        trainedAt: clock(),
      }),
    );
    return { status: "failed", modelId: stored.id, version: stored.version, summary: why };
  }
}
