import { walkEnrollments } from "@/lib/engine/walk-enrollments";
import { systemClock } from "@/lib/runtime/clock";
import { enrollSegmentEntries } from "@/lib/engine/segment-entries";
import { inngest, parseJob, SEGMENT_CHANGED, SegmentChangedData } from "@/lib/jobs";
import { sendWalkFollowUps } from "./walk-follow-ups";

/**
 * Segment entries → journeys that start on them (lib/engine/segment-entries.ts), each entry once (its change id
 * is the entry key), then the people who entered are walked to their next wait, as process-event does. Profile
 * updates on those walks can move people in or out of other segments: those changes are announced in turn.
 */
export const segmentEntries = inngest.createFunction(
  { id: "segment-entries", name: "Enroll segment entries", retries: 10, triggers: [{ event: SEGMENT_CHANGED }] },
  async ({ event, step }) => {
    const range = parseJob(SegmentChangedData, event);
    const result = await step.run("enroll", async () => {
      const now = new Date();
      const { advance, enrolled } = await enrollSegmentEntries(range, now);
      return { enrolled, ...(await walkEnrollments(advance, systemClock)) };
    });
    await sendWalkFollowUps(step, result);
    return { enrolled: result.enrolled, steps: result.steps };
  },
);
