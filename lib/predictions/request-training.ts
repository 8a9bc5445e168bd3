import { db } from "@/lib/db/client";
import {
  inngest,
  isInngestConfigured,
  PREDICTION_TRAIN_REQUESTED,
  type PredictionTrainRequestedData,
} from "@/lib/jobs";
import type { Clock } from "@/lib/runtime/clock";

/**
 * Asks for a prediction to be trained (and then scored) in the background: marks it "queued" so the page shows
 * the request at once, and sends PREDICTION_TRAIN_REQUESTED for inngest/functions/train-predictions.ts. A
 * prediction already queued or training is left as it is (its run will pick up the current definition), and
 * no event is sent twice for it. Another workspace's id behaves as "not found": nothing happens.
 */
export async function requestTraining(workspaceId: string, predictionId: string, clock: Clock): Promise<void> {
  const queued = await db().prediction.updateMany({
    where: { id: predictionId, workspaceId, archivedAt: null, trainingStatus: { notIn: ["queued", "training"] } },
    data: { trainingStatus: "queued", trainingError: null, updatedAt: clock() },
  });
  if (queued.count === 0 || process.env.CAIRN_BACKGROUND_JOBS === "off") return;
  if (isInngestConfigured()) {
    await inngest.send({
      name: PREDICTION_TRAIN_REQUESTED,
      data: { workspaceId, predictionId } satisfies PredictionTrainRequestedData,
    });
  }
}
