import { advanceDelivering } from "@/lib/engine/webhook-batch";
import { systemClock } from "@/lib/runtime/clock";
import { processIngestedEvents } from "@/lib/engine/process-events";
import { enrollSegmentEntries } from "@/lib/engine/segment-entries";
import { markDispatched, rangesOf, updateSegmentsForEvents } from "@/lib/segments/membership";
import { EVENT_INGESTED, EventIngestedData, inngest, parseJob } from "@/lib/jobs";
import { sendWalkFollowUpsNow } from "./walk-follow-ups";

/**
 * Ingested events, in one run:
 *   1. segment memberships (lib/segments/membership.ts): the segments that can change because of the batch,
 *      re-evaluated for its people;
 *   2. enrollments entered, waits resumed, exits and conversions (lib/engine/process-events.ts);
 *   3. journeys that start on a segment the batch's people just entered (lib/engine/segment-entries.ts);
 *   4. everyone who moved walked to their next wait, making the webhook calls they reach on the way
 *      (lib/engine/webhook-batch.ts: each call claimed once per enrollment, node and visit) and delivering
 *      the messages they queue (lib/messaging/deliver-now.ts: each claimed once).
 *
 * Segments come first, so a condition on the canvas that tests membership sees what this batch changed. All of
 * it is one run without steps, so one call from the executor (or Inngest) to the app per hand-off (lib/ingest/dispatch.ts: an ingest request, or the requests that piled up meanwhile): on
 * one machine each run and each step is a round trip, and the app's share of every call is what limits
 * event → first side effect latency (bench:engine) and event → membership change (bench:segments). A step
 * would only memoize the work for a retry, and nothing here needs that: every part is safe to repeat
 * (memberships already current change nothing, events and segment entries enroll under their own entry keys,
 * each webhook call is claimed once per enrollment, node and visit, and the follow-up events carry ids a retry
 * repeats). Entries recorded but not enrolled (a crash in between) stay unannounced, and the segment-checks
 * sweep announces them to segment-entries.
 */
export const processEvent = inngest.createFunction(
  { id: "process-event", name: "Process ingested events", retries: 10, triggers: [{ event: EVENT_INGESTED }] },
  async ({ event, runId }) => {
    const data = parseJob(EventIngestedData, event);
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
    // Walked with their webhook calls made and their messages delivered; only what could not be goes on.
    const walked = await advanceDelivering(advance, systemClock);
    await markDispatched(ranges, now);
    // Entries and exits caused by the walks' profile updates are announced (segment-entries enrolls them).
    await sendWalkFollowUpsNow(runId, walked);
    return {
      enrolled: processed.enrolled + enrolledOnEntry,
      resumed: processed.resumed,
      exited: processed.exited,
      converted: processed.converted,
      steps: walked.steps,
      segmentEntries: segmentChanges.filter((c) => c.kind === "entered").length,
      segmentExits: segmentChanges.filter((c) => c.kind === "exited").length,
    };
  },
);
