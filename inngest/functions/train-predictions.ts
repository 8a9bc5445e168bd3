import { inngest, PREDICTION_TRAIN_REQUESTED, PredictionTrainRequestedData, parseJob } from "@/lib/jobs";
import { pgPool } from "@/lib/db/pool";
import { requestTraining } from "@/lib/predictions/request-training";
import { scorePrediction } from "@/lib/predictions/score";
import { predictionsDueForTraining } from "@/lib/predictions/store/models";
import { trainPrediction } from "@/lib/predictions/train";
import { systemClock } from "@/lib/runtime/clock";
import { PREDICTION_SCORES_CHANGED } from "./dispatch-prediction-changes";

/** When the retraining sweep runs: daily at 03:00 UTC; CAIRN_PREDICTIONS_RETRAIN_CRON overrides. */
export const RETRAIN_PREDICTIONS_CRON = process.env.CAIRN_PREDICTIONS_RETRAIN_CRON?.trim() || "0 3 * * *";

/**
 * Trains one prediction (lib/predictions/train.ts), then scores its audience with the model if it was published.
 * One run per prediction at a time. Each step is safe to retry: a retried training stores one more version at
 * most (never publishes two at once: the prediction's row lock orders them), and a retried scoring with the same
 * model writes no change twice (lib/predictions/score.ts).
 */
export const trainPredictionFn = inngest.createFunction(
  {
    id: "train-prediction",
    name: "Train a prediction",
    retries: 1,
    concurrency: [{ limit: 1, key: "event.data.predictionId" }],
    triggers: [{ event: PREDICTION_TRAIN_REQUESTED }],
  },
  async ({ event, step }) => {
    const { workspaceId, predictionId } = parseJob(PredictionTrainRequestedData, event);
    const trained = await step.run("train", () => trainPrediction(workspaceId, predictionId, systemClock));
    if (trained.status !== "published") return { trained };
    const scored = await step.run("score", () => scorePrediction(workspaceId, predictionId, systemClock));
    // segments and tier journeys follow the new scores now, not at the dispatcher's next tick
    if (scored.changed + scored.dropped > 0)
      await step.sendEvent("scores-changed", { name: PREDICTION_SCORES_CHANGED, data: {} });
    return { trained, scored };
  },
);

/** The retraining schedule: every prediction whose model is older than its retrainEveryDays is queued. */
export const retrainPredictions = inngest.createFunction(
  {
    id: "retrain-predictions",
    name: "Retrain predictions on schedule",
    retries: 2,
    concurrency: [{ limit: 1 }],
    triggers: [{ cron: RETRAIN_PREDICTIONS_CRON }],
  },
  async ({ step }) =>
    step.run("queue-due", async () => {
      const due = await predictionsDueForTraining(pgPool(), systemClock(), 500);
      for (const p of due) await requestTraining(p.workspaceId, p.id, systemClock);
      return { queued: due.length };
    }),
);
