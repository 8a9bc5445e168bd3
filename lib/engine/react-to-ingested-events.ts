import { markDispatched, rangesOf, updateSegmentsForEvents } from "../segments/membership";
import type { Clock } from "../runtime/clock";
import type { EventIngestedData } from "../jobs/contracts";
import { processIngestedEvents } from "./process-events";
import { enrollSegmentEntries } from "./segment-entries";
import { walkEnrollments } from "./walk-enrollments";
import type { WalkSummary } from "./walk-batch";

export interface IngestedEventsOutcome {
  /** what process-event returns as its run's output */
  summary: {
    enrolled: number;
    resumed: number;
    exited: number;
    converted: number;
    steps: number;
    segmentEntries: number;
    segmentExits: number;
  };
  /** what is left to hand on (sendWalkFollowUpsNow in inngest/functions/walk-follow-ups.ts) */
  walked: WalkSummary;
}

/**
 * Everything the engine does about a batch of ingested events (process-event's run):
 *   1. segment memberships (lib/segments/membership.ts): the segments that can change because of the batch,
 *      re-evaluated for its people;
 *   2. enrollments entered, waits resumed, exits and conversions (process-events.ts);
 *   3. journeys that start on a segment the batch's people just entered (segment-entries.ts);
 *   4. everyone who moved walked to their next wait (walkEnrollments), making the webhook calls they reach on the
 *      way (each claimed once per enrollment, node and visit) and delivering the messages they queue
 *      (lib/messaging/deliver-now.ts: each claimed once);
 *   5. the segment changes of step 1 marked announced: their entries were enrolled in step 3.
 *
 * Segments come first, so a condition on the canvas that tests membership sees what this batch changed. Every
 * part is safe to repeat (memberships already current change nothing, events and segment entries enroll under
 * their own entry keys, each webhook call is claimed once per enrollment, node and visit), so process-event runs
 * it without steps. Entries recorded but not enrolled (a crash in between) stay unannounced, and the
 * segment-checks sweep announces them to segment-entries.
 */
export async function reactToIngestedEvents(
  { workspaceId, eventIds }: EventIngestedData,
  clock: Clock,
): Promise<IngestedEventsOutcome> {
  const now = clock();
  const segmentChanges = await updateSegmentsForEvents(workspaceId, eventIds, now);
  const processed = await processIngestedEvents(workspaceId, eventIds, now);
  const ranges = rangesOf(segmentChanges);
  const advance = [...processed.advance];
  let enrolledOnEntry = 0;
  for (const range of ranges) {
    const entries = await enrollSegmentEntries(range, now);
    advance.push(...entries.advance);
    enrolledOnEntry += entries.enrolled;
  }
  // Walked with their webhook calls made and their messages delivered; only what could not be goes on.
  const walked = await walkEnrollments(advance, clock, { deliverMessages: true });
  await markDispatched(ranges, now);
  return {
    summary: {
      enrolled: processed.enrolled + enrolledOnEntry,
      resumed: processed.resumed,
      exited: processed.exited,
      converted: processed.converted,
      steps: walked.steps,
      segmentEntries: segmentChanges.filter((c) => c.kind === "entered").length,
      segmentExits: segmentChanges.filter((c) => c.kind === "exited").length,
    },
    walked,
  };
}
