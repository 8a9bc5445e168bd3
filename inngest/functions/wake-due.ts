import type { AdvanceManyResult } from "@/lib/engine/advance";
import { advanceDelivering } from "@/lib/engine/webhook-batch";
import { systemClock } from "@/lib/runtime/clock";
import { claimDueEnrollments, nextWakeBefore } from "@/lib/engine/wake";
import { inngest } from "@/lib/jobs";
import { sendWalkFollowUps } from "./walk-follow-ups";

/**
 * Every minute on Inngest (its finest cron); every second on the embedded executor, which reads the
 * six-field form from CAIRN_WAKE_DUE_CRON. Claims due enrollments and walks them to their next wait;
 * the webhook calls they reach on the way are made in the same step (lib/engine/webhook-batch.ts), and the
 * messages they queue are delivered there (lib/messaging/deliver-now.ts).
 */
export const WAKE_DUE_CRON = process.env.CAIRN_WAKE_DUE_CRON || "* * * * *";
const CLAIM = 500;
/**
 * With the embedded executor's one-second tick, a delay ending just after a tick would wait most of a second
 * for the next one. So a run also follows the delays that end before its tick is over: it sleeps until the
 * next one is due (never waking anyone early), at least FOLLOW_GAP_MS apart so people due together go as one
 * batch, and stops FOLLOW_MS after its tick, before the next one. On Inngest (a one-minute cron) it does not.
 */
const FOLLOW_MS = WAKE_DUE_CRON === "* * * * * *" ? 900 : 0;
const FOLLOW_GAP_MS = 50;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Claims and walks what is due now. `lookAheadUntil` (the end of the tick, on a round that may end it): when
 * nothing was due, also says whether a delay ends before then, so the tick follows it.
 */
async function wakeRound(
  now: Date,
  lookAheadUntil: Date | null = null,
): Promise<AdvanceManyResult & { claimed: number; dueWithinTick: boolean }> {
  const ids = await claimDueEnrollments(now, CLAIM);
  const result = { claimed: ids.length, ...(await advanceDelivering(ids, systemClock)) };
  const dueWithinTick =
    result.claimed === 0 && lookAheadUntil !== null && (await nextWakeBefore(now, lookAheadUntil)) !== null;
  return { ...result, dueWithinTick };
}

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
        wakeRound(new Date(), FOLLOW_MS > 0 ? new Date(tickAt + FOLLOW_MS) : null),
      );
      await sendWalkFollowUps(step, result, `:${round}`);
      woken += result.claimed;
      dueWithinTick = result.dueWithinTick;
      if (result.claimed < CLAIM) {
        drained = true;
        break;
      }
    }
    // Only while delays are ending (this tick woke someone, or one ends before the next tick): an idle tick
    // costs one indexed read more, and no longer run. Without the look-ahead, the first delays to end after a
    // quiet spell waited for the next tick (up to a second).
    if (drained && (woken > 0 || dueWithinTick) && FOLLOW_MS > 0) {
      const followed = await step.run("follow", async () => {
        const total: AdvanceManyResult & { claimed: number } = {
          claimed: 0,
          needWebhook: [],
          queuedMessageIds: [],
          segmentRanges: [],
          steps: 0,
        };
        const endAt = tickAt + FOLLOW_MS;
        let lastAt = Date.now();
        while (Date.now() < endAt) {
          const next = await nextWakeBefore(new Date(), new Date(endAt));
          if (!next) break;
          await sleep(Math.max(next.getTime() - Date.now(), lastAt + FOLLOW_GAP_MS - Date.now(), 0));
          lastAt = Date.now();
          const result = await wakeRound(new Date());
          total.claimed += result.claimed;
          total.steps += result.steps;
          total.needWebhook.push(...result.needWebhook);
          total.queuedMessageIds.push(...result.queuedMessageIds);
          total.segmentRanges.push(...result.segmentRanges);
        }
        return total;
      });
      await sendWalkFollowUps(step, followed, ":follow");
      woken += followed.claimed;
    }
    return { woken };
  },
);
