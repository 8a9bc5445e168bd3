import { markDispatched, recomputeSegment } from "@/lib/segments/membership";
import { inngest, parseJob, SEGMENT_RECOMPUTE, segmentChangedEvents, SegmentRecomputeData } from "@/lib/jobs";

/**
 * A full recompute of one segment (after its definition changed, or on request): one at a time per segment;
 * the progress is stored on the segment as it goes (lib/segments/membership.ts recomputeSegment).
 */
export const recomputeSegmentFn = inngest.createFunction(
  {
    id: "recompute-segment",
    name: "Recompute a segment",
    retries: 3,
    concurrency: [{ key: "event.data.segmentId", limit: 1 }],
    triggers: [{ event: SEGMENT_RECOMPUTE }],
  },
  async ({ event, step }) => {
    const { segmentId } = parseJob(SegmentRecomputeData, event);
    const result = await step.run("recompute", async () => {
      const { processed, entered, exited, range, skipped } = await recomputeSegment(segmentId);
      return { processed, entered, exited, range, skipped: skipped ?? null };
    });
    if (result.range) {
      await step.sendEvent("announce", segmentChangedEvents([result.range]));
      await step.run("announced", () => markDispatched([result.range!], new Date()));
    }
    return result;
  },
);
