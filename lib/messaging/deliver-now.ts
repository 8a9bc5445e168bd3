import { forEachAtMost } from "../runtime/at-most";
import { deliverMessage } from "./delivery";

/** How many of a walk's messages are delivered at once (each holds a pooled connection while it decides). */
const AT_ONCE = 16;

/**
 * Delivers the messages a batch walk just queued, in the walk's own call, instead of one deliver-message run
 * each: a wake-up of 200 people a second whose next step is an email would otherwise be 200 runs a second,
 * each a round trip from Inngest to the app, and that queue of runs made the next delays fire seconds late
 * (bench:engine). Each message is still delivered exactly once: `deliverMessage` claims it (the claim commits
 * with the checks) before the provider call, as deliver-message does.
 *
 * Returns the ids to hand to deliver-message as before: the ones whose delivery threw (the database or the
 * code failed; Inngest's retries take over). Every other outcome is settled here or due later: sent,
 * suppressed, failed and bounced are final; delayed (quiet hours) and retry (a provider's backoff) keep the
 * message QUEUED with its sendAfter, and deliver-due hands it back: at the end of quiet hours for a message
 * never attempted, SWEEP_GRACE_MS after a backoff (lib/messaging/delivery.ts: no run retries these, but the
 * sweep cannot tell them from those a run does); busy means another sender holds the claim and finishes it.
 */
export async function deliverQueuedNow(messageIds: string[]): Promise<string[]> {
  const handOff: string[] = [];
  await forEachAtMost(messageIds, AT_ONCE, async (id) => {
    try {
      await deliverMessage(id);
    } catch (error) {
      console.error(`[cairn] delivering message ${id} in the walk failed; deliver-message retries it:`, (error as Error).message);
      handOff.push(id);
    }
  });
  return handOff;
}
