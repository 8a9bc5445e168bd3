import { followDelaysEndingBefore, WAKE_CLAIM, wakeDueEnrollments } from "@/lib/engine/wake-due-enrollments";
import { inngest } from "@/lib/jobs";
import { systemClock } from "@/lib/runtime/clock";
import { sendWalkFollowUps } from "./walk-follow-ups";

/**
 * Every minute on Inngest (its finest cron); every second on the embedded executor, which reads the
 * six-field form from CAIRN_WAKE_DUE_CRON. Claims due enrollments and walks them to their next wait
 * (lib/engine/wake-due-enrollments.ts); the webhook calls they reach on the way are made in the same step, and
 * the messages they queue are delivered there (lib/messaging/deliver-now.ts).
 */
export const WAKE_DUE_CRON = process.env.CAIRN_WAKE_DUE_CRON || "* * * * *";
/**
 * With the embedded executor's one-second tick, a run also follows the delays that end before its tick is over,
 * stopping FOLLOW_MS after its tick, before the next one. On Inngest (a one-minute cron) it does not.
 */
const FOLLOW_MS = WAKE_DUE_CRON === "* * * * * *" ? 900 : 0;

export const wakeDue = inngest.createFunction(
  {
    id: "wake-due",
    name: "Wake due enrollments",
    retries: 2,
    concurrency: [{ limit: 1 }],
    triggers: [{ cron: WAKE_DUE_CRON }],
  },
  async ({ event, step }) => {
    // The tick's own time (the body runs again on every call of the run, so not Date.now()).
    const tickAt = typeof event?.ts === "number" ? event.ts : Date.now();
    let woken = 0;
    // A few rounds per tick, so a burst of delays ending together drains within the tick.
    let drained = false;
    let dueWithinTick = false;
    for (let round = 0; round < 20; round++) {
      const result = await step.run(`wake:${round}`, () =>
        wakeDueEnrollments(systemClock, FOLLOW_MS > 0 ? new Date(tickAt + FOLLOW_MS) : null),
      );
      await sendWalkFollowUps(step, result, `:${round}`);
      woken += result.claimed;
      dueWithinTick = result.dueWithinTick;
      if (result.claimed < WAKE_CLAIM) {
        drained = true;
        break;
      }
    }
    // Only while delays are ending (this tick woke someone, or one ends before the next tick): an idle tick
    // costs one indexed read more, and no longer run. Without the look-ahead, the first delays to end after a
    // quiet spell waited for the next tick (up to a second).
    if (drained && (woken > 0 || dueWithinTick) && FOLLOW_MS > 0) {
      const followed = await step.run("follow", () => followDelaysEndingBefore(tickAt + FOLLOW_MS, systemClock));
      await sendWalkFollowUps(step, followed, ":follow");
      woken += followed.claimed;
    }
    return { woken };
  },
);
