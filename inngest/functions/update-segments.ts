import { markDispatched, rangesOf, updateSegmentsForEvents } from "@/lib/segments/membership";
import { EVENT_INGESTED, inngest, segmentChangedEvents, type EventIngestedData } from "../client";

/**
 * Ingested events → segment memberships (lib/segments/membership.ts): the segments that reference the batch's
 * event names (and those reading the profile, for identifies and other profile changes) are re-evaluated for
 * the batch's people, one statement per segment. A second function on cairn/event.ingested besides
 * process-event: the executor (and Inngest) runs one run per function an event triggers. Entries and exits are
 * announced as cairn/segment.changed; the segment-checks sweep announces any a crash left unannounced.
 */
export const updateSegments = inngest.createFunction(
  { id: "update-segments", name: "Update segment memberships", retries: 10, triggers: [{ event: EVENT_INGESTED }] },
  async ({ event, step }) => {
    const data = event.data as EventIngestedData;
    const result = await step.run("update", async () => {
      const changes = await updateSegmentsForEvents(data.workspaceId, data.eventIds, new Date());
      return { entered: changes.filter((c) => c.kind === "entered").length, exited: changes.filter((c) => c.kind === "exited").length, ranges: rangesOf(changes) };
    });
    if (result.ranges.length) {
      await step.sendEvent("announce", segmentChangedEvents(result.ranges));
      await step.run("announced", () => markDispatched(result.ranges, new Date()));
    }
    return { entered: result.entered, exited: result.exited };
  },
);
