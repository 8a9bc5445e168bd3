import { reactToIngestedEvents } from "@/lib/engine/react-to-ingested-events";
import { EVENT_INGESTED, EventIngestedData, inngest, parseJob } from "@/lib/jobs";
import { systemClock } from "@/lib/runtime/clock";
import { sendWalkFollowUpsNow } from "./walk-follow-ups";

/**
 * Ingested events, in one run (lib/engine/react-to-ingested-events.ts: segments, enrollments, segment entries,
 * the walks with their webhook calls and messages), then what the walks left announced at once.
 *
 * One run without steps, so one call from the executor (or Inngest) to the app per hand-off
 * (lib/ingest/dispatch.ts: an ingest request, or the requests that piled up meanwhile): on one machine each run
 * and each step is a round trip, and the app's share of every call is what limits event → first side effect
 * latency (bench:engine) and event → membership change (bench:segments). A step would only memoize the work for
 * a retry, and nothing here needs that: every part is safe to repeat, and the follow-up events carry ids a
 * retry repeats.
 */
export const processEvent = inngest.createFunction(
  { id: "process-event", name: "Process ingested events", retries: 10, triggers: [{ event: EVENT_INGESTED }] },
  async ({ event, runId }) => {
    const { summary, walked } = await reactToIngestedEvents(parseJob(EventIngestedData, event), systemClock);
    // Entries and exits caused by the walks' profile updates are announced (segment-entries enrolls them).
    await sendWalkFollowUpsNow(runId, walked);
    return summary;
  },
);
