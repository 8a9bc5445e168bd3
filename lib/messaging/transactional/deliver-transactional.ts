import { inngest, isInngestConfigured, messageQueuedEvents } from "../../jobs";
import { deliverQueuedNow } from "../deliver-now";
import type { DeliveryMessage } from "../store/deliveries";

/**
 * Delivers a transactional message the moment its request is answered, in this process (a hop through Inngest
 * would cost the caller a round trip and a queue: the target is the SMTP server holding it within 300 ms). It is
 * the walk's pattern (lib/messaging/deliver-now.ts): the message is committed first, `deliverMessage` claims it
 * before the provider call, and one that a provider refused for now (or whose delivery threw) is handed to
 * deliver-message, whose retries and backoff take over. If this process dies before the claim, the due sweep hands
 * the message to deliver-message once it has sat untouched for UNCLAIMED_GRACE_MS (lib/messaging/delivery.ts).
 */
export async function deliverTransactionalNow(message: DeliveryMessage): Promise<void> {
  // the message as the request stored it: delivery reads it again only under its lock
  const handOff = await deliverQueuedNow([message.id], new Map([[message.id, message]]));
  if (!handOff.length || !isInngestConfigured()) return;
  try {
    await inngest.send(messageQueuedEvents(handOff));
  } catch (error) {
    // the due sweep hands it over after its backoff (or the unclaimed grace)
    console.warn("[cairn] could not send message.queued; deliver-due will hand it over:", (error as Error).message);
  }
}

/**
 * Runs `deliver` once the response is on its way: Next's `after()` inside a request, else (a plain node:http
 * server calling the route, as the benchmark does) a promise of its own. Nothing when background jobs are off
 * (CAIRN_BACKGROUND_JOBS=off: tests deliver explicitly, with their clock).
 */
export function afterResponse(run: (task: () => Promise<void>) => void, deliver: () => Promise<void>): void {
  if (process.env.CAIRN_BACKGROUND_JOBS === "off") return;
  const task = () =>
    deliver().catch((error) => console.error("[cairn] delivering a transactional message failed:", error));
  try {
    run(task);
  } catch {
    // outside a Next request scope `after` throws: this process stays up, so the promise runs to its end
    void task();
  }
}
