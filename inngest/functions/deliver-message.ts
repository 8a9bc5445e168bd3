import { RetryAfterError } from "inngest";
import { deliverMessage, MAX_ATTEMPTS } from "@/lib/messaging/delivery";
import { inngest, MESSAGE_QUEUED, MessageQueuedData, parseJob } from "@/lib/jobs";

/**
 * Delivers one queued message (lib/messaging/delivery.ts: render → checks → send → record). The side
 * effect is guarded by the message's claim, so a replayed event or a retried run sends at most once;
 * a retryable provider error is thrown so Inngest retries when the message's own backoff (its sendAfter, which
 * the due sweep also honours if this run is lost) has passed: an earlier retry would find it not yet due. A
 * message already tried elsewhere (in a walk, lib/messaging/deliver-now.ts) arrives delayed by its backoff,
 * and the run waits for it the same way, so its retry is on time too.
 *
 * No step: the claim already makes the work safe to repeat, and a step would only memoize it at the price of
 * a second call to the app per message (a journey sending 200 emails a second is 200 runs a second).
 */
export const deliverMessageFn = inngest.createFunction(
  {
    id: "deliver-message",
    name: "Deliver a message",
    retries: MAX_ATTEMPTS,
    concurrency: [{ limit: 1, key: "event.data.messageId" }],
    triggers: [{ event: MESSAGE_QUEUED }],
  },
  async ({ event }) => {
    const { messageId } = parseJob(MessageQueuedData, event);
    const result = await deliverMessage(messageId);
    if (result.outcome === "busy")
      throw new RetryAfterError("Another sender holds this message", Math.max(1_000, result.retryAfterMs));
    if (result.outcome === "retry")
      throw new RetryAfterError(`Attempt ${result.attempt}: ${result.reason}`, new Date(result.retryAt));
    if (result.outcome === "delayed" && result.afterAttempt)
      throw new RetryAfterError(`Not yet due: ${result.reason}`, new Date(result.until));
    return result;
  },
);
