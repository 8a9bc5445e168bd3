import { pgPool } from "../../db/pool";
import type { Clock } from "../../runtime/clock";
import { materializeNextChunk } from "../audience/materialize-audience";
import { loadSendContext } from "./load-send-context";
import {
  type BatchOutcome,
  type PreparedBatch,
  prepareBroadcastBatch,
  recordSentBatch,
  sendPreparedBatch,
} from "./send-batch";
import { completeBroadcast, selectNextWork, selectSendingBroadcast, touchProgress } from "./store/sending-broadcasts";

/**
 * One link of a broadcast's send chain (inngest/functions/send-broadcast.ts runs one per event, then sleeps if it
 * must and asks for the next): while the broadcast is SENDING and for at most `maxMs`, keep its queue fed from the
 * audience (H1a's materializeNextChunk, a chunk whenever the due messages run short) and send batches; then say
 * what comes next. A short link means a pause or a cancel takes effect within seconds, and a crash loses at most
 * one link's batch in flight.
 *
 * Batches overlap: while one batch's provider calls run, the next is claimed, checked and rendered (its claim
 * skips the messages the first holds), and a batch's record runs while the next one sends, so the SMTP connections
 * do not wait for the database or the renders. A crash therefore leaves at most two batches sent and not recorded:
 * their claims lapse and they go again, with the same Message-IDs.
 *
 * Throttling (`throttlePerMinute` N): a link may claim `allowance` messages (N per minute over a ten-second window,
 * at least one), and the next link starts a window after this one started: `allowance` messages every
 * 60 000 × allowance / N ms, which is N a minute. For 100/min: 16 messages, then the next link 9.6 s after this
 * one began, so any minute holds 96 to 112 and an hour exactly 6,000.
 */

export type RunDecision =
  /** the broadcast is not SENDING (paused, cancelled, sent) or is gone: the chain ends here */
  | { next: "stop"; status: string }
  /** more to send now */
  | { next: "now" }
  /** nothing due before `at` (a local send time, a retry's backoff, a throttle window, another sender's claim) */
  | { next: "at"; at: string }
  /** the test group is sent: the winner decision (its own cron) starts the rest phase and the next link */
  | { next: "winner" }
  /** every message is out: the broadcast is SENT */
  | { next: "done" };

export interface RunOptions {
  /** how long a link sends before it hands over to the next one (default 10 s) */
  maxMs?: number;
  /** messages per batch (default 500) */
  batchSize?: number;
  /** audience profiles read per chunk (default 5,000) */
  chunkSize?: number;
}

export interface RunResult {
  decision: RunDecision;
  batches: number;
  totals: Omit<BatchOutcome, "timings">;
  timings: BatchOutcome["timings"] & { materialize: number };
}

const LINK_MS = 10_000;
const BATCH_SIZE = 500;
const CHUNK_SIZE = 5_000;
const THROTTLE_WINDOW_MS = 10_000;

/** How a throttled link paces: `allowance` messages per `windowMs` (see the file's comment). */
export function throttlePlan(perMinute: number | null): { allowance: number; windowMs: number } | null {
  if (!perMinute || perMinute <= 0) return null;
  const allowance = Math.max(1, Math.floor((perMinute * THROTTLE_WINDOW_MS) / 60_000));
  return { allowance, windowMs: Math.ceil((60_000 * allowance) / perMinute) };
}

/** Zeroed counts and timings, which links add up (and so does a caller adding up links: bench:broadcast). */
export function emptyTallies(): Pick<RunResult, "totals" | "timings"> {
  return {
    totals: {
      claimed: 0,
      sent: 0,
      delivered: 0,
      suppressed: 0,
      failed: 0,
      bounced: 0,
      delayed: 0,
      retried: 0,
      skipped: 0,
    },
    timings: { check: 0, render: 0, send: 0, record: 0, materialize: 0 },
  };
}

