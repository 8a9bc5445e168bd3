import { inngest, isInngestConfigured, segmentChangedEvents } from "@/lib/jobs";
import { type ChangeRange, markDispatched } from "./membership";

/** Announces entries and exits to the engine (cairn/segment.changed) right away, when Inngest is there. */
export async function announceChanges(ranges: ChangeRange[]): Promise<void> {
  if (!ranges.length || !isInngestConfigured() || process.env.CAIRN_BACKGROUND_JOBS === "off") return;
  try {
    await inngest.send(segmentChangedEvents(ranges));
    await markDispatched(ranges, new Date());
  } catch (error) {
    // the segment-checks sweep announces them later
    console.error("[cairn] announcing segment changes failed:", error);
  }
}
