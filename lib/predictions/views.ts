import { z } from "zod";
import type { ModelRow, PredictionRow } from "./store/prediction-store";
import type { ModelQuality, PredictionKind, PredictionTarget, Verdict } from "./types";

/**
 * A prediction as the list, its page and the API show it: the definition, the training state, the live model's
 * verdict and AUC, and (on its page) the live model's full quality, the history of trainings and how many people
 * hold each tier. Stored JSON (target, quality) is read through schemas, so a malformed row shows as missing
 * rather than breaking the page.
 */

export type TrainingStatus = "idle" | "queued" | "training" | "failed";

export interface LiveModelSummary {
  id: string;
  version: number;
  verdict: Verdict;
  /** held-out AUC, null when the model has no quality recorded */
  auc: number | null;
  trainedAt: string;
}

export interface PredictionSummary {
  id: string;
  key: string;
  name: string;
  kind: PredictionKind;
  target: PredictionTarget;
  horizonDays: number;
  audience: { segmentId: string; name: string | null } | null;
  retrainEveryDays: number;
  trainingStatus: TrainingStatus;
  /** why the newest training failed (the live model keeps serving) */
  trainingError: string | null;
  trainingStartedAt: string | null;
  lastTrainedAt: string | null;
  lastScoredAt: string | null;
  archived: boolean;
  live: LiveModelSummary | null;
  createdBy: string;
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface ModelVersionView {
  id: string;
  version: number;
  status: "published" | "rejected" | "failed";
  verdict: Verdict;
  /** the verdict in plain words (ModelQuality.summary, or the failure's reason) */
  summary: string;
  auc: { value: number; low: number; high: number } | null;
  baselineAuc: number | null;
  examples: number;
  positives: number;
  error: string | null;
  durationMs: number;
  trainingWindow: { from: string; to: string };
  validationWindow: { from: string; to: string };
  trainedAt: string;
}

export interface PredictionDetail extends PredictionSummary {
  /** the quality of the model that serves now */
  quality: ModelQuality | null;
  /** the serving model's windows and numbers, as in `models` */
  liveModel: ModelVersionView | null;
  /** every training, newest first (at most HISTORY_LIMIT) */
  models: ModelVersionView[];
  /** people scored now, per tier */
  tiers: { low: number; medium: number; high: number };
  /**
   * A newly published model is scoring its audience (it scores right after training): the page waits for it, but
   * only for SCORING_WAIT_MS after the training, so a scoring that never ends does not keep it waiting.
   */
  scoringPending: boolean;
}

export const SCORING_WAIT_MS = 30 * 60_000;

export const HISTORY_LIMIT = 100;

const VERDICTS = ["good", "weak", "not_enough_data", "no_better_than_baseline", "failed"] as const;
const ZVerdict = z.enum(VERDICTS).catch("failed");
const ZStatus = z.enum(["published", "rejected", "failed"]).catch("failed");
const ZTrainingStatus = z.enum(["idle", "queued", "training", "failed"]).catch("idle");

const finite = z.number().refine(Number.isFinite);
/** ModelQuality as training writes it (lib/predictions/types.ts). */
const ZModelQuality = z.object({
  auc: z.object({ value: finite, low: finite, high: finite }),
  baselineAuc: finite,
  calibration: z.array(z.object({ predicted: finite, observed: finite, count: finite })),
  lift: z.object({ top10: finite, top20: finite }),
  classBalance: z.object({ examples: finite, positives: finite, rate: finite }),
  training: z.object({ examples: finite, positives: finite, auc: finite }),
  summary: z.string(),
});

export function parseQuality(value: unknown): ModelQuality | null {
  const parsed = ZModelQuality.safeParse(value);
  return parsed.success ? parsed.data : null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function summaryView(row: PredictionRow): PredictionSummary {
  const quality = parseQuality(row.liveQuality);
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    kind: row.kind === "churn" ? "churn" : "propensity",
    target: row.target as PredictionTarget,
    horizonDays: row.horizonDays,
    audience: row.audienceSegmentId ? { segmentId: row.audienceSegmentId, name: row.audienceSegmentName } : null,
    retrainEveryDays: row.retrainEveryDays,
    trainingStatus: ZTrainingStatus.parse(row.trainingStatus),
    trainingError: row.trainingError,
    trainingStartedAt: iso(row.trainingStartedAt),
    lastTrainedAt: iso(row.lastTrainedAt),
    lastScoredAt: iso(row.lastScoredAt),
    archived: row.archivedAt !== null,
    live:
      row.liveModelId && row.liveVersion !== null && row.liveTrainedAt
        ? {
            id: row.liveModelId,
            version: row.liveVersion,
            verdict: ZVerdict.parse(row.liveVerdict),
            auc: quality?.auc.value ?? null,
            trainedAt: row.liveTrainedAt.toISOString(),
          }
        : null,
    createdBy: row.createdByLabel,
    updatedBy: row.updatedByLabel,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function modelView(row: ModelRow): ModelVersionView {
  const quality = parseQuality(row.quality);
  return {
    id: row.id,
    version: row.version,
    status: ZStatus.parse(row.status),
    verdict: ZVerdict.parse(row.verdict),
    summary: quality?.summary ?? row.error ?? "",
    auc: quality?.auc ?? null,
    baselineAuc: quality?.baselineAuc ?? null,
    examples: row.examples,
    positives: row.positives,
    error: row.error,
    durationMs: row.durationMs,
    trainingWindow: { from: row.trainingFrom.toISOString(), to: row.trainingTo.toISOString() },
    validationWindow: { from: row.validationFrom.toISOString(), to: row.validationTo.toISOString() },
    trainedAt: row.trainedAt.toISOString(),
  };
}

export function detailView(
  row: PredictionRow,
  models: ModelRow[],
  tiers: Record<string, number>,
  now: Date,
): PredictionDetail {
  const live = models.find((m) => m.id === row.liveModelId);
  const trainedAt = row.liveTrainedAt?.getTime();
  return {
    ...summaryView(row),
    quality: parseQuality(row.liveQuality),
    liveModel: live ? modelView(live) : null,
    models: models.map(modelView),
    tiers: { low: tiers.low ?? 0, medium: tiers.medium ?? 0, high: tiers.high ?? 0 },
    scoringPending:
      trainedAt !== undefined &&
      (!row.lastScoredAt || row.lastScoredAt.getTime() < trainedAt) &&
      trainedAt > now.getTime() - SCORING_WAIT_MS,
  };
}
