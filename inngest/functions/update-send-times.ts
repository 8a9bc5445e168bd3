import { inngest } from "@/lib/jobs";
import { systemClock } from "@/lib/runtime/clock";
import { updateSendTimes } from "@/lib/send-time/fold-engagements";
import { backgroundCron } from "./background-cron";

/** Every minute on Inngest, every 30 s embedded; CAIRN_SEND_TIMES_CRON overrides. */
export const UPDATE_SEND_TIMES_CRON = backgroundCron(process.env, {
  variable: "CAIRN_SEND_TIMES_CRON",
  embedded: "*/30 * * * * *",
});

/**
 * Folds the engagement events since each workspace's cursor into its people's hours of engagement and the
 * workspace's pattern (lib/send-time/fold-engagements.ts), which the journeys' "best time" steps read. One run at a
 * time (each workspace's row lock serialises batches anyway); at most 10 batches per workspace per run.
 */
export const updateSendTimesFn = inngest.createFunction(
  {
    id: "update-send-times",
    name: "Update best send times",
    retries: 2,
    concurrency: [{ limit: 1 }],
    triggers: [{ cron: UPDATE_SEND_TIMES_CRON }],
  },
  async ({ step }) =>
    step.run("fold", async () => {
      const done = await updateSendTimes(systemClock, { maxBatches: 10 });
      return { ...done };
    }),
);
