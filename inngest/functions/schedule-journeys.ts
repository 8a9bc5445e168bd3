import { walkEnrollments } from "@/lib/engine/walk-enrollments";
import { systemClock } from "@/lib/runtime/clock";
import { enrollScheduleBatch, findDueSchedules, type ScheduleCursor } from "@/lib/engine/schedule-entries";
import { inngest } from "@/lib/jobs";
import { backgroundCron } from "./background-cron";
import { sendWalkFollowUps } from "./walk-follow-ups";

/**
 * How often schedule triggers are checked: every minute on Inngest, every 5 s embedded;
 * CAIRN_SCHEDULE_JOURNEYS_CRON overrides both. A scheduled journey starts within one period of its time.
 */
export function scheduleJourneysCron(env: Record<string, string | undefined> = process.env): string {
  return backgroundCron(env, { variable: "CAIRN_SCHEDULE_JOURNEYS_CRON", embedded: "*/5 * * * * *" });
}

export const SCHEDULE_JOURNEYS_CRON = scheduleJourneysCron();

/**
 * Inngest allows 1,000 steps per run, and each step here may add four follow-up steps: so at most 150 steps of
 * enrolling, each of up to 4 batches (4,000 members, whose follow-ups stay well inside a step's 4 MB output), so
 * 600,000 members per run. An occurrence bigger than that goes on at the next tick from where this run stopped
 * (remembered in this process; after a restart it starts over, which the entry keys make harmless).
 */
const MAX_STEPS = 150;
const BATCHES_PER_STEP = 4;

/**
 * Schedule triggers (lib/engine/schedule-entries.ts): finds the occurrences due, then enrolls each one's segment,
 * batches of it per step (the cursor is the step's result, so a retry resumes where it stopped) and walks the people who
 * entered to their next wait, as segment-entries does; webhooks, messages and the segment changes profile updates
 * caused go on in their own functions (walk-follow-ups.ts).
 */
export const scheduleJourneys = inngest.createFunction(
  {
    id: "schedule-journeys",
    name: "Start scheduled journeys",
    retries: 2,
    concurrency: [{ limit: 1 }],
    triggers: [{ cron: SCHEDULE_JOURNEYS_CRON }],
  },
  async ({ step }) => {
    const due = await step.run("due", () => findDueSchedules(new Date()));
    let enrolled = 0;
    let steps = 0;
    for (const occurrence of due) {
      let cursor: ScheduleCursor | null = occurrence.resume;
      for (let n = 0; cursor && steps < MAX_STEPS; n++, steps++) {
        const from: ScheduleCursor = cursor;
        const result = await step.run(`enroll:${occurrence.journeyId}:${occurrence.occurrence}:${n}`, async () => {
          const now = new Date();
          const ids: string[] = [];
          let next: ScheduleCursor | null = from;
          for (let b = 0; next && b < BATCHES_PER_STEP; b++) {
            const batch = await enrollScheduleBatch(occurrence, next, now);
            ids.push(...batch.enrolled);
            next = batch.next;
          }
          return { next, enrolled: ids.length, ...(await walkEnrollments(ids, systemClock)) };
        });
        await sendWalkFollowUps(step, result, `:${occurrence.journeyId}:${n}`);
        enrolled += result.enrolled;
        cursor = result.next;
      }
    }
    return { due: due.length, enrolled, steps };
  },
);
