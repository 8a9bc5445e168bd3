import { advanceThroughWebhooks } from "@/lib/engine/webhook-batch";
import { systemClock } from "@/lib/runtime/clock";
import { claimDueEnrollments } from "@/lib/engine/wake";
import { deliverQueuedNow } from "@/lib/messaging/deliver-now";
import { inngest } from "../client";
import { sendWalkFollowUps } from "./walk-follow-ups";

/**
 * Every minute on Inngest (its finest cron); every second on the embedded executor, which reads the
 * six-field form from CAIRN_WAKE_DUE_CRON. Claims due enrollments and walks them to their next wait;
 * the webhook calls they reach on the way are made in the same step (lib/engine/webhook-batch.ts), and the
 * messages they queue are delivered there (lib/messaging/deliver-now.ts).
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
        const walked = await advanceThroughWebhooks(ids, systemClock);
        // Messages are delivered in the step too; only those that could not be go to deliver-message.
        return { claimed: ids.length, ...walked, queuedMessageIds: await deliverQueuedNow(walked.queuedMessageIds) };
      });
      await sendWalkFollowUps(step, result, `:${round}`);
      woken += result.claimed;
      if (result.claimed < CLAIM) break;
    }
    return { woken };
  },
);
