import { advanceMany } from "@/lib/engine/advance";
import { enrollSegmentEntries } from "@/lib/engine/segment-entries";
import { markDispatched } from "@/lib/segments/membership";
import { advanceEvents, inngest, messageQueuedEvents, SEGMENT_CHANGED, segmentChangedEvents, type SegmentChangedData } from "../client";

/**
 * Segment entries → journeys that start on them (lib/engine/segment-entries.ts), each entry once (its change id
 * is the entry key), then the people who entered are walked to their next wait, as process-event does. Profile
 * updates on those walks can move people in or out of other segments: those changes are announced in turn.
 */
export const segmentEntries = inngest.createFunction(
  { id: "segment-entries", name: "Enroll segment entries", retries: 10, triggers: [{ event: SEGMENT_CHANGED }] },
  async ({ event, step }) => {
    const range = event.data as SegmentChangedData;
    const result = await step.run("enroll", async () => {
      const now = new Date();
      const { advance, enrolled } = await enrollSegmentEntries(range, now);
      return { enrolled, ...(await advanceMany(advance, now)) };
    });
    if (result.needWebhook.length) await step.sendEvent("advance", advanceEvents(result.needWebhook.map((webhook) => ({ enrollmentId: webhook.enrollmentId, webhook }))));
    if (result.queuedMessageIds.length) await step.sendEvent("messages", messageQueuedEvents(result.queuedMessageIds));
    if (result.segmentRanges.length) {
      await step.sendEvent("segments", segmentChangedEvents(result.segmentRanges));
      await step.run("segments-announced", () => markDispatched(result.segmentRanges, new Date()));
    }
    return { enrolled: result.enrolled, steps: result.steps };
  },
);
