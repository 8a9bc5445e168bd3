import { advanceThroughWebhooks } from "@/lib/engine/webhook-batch";
import { systemClock } from "@/lib/runtime/clock";
import { processIngestedEvents } from "@/lib/engine/process-events";
import { enrollSegmentEntries } from "@/lib/engine/segment-entries";
import { markDispatched, rangesOf, updateSegmentsForEvents } from "@/lib/segments/membership";
import { EVENT_INGESTED, inngest, type EventIngestedData } from "../client";
import { sendWalkFollowUps } from "./walk-follow-ups";

/**
 * Ingested events, in one step:
 *   1. segment memberships (lib/segments/membership.ts): the segments that can change because of the batch,
 *      re-evaluated for its people;
 *   2. enrollments entered, waits resumed, exits and conversions (lib/engine/process-events.ts);
 *   3. journeys that start on a segment the batch's people just entered (lib/engine/segment-entries.ts);
 *   4. everyone who moved walked to their next wait, making the webhook calls they reach on the way
 *      (lib/engine/webhook-batch.ts: each call claimed once per enrollment, node and visit).
 *
 * Segments come first, so a condition on the canvas that tests membership sees what this batch changed. All of
 * it is one step of one run because on one machine each run and each step is a round trip from the executor to
 * the app: one run of two calls per ingest request, instead of a second function on the same event and an
 * announcement with its own run, is what keeps event → membership change under a second at 500 events/s
 * (bench:segments). Every part is safe to repeat: memberships already current change nothing, events and
 * segment entries enroll under their own entry keys. Entries this step recorded but did not get to enroll (a
 * crash in between) stay unannounced, and the segment-checks sweep announces them to segment-entries.
 */
export const processEvent = inngest.createFunction(
  { id: "process-event", name: "Process ingested events", retries: 10, triggers: [{ event: EVENT_INGESTED }] },
  async ({ event, step }) => {
    const data = event.data as EventIngestedData;
    const result = await step.run("process", async () => {
      const now = new Date();
      const segmentChanges = await updateSegmentsForEvents(data.workspaceId, data.eventIds, now);
      const processed = await processIngestedEvents(data.workspaceId, data.eventIds, now);
      const ranges = rangesOf(segmentChanges);
      const advance = [...processed.advance];
      let enrolledOnEntry = 0;
      for (const range of ranges) {
        const entries = await enrollSegmentEntries(range, now);
        advance.push(...entries.advance);
        enrolledOnEntry += entries.enrolled;
      }
      const walked = await advanceThroughWebhooks(advance, systemClock);
      await markDispatched(ranges, now);
      return {
        ...processed,
        ...walked,
        enrolled: processed.enrolled + enrolledOnEntry,
        segmentEntries: segmentChanges.filter((c) => c.kind === "entered").length,
        segmentExits: segmentChanges.filter((c) => c.kind === "exited").length,
      };
    });
    // Entries and exits caused by the walks' profile updates are announced (segment-entries enrolls them).
    await sendWalkFollowUps(step, result);
    const { enrolled, resumed, exited, converted, steps, segmentEntries, segmentExits } = result;
    return { enrolled, resumed, exited, converted, steps, segmentEntries, segmentExits };
  },
);
