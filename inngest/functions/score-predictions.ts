import { pgPool } from "@/lib/db/pool";
import { inngest } from "@/lib/jobs";
import { rescoreChanged, scorePrediction } from "@/lib/predictions/score";
import { predictionsWithLiveModel } from "@/lib/predictions/store/models";
import { systemClock } from "@/lib/runtime/clock";
import { backgroundCron } from "./background-cron";
import { PREDICTION_SCORES_CHANGED } from "./dispatch-prediction-changes";

/** The daily full scoring: 04:00 UTC; CAIRN_PREDICTIONS_SCORE_CRON overrides. */
export const SCORE_PREDICTIONS_CRON = process.env.CAIRN_PREDICTIONS_SCORE_CRON?.trim() || "0 4 * * *";

/** The incremental rescoring: every minute on Inngest, every 30 s embedded; CAIRN_PREDICTIONS_RESCORE_CRON overrides. */
export const RESCORE_PREDICTIONS_CRON = backgroundCron(process.env, {
  variable: "CAIRN_PREDICTIONS_RESCORE_CRON",
  embedded: "*/30 * * * * *",
});

/**
 * Rescores every live prediction's audience once a day (people who left it lose their score), one step per
 * prediction so a retry redoes one prediction only, and the redo writes no change twice.
 */
export const scorePredictionsDaily = inngest.createFunction(
  {
    id: "score-predictions",
    name: "Score predictions daily",
    retries: 2,
    concurrency: [{ limit: 1 }],
    triggers: [{ cron: SCORE_PREDICTIONS_CRON }],
  },
  async ({ step }) => {
    const predictions = await step.run("list", () => predictionsWithLiveModel(pgPool(), 1000));
    let scored = 0;
    let changed = 0;
    for (const p of predictions) {
      const result = await step.run(`score:${p.id}`, () => scorePrediction(p.workspaceId, p.id, systemClock));
      scored += result.scored;
      changed += result.changed + result.dropped;
    }
    if (changed > 0) await step.sendEvent("scores-changed", { name: PREDICTION_SCORES_CHANGED, data: {} });
    return { predictions: predictions.length, scored, changed };
  },
);

/**
 * Between daily scorings, rescores the people whose events are newer than their score (lastSeenAt > scoredAt),
 * a bounded batch per prediction per tick: a person's score follows their activity within minutes.
 */
export const rescoreChangedPredictions = inngest.createFunction(
  {
    id: "rescore-changed-predictions",
    name: "Rescore people whose activity changed",
    retries: 2,
    concurrency: [{ limit: 1 }],
    triggers: [{ cron: RESCORE_PREDICTIONS_CRON }],
  },
  async ({ step }) => {
    const result = await step.run("rescore", async () => {
      let scored = 0;
      let changed = 0;
      for (const p of await predictionsWithLiveModel(pgPool(), 1000)) {
        const one = await rescoreChanged(p.workspaceId, p.id, systemClock, { limit: 2000 });
        scored += one.scored;
        changed += one.changed;
      }
      return { scored, changed };
    });
    if (result.changed > 0) await step.sendEvent("scores-changed", { name: PREDICTION_SCORES_CHANGED, data: {} });
    return result;
  },
);
