import { BROADCAST_SEND, BroadcastSendData, broadcastSendEvent, inngest, parseJob } from "@/lib/jobs";
import { nextRun, runBroadcast } from "@/lib/broadcasts/send/run-broadcast";
import { systemClock } from "@/lib/runtime/clock";

/**
 * One link of a broadcast's send chain (lib/broadcasts/send/run-broadcast.ts): up to ten seconds of batches, then
 * the next link now, after a sleep (a local send time, a throttle window, a retry's backoff), or none (paused,
 * cancelled, waiting for the winner, sent). Three steps per run at most, so a replay is cheap; the next event's id
 * comes from this run's name, so a retried run does not fork the chain.
 *
 * One link per broadcast at a time: a link already overlaps its batches (one sends while the next is claimed and
 * rendered), and the claim's SKIP LOCKED makes a second chain (a resume while a chain sleeps, the sweep's restart)
 * safe, never faster than the SMTP pool it shares.
 */
export const sendBroadcast = inngest.createFunction(
  {
    id: "send-broadcast",
    name: "Send a broadcast",
    retries: 3,
    concurrency: [{ limit: 1, key: "event.data.broadcastId" }],
    triggers: [{ event: BROADCAST_SEND }],
  },
  async ({ event, step }) => {
    const { broadcastId, run } = parseJob(BroadcastSendData, event);
    const { decision, totals } = await step.run("send", () => runBroadcast(broadcastId, systemClock));
    if (decision.next === "at") await step.sleepUntil("wait", decision.at);
    if (decision.next === "now" || decision.next === "at")
      await step.sendEvent("next", broadcastSendEvent(broadcastId, nextRun(run)));
    return { decision, totals };
  },
);
