import { decideDueWinners } from "@/lib/broadcasts/results/decide-winner";
import { broadcastSendEvent, inngest } from "@/lib/jobs";
import { WAKE_DUE_CRON } from "./wake-due";

/**
 * On the wake-due cron (a minute on Inngest, a second on the embedded executor): decides the winner of every
 * broadcast whose winner test is due (lib/broadcasts/results/decide-winner.ts) and sends each one's next link of
 * the send chain, which materializes and sends the rest. The sending is a step of its own, so a run that stopped
 * after the decision sends it on its retry; the event id makes a repeat a no-op.
 */
export const decideBroadcastWinners = inngest.createFunction(
  {
    id: "decide-broadcast-winners",
    name: "Decide broadcast winners",
    retries: 2,
    concurrency: [{ limit: 1 }],
    triggers: [{ cron: WAKE_DUE_CRON }],
  },
  async ({ event, step }) => {
    // The tick's own time (the body runs again on every call of the run, so not Date.now()).
    const tickAt = typeof event?.ts === "number" ? event.ts : Date.now();
    const decided = await step.run("decide", () => decideDueWinners(new Date(tickAt)));
    if (decided.length)
      await step.sendEvent(
        "send-rest",
        decided.map((d) => broadcastSendEvent(d.broadcastId, "winner")),
      );
    return { decided: decided.length };
  },
);
