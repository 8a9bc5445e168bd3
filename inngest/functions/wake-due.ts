import { advanceMany } from "@/lib/engine/advance";
import { claimDueEnrollments } from "@/lib/engine/wake";
import { advanceEvents, inngest, messageQueuedEvents } from "../client";

/**
 * Every minute on Inngest (its finest cron); every second on the embedded executor, which reads the
 * six-field form from CAIRN_WAKE_DUE_CRON. Claims due enrollments and walks them to their next wait;
 * those that reach a webhook continue in advance-enrollment.
 */
export const WAKE_DUE_CRON = process.env.CAIRN_WAKE_DUE_CRON || "* * * * *";
const CLAIM = 500;

export const wakeDue = inngest.createFunction(
  { id: "wake-due", name: "Wake due enrollments", retries: 2, concurrency: [{ limit: 1 }], triggers: [{ cron: WAKE_DUE_CRON }] },
  async ({ step }) => {
    let woken = 0;
    // A few rounds per tick, so a burst of delays ending together drains within the tick.
    for (let round = 0; round < 20; round++) {
      const result = await step.run(`wake:${round}`, async () => {
        const now = new Date();
        const ids = await claimDueEnrollments(now, CLAIM);
        return { claimed: ids.length, ...(await advanceMany(ids, now)) };
      });
      if (result.needWebhook.length) await step.sendEvent(`advance:${round}`, advanceEvents(result.needWebhook.map((webhook) => ({ enrollmentId: webhook.enrollmentId, webhook }))));
      if (result.queuedMessageIds.length) await step.sendEvent(`messages:${round}`, messageQueuedEvents(result.queuedMessageIds));
      woken += result.claimed;
      if (result.claimed < CLAIM) break;
    }
    return { woken };
  },
);
