import { advanceMany } from "@/lib/engine/advance";
import { enrollScheduleBatch, findDueSchedules, startCursor, type ScheduleCursor } from "@/lib/engine/schedule-entries";
import { parseCron } from "../executor/cron";
import { advanceEvents, inngest, messageQueuedEvents } from "../client";

const EMBEDDED_DEFAULT = "*/5 * * * * *";

/**
 * How often schedule triggers are checked: every minute on Inngest (its finest cron); every 5 s on the embedded
 * executor, recognised, as segment-checks does, by the six-field CAIRN_WAKE_DUE_CRON that scripts/cairn.ts gives
 * it. CAIRN_SCHEDULE_JOURNEYS_CRON overrides both. A scheduled journey starts within one period of its time.
 */
export function scheduleJourneysCron(env: Record<string, string | undefined> = process.env): string {
  const override = env.CAIRN_SCHEDULE_JOURNEYS_CRON?.trim();
  if (override) {
    try {
      parseCron(override);
      return override;
    } catch {
      console.warn(`[cairn] CAIRN_SCHEDULE_JOURNEYS_CRON "${override}" is not a cron; using "${EMBEDDED_DEFAULT}".`);
      return EMBEDDED_DEFAULT;
    }
  }
  return env.CAIRN_WAKE_DUE_CRON?.trim().split(/\s+/).length === 6 ? EMBEDDED_DEFAULT : "* * * * *";
}

export const SCHEDULE_JOURNEYS_CRON = scheduleJourneysCron();

/**
 * Batches per run. Inngest allows 1,000 steps per run; an occurrence bigger than this (over 400,000 members)
 * goes on at the next tick, which starts its segment over: the entry keys make the people already enrolled a
 * no-op, so that costs reading them again, never a second entry.
 */
const MAX_BATCHES = 400;

/**
 * Schedule triggers (lib/engine/schedule-entries.ts): finds the occurrences due, then enrolls each one's segment a
 * batch per step (the cursor is the step's result, so a retry resumes where it stopped) and walks the people who
 * entered to their next wait, as segment-entries does; webhooks and messages go on in their own functions.
 */
export const scheduleJourneys = inngest.createFunction(
  { id: "schedule-journeys", name: "Start scheduled journeys", retries: 2, concurrency: [{ limit: 1 }], triggers: [{ cron: SCHEDULE_JOURNEYS_CRON }] },
  async ({ step }) => {
    const due = await step.run("due", () => findDueSchedules(new Date()));
    let enrolled = 0;
    let batches = 0;
    for (const occurrence of due) {
      let cursor: ScheduleCursor | null = startCursor();
      for (let batch = 0; cursor && batches < MAX_BATCHES; batch++, batches++) {
        const from: ScheduleCursor = cursor;
        const result = await step.run(`enroll:${occurrence.journeyId}:${occurrence.occurrence}:${batch}`, async () => {
          const now = new Date();
          const entered = await enrollScheduleBatch(occurrence, from, now);
          return { next: entered.next, enrolled: entered.enrolled.length, ...(await advanceMany(entered.enrolled, now)) };
        });
        if (result.needWebhook.length) await step.sendEvent(`advance:${occurrence.journeyId}:${batch}`, advanceEvents(result.needWebhook.map((webhook) => ({ enrollmentId: webhook.enrollmentId, webhook }))));
        if (result.queuedMessageIds.length) await step.sendEvent(`messages:${occurrence.journeyId}:${batch}`, messageQueuedEvents(result.queuedMessageIds));
        enrolled += result.enrolled;
        cursor = result.next;
      }
    }
    return { due: due.length, enrolled, batches };
  },
);
