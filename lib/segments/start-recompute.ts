import { inngest, isInngestConfigured, SEGMENT_RECOMPUTE } from "@/lib/jobs";
import { recomputeSegment } from "./membership";

/**
 * Starts recomputing segments for everyone in the background (after a definition change or on request): the
 * Inngest function recompute-segment when Inngest is configured, else in this process. The progress is stored on
 * the segment as it goes.
 */
export async function startRecompute(segmentIds: string[]): Promise<void> {
  if (!segmentIds.length || process.env.CAIRN_BACKGROUND_JOBS === "off") return;
  if (isInngestConfigured()) {
    await inngest.send(segmentIds.map((segmentId) => ({ name: SEGMENT_RECOMPUTE, data: { segmentId } })));
    return;
  }
  for (const segmentId of segmentIds) {
    void recomputeSegment(segmentId).catch((error) =>
      console.error(`[cairn] recomputing segment ${segmentId} failed:`, error),
    );
  }
}
