import { db } from "@/lib/db/client";
import {
  inngest,
  isInngestConfigured,
  PREDICTION_TRAIN_REQUESTED,
  type PredictionTrainRequestedData,
} from "@/lib/jobs";
import type { Clock } from "@/lib/runtime/clock";

/** A training still "queued" or "training" after this long was lost (a crashed process): it may be asked again. */
export const LOST_TRAINING_MS = 60 * 60_000;

/**
 * Asks for a prediction to be trained (and then scored) in the background: marks it "queued" so the page shows
 * the request at once, and sends PREDICTION_TRAIN_REQUESTED for inngest/functions/train-predictions.ts (without
 * Inngest, trains in this process). A prediction already queued or training is left as it is (its run reads the
 * current definition), so no second run starts for it, unless that run was lost (LOST_TRAINING_MS). Another
 * workspace's id behaves as "not found": nothing happens.
 */
export async function requestTraining(workspaceId: string, predictionId: string, clock: Clock): Promise<void> {
  const now = clock();
  const lost = new Date(now.getTime() - LOST_TRAINING_MS);
  const queued = await db().prediction.updateMany({
    where: {
      id: predictionId,
      workspaceId,
      archivedAt: null,
      OR: [
        { trainingStatus: { notIn: ["queued", "training"] } },
        { updatedAt: { lt: lost }, OR: [{ trainingStartedAt: null }, { trainingStartedAt: { lt: lost } }] },
      ],
    },
    data: { trainingStatus: "queued", trainingError: null, updatedAt: now },
  });
  if (queued.count === 0 || process.env.CAIRN_BACKGROUND_JOBS === "off") return;
  if (isInngestConfigured()) {
    await inngest.send({
      name: PREDICTION_TRAIN_REQUESTED,
      data: { workspaceId, predictionId } satisfies PredictionTrainRequestedData,
    });
    return;
  }
  void (async () => {
    const { trainPrediction } = await import("./train");
    const { scorePrediction } = await import("./score");
    const trained = await trainPrediction(workspaceId, predictionId, clock);
    if (trained.status === "published") await scorePrediction(workspaceId, predictionId, clock);
  })().catch((error) => console.error(`[cairn] training prediction ${predictionId} failed:`, error));
}
