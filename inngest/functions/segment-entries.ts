import { advanceMany } from "@/lib/engine/advance";
import { enrollSegmentEntries } from "@/lib/engine/segment-entries";
import { advanceEvents, inngest, messageQueuedEvents, SEGMENT_CHANGED, type SegmentChangedData } from "../client";

/**
 * Segment entries → journeys that start on them (lib/engine/segment-entries.ts), each entry once (its change id
 * is the entry key), then the people who entered are walked to their next wait, as process-event does.
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
    return { enrolled: result.enrolled, steps: result.steps };
  },
);
