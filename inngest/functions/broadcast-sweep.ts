import { sweepBroadcasts } from "@/lib/broadcasts/send/sweep-broadcasts";
import { broadcastSendEvent, inngest } from "@/lib/jobs";
import { systemClock } from "@/lib/runtime/clock";
import { WAKE_DUE_CRON } from "./wake-due";

/**
 * Starts scheduled broadcasts whose time came and restarts sending ones whose chain went quiet (a crash between
 * links), on the same tick as deliver-due. See lib/broadcasts/send/sweep-broadcasts.ts.
 */
export const broadcastSweep = inngest.createFunction(
  {
    id: "broadcast-sweep",
    name: "Start due broadcasts and restart stalled ones",
    retries: 2,
    concurrency: [{ limit: 1 }],
    triggers: [{ cron: WAKE_DUE_CRON }],
  },
  async ({ step }) => {
    const { started, restarted } = await step.run("sweep", () => sweepBroadcasts(systemClock));
    const links = [...started, ...restarted];
    if (links.length)
      await step.sendEvent(
        "start",
        links.map(({ broadcastId, run }) => broadcastSendEvent(broadcastId, run)),
      );
    return { started: started.length, restarted: restarted.length };
  },
);
