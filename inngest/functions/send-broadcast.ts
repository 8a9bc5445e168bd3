import { RetryAfterError } from "inngest";
import { nextRun, runBroadcast } from "@/lib/broadcasts/send/run-broadcast";
import { BROADCAST_SEND, BroadcastSendData, broadcastSendEvent, inngest, parseJob } from "@/lib/jobs";
import { systemClock } from "@/lib/runtime/clock";

/**
 * One link of a broadcast's send chain (lib/broadcasts/send/run-broadcast.ts): up to ten seconds of batches, then
 * the next link now, after a wait (a local send time, a throttle window, a retry's backoff), or none (paused,
 * cancelled, waiting for the winner, sent). Two steps per run, so a replay is cheap; the next event's id comes
 * from this run's name, so a retried run does not fork the chain.
 *
 * The wait is a retry at the moment (RetryAfterError), as deliver-message waits for a backoff: the embedded
 * executor has no step.sleep, and the memoized "send" step is not run again, so the retry only sends the next
 * link. Each run waits at most once, hence a retry more than the send itself needs.
 *
 * One link per broadcast at a time: a link already overlaps its batches (one sends while the next is claimed and
 * rendered), and the claim's SKIP LOCKED makes a second chain (a resume while a chain waits, the sweep's restart)
 * safe, never faster than the SMTP pool it shares.
 */
export const sendBroadcast = inngest.createFunction(
  {
    id: "send-broadcast",
    name: "Send a broadcast",
    retries: 4,
    concurrency: [{ limit: 1, key: "event.data.broadcastId" }],
    triggers: [{ event: BROADCAST_SEND }],
  },
  async ({ event, step }) => {
    const { broadcastId, run } = parseJob(BroadcastSendData, event);
    const { decision, totals } = await step.run("send", () => runBroadcast(broadcastId, systemClock));
    if (decision.next === "at" && Date.parse(decision.at) > Date.now())
      throw new RetryAfterError(`Nothing due before ${decision.at}`, new Date(decision.at));
    if (decision.next === "now" || decision.next === "at")
      await step.sendEvent("next", broadcastSendEvent(broadcastId, nextRun(run)));
    return { decision, totals };
  },
);
