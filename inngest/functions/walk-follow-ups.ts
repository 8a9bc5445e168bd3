import type { GetStepTools } from "inngest";
import type { AdvanceManyResult } from "@/lib/engine/advance";
import { markDispatched } from "@/lib/segments/membership";
import { advanceEvents, type inngest, messageQueuedEvents, segmentChangedEvents } from "../client";

type StepTools = GetStepTools<typeof inngest>;

/**
 * What every function that walks enrollments sends on afterwards, each as a step of its own so a retry sends
 * nothing twice: the enrollments still stopped at a webhook (the walk itself makes the calls, see
 * lib/engine/webhook-batch.ts; these are the few it leaves to advance-enrollment), the messages queued
 * (deliver-message), and the segment entries and exits that profile updates caused
 * (cairn/segment.changed, so journeys that start on a segment hear of them now rather than at the
 * segment-checks sweep, which announces what a crash left unannounced). `suffix` keeps the step ids unique
 * when a function walks several rounds.
 */
export async function sendWalkFollowUps(step: StepTools, walked: Pick<AdvanceManyResult, "needWebhook" | "queuedMessageIds" | "segmentRanges">, suffix = ""): Promise<void> {
  if (walked.needWebhook.length) await step.sendEvent(`advance${suffix}`, advanceEvents(walked.needWebhook.map((webhook) => ({ enrollmentId: webhook.enrollmentId, webhook }))));
  if (walked.queuedMessageIds.length) await step.sendEvent(`messages${suffix}`, messageQueuedEvents(walked.queuedMessageIds));
  if (walked.segmentRanges.length) {
    await step.sendEvent(`segments${suffix}`, segmentChangedEvents(walked.segmentRanges));
    await step.run(`segments-announced${suffix}`, () => markDispatched(walked.segmentRanges, new Date()));
  }
}