export async function runBroadcast(broadcastId: string, clock: Clock, options: RunOptions = {}): Promise<RunResult> {
  const maxMs = options.maxMs ?? LINK_MS;
  const batchSize = options.batchSize ?? BATCH_SIZE;
  const chunkSize = options.chunkSize ?? CHUNK_SIZE;
  const startedAt = clock();
  const result: RunResult = { decision: { next: "now" }, batches: 0, ...emptyTallies() };
  const broadcast = await selectSendingBroadcast(pgPool(), broadcastId);
  if (!broadcast || broadcast.status !== "SENDING")
    return { ...result, decision: { next: "stop", status: broadcast?.status ?? "MISSING" } };
  const context = await loadSendContext(broadcast, startedAt);
  const throttle = throttlePlan(broadcast.throttlePerMinute);
  let allowance = throttle?.allowance ?? Number.POSITIVE_INFINITY;
  let audienceDone = broadcast.audienceDone;
  let stopped: string | null = null;

  /** The next batch to send, or null when this link is over (time, throttle, a pause, nothing due). */
  const prepareNext = async (): Promise<PreparedBatch | null> => {
    for (;;) {
      if (clock().getTime() - startedAt.getTime() >= maxMs || allowance <= 0) return null;
      const current = await selectSendingBroadcast(pgPool(), broadcastId);
      if (current?.status !== "SENDING") {
        stopped = current?.status ?? "MISSING";
        return null;
      }
      const limit = Math.min(batchSize, allowance);
      const prepared = await prepareBroadcastBatch(context, clock, limit);
      allowance -= prepared.outcome.claimed;
      if (prepared.outcome.claimed > 0 || audienceDone) return prepared.outcome.claimed > 0 ? prepared : null;
      // nothing due: read the next chunk of the audience into the queue, and try again
      const materializeStarted = performance.now();
      const chunk = await materializeNextChunk(broadcastId, clock(), chunkSize);
      result.timings.materialize += performance.now() - materializeStarted;
      audienceDone = chunk.done;
      if (chunk.skipped === "not_sending") {
        stopped = "NOT_SENDING";
        return null;
      }
    }
  };

  const tally = async (outcome: BatchOutcome) => {
    result.batches++;
    for (const key of Object.keys(result.totals) as (keyof RunResult["totals"])[]) result.totals[key] += outcome[key];
    for (const key of ["check", "render", "send", "record"] as const) result.timings[key] += outcome.timings[key];
    await touchProgress(pgPool(), broadcastId, clock());
  };
  let recording: Promise<void> = Promise.resolve();
  let prepared = await prepareNext();
  while (prepared) {
    const current = prepared;
    const sending = sendPreparedBatch(current, clock);
    // a full batch says more is due: claim, check and render the next while this one's calls run
    const full = current.outcome.claimed >= Math.min(batchSize, current.outcome.claimed + allowance);
    const following = full ? prepareNext() : null;
    // awaited below; until then a failure must not count as unhandled (it would end the process)
    following?.catch(() => {});
    const attempts = await sending;
    // the record of this batch runs while the next one sends (one record at a time)
    await recording;
    recording = recordSentBatch(current, attempts, clock).then(tally);
    recording.catch(() => {});
    prepared = following ? await following : await recording.then(prepareNext);
  }
  await recording;

  result.decision = await decideNext(broadcastId, clock(), {
    stopped,
    throttle,
    startedAt,
    sentAny: result.totals.claimed > 0,
  });
  return result;
}

async function decideNext(
  broadcastId: string,
  now: Date,
  link: {
    stopped: string | null;
    throttle: ReturnType<typeof throttlePlan>;
    startedAt: Date;
    sentAny: boolean;
  },
): Promise<RunDecision> {
  const broadcast = await selectSendingBroadcast(pgPool(), broadcastId);
  if (!broadcast || broadcast.status !== "SENDING")
    return { next: "stop", status: broadcast?.status ?? link.stopped ?? "MISSING" };
  const paced = link.throttle && link.sentAny ? new Date(link.startedAt.getTime() + link.throttle.windowMs) : null;
  const wait = async (at: Date): Promise<RunDecision> => {
    // the heartbeat says when to expect the chain again, so the sweep does not restart a chain that sleeps
    await touchProgress(pgPool(), broadcastId, at);
    return { next: "at", at: at.toISOString() };
  };
  if (!broadcast.audienceDone) return paced && paced > now ? wait(paced) : { next: "now" };
  const work = await selectNextWork(pgPool(), broadcastId, now);
  if (work.dueNow) return paced && paced > now ? wait(paced) : { next: "now" };
  if (work.queued) {
    const at = work.nextAt && work.nextAt > now ? work.nextAt : new Date(now.getTime() + 1_000);
    return wait(paced && paced > at ? paced : at);
  }
  if (broadcast.phase === "test") return { next: "winner" };
  if (await completeBroadcast(pgPool(), broadcastId, now)) return { next: "done" };
  return { next: "now" };
}

/**
 * The run name of the link after `run` (the event id is `broadcast-<id>-<run>`, lib/jobs/events.ts): the same base
 * with the next number, so a link repeated after a retry sends the same next event, which the id drops.
 */
export function nextRun(run: string): string {
  const numbered = /^(.*):(\d+)$/.exec(run);
  return numbered ? `${numbered[1]}:${Number(numbered[2]) + 1}` : `${run}:1`;
}
