import { claimDueEnrollments } from "@/lib/engine/wake";
import { advanceEvents, inngest } from "../client";

/**
 * Every minute on Inngest (its finest cron); every second on the embedded executor, which reads the
 * six-field form from CAIRN_WAKE_DUE_CRON. Claims due enrollments and asks for them to be advanced.
 */
export const WAKE_DUE_CRON = process.env.CAIRN_WAKE_DUE_CRON || "* * * * *";

export const wakeDue = inngest.createFunction(
  { id: "wake-due", name: "Wake due enrollments", retries: 2, concurrency: [{ limit: 1 }], triggers: [{ cron: WAKE_DUE_CRON }] },
  async ({ step }) => {
    let woken = 0;
    // A few rounds per tick, so a burst of delays ending together drains within the tick.
    for (let round = 0; round < 10; round++) {
      const ids = await step.run(`claim:${round}`, () => claimDueEnrollments(new Date()));
      if (!ids.length) break;
      await step.sendEvent(`advance:${round}`, advanceEvents(ids));
      woken += ids.length;
      if (ids.length < 2_000) break;
    }
    return { woken };
  },
);
