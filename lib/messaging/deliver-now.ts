import { forEachAtMost } from "../runtime/at-most";
import { systemClock } from "../runtime/clock";
import { deliverMessage } from "./delivery";
import type { DeliveryMessage } from "./store/deliveries";

/** How many of a walk's messages are delivered at once (each holds a pooled connection while it decides). */
const AT_ONCE = 16;

/**
 * Delivers the messages a batch walk just queued, in the walk's own call, instead of one deliver-message run
 * each: a wake-up of 200 people a second whose next step is an email would otherwise be 200 runs a second,
 * each a round trip from Inngest to the app, and that queue of runs made the next delays fire seconds late
 * (bench:engine). Each message is still delivered exactly once: `deliverMessage` claims it (the claim commits
 * with the checks) before the provider call, as deliver-message does.
 *
 * Returns the ids to hand to deliver-message: the ones whose delivery threw (the database or the code failed;
 * Inngest's retries take over), and the ones a provider refused for now (a retry's backoff, or quiet hours
 * after an attempt): deliver-message finds those delayed and waits until they are due, so each retry has a run
 * that makes it on time, as a message queued through deliver-message has; without one, deliver-due's sweep
 * would be the retry, SWEEP_GRACE_MS late (lib/messaging/delivery.ts). Every other outcome is settled here or
 * due later: sent, suppressed, failed and bounced are final; delayed by quiet hours before any attempt keeps
 * the message QUEUED with its sendAfter, and deliver-due hands it back when quiet hours end; busy means another
 * sender holds the claim and finishes it.
 *
 * `queued` holds messages as their sender just stored them (a transactional send), whose first read it spares.
 *
 * The messages are committed before this runs, with no run behind them: if the app dies before a message is
 * claimed here, deliver-due hands it to deliver-message once it has been left untouched for UNCLAIMED_GRACE_MS
 * (lib/messaging/delivery.ts). A walk slower than that races the handed-over run harmlessly: the claim decides.
 */
export async function deliverQueuedNow(
  messageIds: string[],
  queued: ReadonlyMap<string, DeliveryMessage> = new Map(),
): Promise<string[]> {
  const handOff: string[] = [];
  await forEachAtMost(messageIds, AT_ONCE, async (id) => {
    try {
      const result = await deliverMessage(id, systemClock, queued.get(id));
      if (result.outcome === "retry" || (result.outcome === "delayed" && result.afterAttempt)) handOff.push(id);
    } catch (error) {
      console.error(
        `[cairn] delivering message ${id} in the walk failed; deliver-message retries it:`,
        (error as Error).message,
      );
      handOff.push(id);
    }
  });
  return handOff;
}
