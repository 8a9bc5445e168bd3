import type { GetStepTools } from "inngest";
import type { WalkSummary } from "@/lib/engine/walk-batch";
import { markDispatched } from "@/lib/segments/membership";
import { advanceEvents, inngest, messageQueuedEvents, segmentChangedEvents } from "@/lib/jobs";

type StepTools = GetStepTools<typeof inngest>;

/**
 * What every function that walks enrollments sends on afterwards, each as a step of its own so a retry sends
 * nothing twice: the enrollments still stopped at a webhook (the walk itself makes the calls, see
 * lib/engine/walk-enrollments.ts; these are the few it leaves to advance-enrollment), the messages queued
 * (deliver-message), and the segment entries and exits that profile updates caused
 * (cairn/segment.changed, so journeys that start on a segment hear of them now rather than at the
 * segment-checks sweep, which announces what a crash left unannounced). `suffix` keeps the step ids unique
 * when a function walks several rounds.
 */
export async function sendWalkFollowUps(
  step: StepTools,
  walked: Pick<WalkSummary, "needWebhook" | "queuedMessageIds" | "segmentRanges">,
  suffix = "",
): Promise<void> {
  if (walked.needWebhook.length)
    await step.sendEvent(
      `advance${suffix}`,
      advanceEvents(walked.needWebhook.map((webhook) => ({ enrollmentId: webhook.enrollmentId, webhook }))),
    );
  if (walked.queuedMessageIds.length)
    await step.sendEvent(`messages${suffix}`, messageQueuedEvents(walked.queuedMessageIds));
  if (walked.segmentRanges.length) {
    await step.sendEvent(`segments${suffix}`, segmentChangedEvents(walked.segmentRanges));
    await step.run(`segments-announced${suffix}`, () => markDispatched(walked.segmentRanges, new Date()));
  }
}

/**
 * The same follow-ups for a function that walks without steps (process-event): sent at once, in one request,
 * each with an id a retry of the same run repeats, so Inngest (and the embedded executor) keeps only the
 * first. Messages and segment ranges are named by what they announce; an advance to a leftover webhook by
 * the run, the enrollment, the node and the visit, since a later run may legitimately send the same
 * enrollment on again.
 */
export async function sendWalkFollowUpsNow(
  runId: string,
  walked: Pick<WalkSummary, "needWebhook" | "queuedMessageIds" | "segmentRanges">,
): Promise<void> {
  const events = [
    ...advanceEvents(walked.needWebhook.map((webhook) => ({ enrollmentId: webhook.enrollmentId, webhook }))).map(
      (e) => ({
        ...e,
        id: `advance-${runId}-${e.data.enrollmentId}-${e.data.webhook?.nodeId}-${e.data.webhook?.visit}`,
      }),
    ),
    ...messageQueuedEvents(walked.queuedMessageIds),
    ...segmentChangedEvents(walked.segmentRanges),
  ];
  if (!events.length) return;
  await inngest.send(events);
  if (walked.segmentRanges.length) await markDispatched(walked.segmentRanges, new Date());
}
