import type { Clock } from "../runtime/clock";
import { claimDueEnrollments, nextWakeBefore } from "./wake";
import type { WalkSummary } from "./walk-batch";
import { walkEnrollments } from "./walk-enrollments";

/** How many due enrollments one round claims and walks. */
export const WAKE_CLAIM = 500;
/** Rounds that follow delays within a tick are at least this far apart, so people due together go as one batch. */
const FOLLOW_GAP_MS = 50;

export type WakeRound = WalkSummary & { claimed: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One round of wake-due: claims what is due now (claimDueEnrollments: delays that ended, waits that timed out,
 * leases that lapsed) and walks it to the next wait, making the webhook calls on the way and delivering the
 * messages queued. `lookAheadUntil` (the end of the tick, on a round that may end it): when nothing was due,
 * also says whether a delay ends before then, so the tick follows it (followDelaysEndingBefore).
 */
export async function wakeDueEnrollments(
  clock: Clock,
  lookAheadUntil: Date | null = null,
): Promise<WakeRound & { dueWithinTick: boolean }> {
  const now = clock();
  const ids = await claimDueEnrollments(now, WAKE_CLAIM);
  const result = { claimed: ids.length, ...(await walkEnrollments(ids, clock, { deliverMessages: true })) };
  const dueWithinTick =
    result.claimed === 0 && lookAheadUntil !== null && (await nextWakeBefore(now, lookAheadUntil)) !== null;
  return { ...result, dueWithinTick };
}

/**
 * Follows the delays that end before `endAt` (the end of the embedded executor's one-second tick): sleeps until
 * the next one is due, never waking anyone early, at least FOLLOW_GAP_MS after the previous round, and wakes
 * it; stops when nothing more ends before `endAt`. Without it, a delay ending just after a tick waited most of
 * a second for the next one.
 */
export async function followDelaysEndingBefore(endAt: number, clock: Clock): Promise<WakeRound> {
  const total: WakeRound = { claimed: 0, needWebhook: [], queuedMessageIds: [], segmentRanges: [], steps: 0 };
  const add = (result: WakeRound) => {
    total.claimed += result.claimed;
    total.steps += result.steps;
    total.needWebhook.push(...result.needWebhook);
    total.queuedMessageIds.push(...result.queuedMessageIds);
    total.segmentRanges.push(...result.segmentRanges);
  };
  // Started after its tick was over (a busy machine runs the step late): the delay it was to follow has ended
  // meanwhile, so it is woken now rather than by the next tick, a second later.
  if (Date.now() >= endAt) {
    add(await wakeDueEnrollments(clock));
    return total;
  }
  let lastAt = Date.now();
  while (Date.now() < endAt) {
    const next = await nextWakeBefore(clock(), new Date(endAt));
    if (!next) break;
    await sleep(Math.max(next.getTime() - Date.now(), lastAt + FOLLOW_GAP_MS - Date.now(), 0));
    lastAt = Date.now();
    add(await wakeDueEnrollments(clock));
  }
  return total;
}
