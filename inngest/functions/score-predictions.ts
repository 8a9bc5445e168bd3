import { pgPool } from "@/lib/db/pool";
import { inngest } from "@/lib/jobs";
import { rescoreChanged, scorePrediction } from "@/lib/predictions/score";
import { predictionsWithLiveModel } from "@/lib/predictions/store/models";
import { systemClock } from "@/lib/runtime/clock";
import { backgroundCron } from "./background-cron";

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
    for (const p of predictions) {
      const result = await step.run(`score:${p.id}`, () => scorePrediction(p.workspaceId, p.id, systemClock));
      scored += result.scored;
    }
    return { predictions: predictions.length, scored };
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
  async ({ step }) =>
    step.run("rescore", async () => {
      let scored = 0;
      for (const p of await predictionsWithLiveModel(pgPool(), 1000))
        scored += (await rescoreChanged(p.workspaceId, p.id, systemClock, { limit: 2000 })).scored;
      return { scored };
    }),
);
