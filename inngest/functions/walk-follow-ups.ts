import type { GetStepTools } from "inngest";
import type { AdvanceManyResult } from "@/lib/engine/advance";
import { callWebhooksAndWalkOn } from "@/lib/engine/webhook-batch";
import { markDispatched } from "@/lib/segments/membership";
import { advanceEvents, type inngest, messageQueuedEvents, segmentChangedEvents } from "../client";

type StepTools = GetStepTools<typeof inngest>;

/** Webhook passes one run makes before handing the rest to advance-enrollment (a journey that loops on webhooks). */
const WEBHOOK_PASSES = 20;

/**
 * What every function that walks enrollments does afterwards, each as a step of its own so a retry repeats
 * nothing:
 *   - the webhook calls the walks stopped at, made together in one step per pass, each pass walking those people
 *     on to their next wait (lib/engine/webhook-batch.ts); a call another worker is making, and whatever is left
 *     after WEBHOOK_PASSES, go on in advance-enrollment;
 *   - the messages queued (cairn/message.queued, for deliver-message);
 *   - the segment entries and exits that profile updates caused (cairn/segment.changed, so journeys that start on
 *     a segment hear of them now rather than at the segment-checks sweep, which announces what a crash left
 *     unannounced).
 * `suffix` keeps the step ids unique when a function walks several rounds.
 */
export async function sendWalkFollowUps(step: StepTools, walked: Pick<AdvanceManyResult, "needWebhook" | "queuedMessageIds" | "segmentRanges">, suffix = ""): Promise<void> {
  const queuedMessageIds = [...walked.queuedMessageIds];
  const segmentRanges = [...walked.segmentRanges];
  const handOff: AdvanceManyResult["needWebhook"] = [];
  let pending = walked.needWebhook;
  for (let pass = 1; pending.length && pass <= WEBHOOK_PASSES; pass++) {
    const targets = pending;
    const called = await step.run(`webhooks${suffix}:${pass}`, () => callWebhooksAndWalkOn(targets, () => new Date()));
    queuedMessageIds.push(...called.queuedMessageIds);
    segmentRanges.push(...called.segmentRanges);
    handOff.push(...called.busy);
    pending = called.needWebhook;
  }
  handOff.push(...pending);
  if (handOff.length) await step.sendEvent(`advance${suffix}`, advanceEvents(handOff.map((webhook) => ({ enrollmentId: webhook.enrollmentId, webhook }))));
  if (queuedMessageIds.length) await step.sendEvent(`messages${suffix}`, messageQueuedEvents(queuedMessageIds));
  if (segmentRanges.length) {
    await step.sendEvent(`segments${suffix}`, segmentChangedEvents(segmentRanges));
    await step.run(`segments-announced${suffix}`, () => markDispatched(segmentRanges, new Date()));
  }
}
