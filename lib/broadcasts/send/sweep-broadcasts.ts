import { withTransaction } from "../../db/pool";
import type { Clock } from "../../runtime/clock";
import { cancelLeftovers, claimStalledBroadcasts, startDueBroadcasts } from "./store/sending-broadcasts";

/**
 * The broadcast sweep's decisions (inngest/functions/broadcast-sweep.ts runs it on the due-message tick):
 *   - SCHEDULED broadcasts whose send time came become SENDING (started now, in the test phase when they test
 *     variants first) and get the first link of their send chain;
 *   - SENDING broadcasts whose chain went quiet get a new chain: no heartbeat for STALL_GRACE_MS while work is
 *     due (the app crashed between links, or a link's event was lost). A link beats after every batch, and a
 *     chain that sleeps sets its heartbeat to when it wakes, so a live chain is never doubled by this.
 *   - messages of a broadcast cancelled in the last week that a batch in flight at the cancel put back in the
 *     queue (a retry's backoff, quiet hours) are cancelled too: no chain runs for a cancelled broadcast.
 * Each broadcast comes back with the run name of the link to send; the moment in it makes a repeat of the same
 * sweep send nothing twice.
 */
export const STALL_GRACE_MS = 60_000;

export interface SweepResult {
  started: { broadcastId: string; run: string }[];
  restarted: { broadcastId: string; run: string }[];
  /** leftover messages of cancelled broadcasts cancelled by this sweep */
  cancelled: number;
}

const CANCELLED_LOOKBACK_MS = 7 * 24 * 3_600_000;
const LEFTOVERS_PER_SWEEP = 10_000;

export async function sweepBroadcasts(clock: Clock, limit = 100): Promise<SweepResult> {
  const now = clock();
  const at = now.getTime();
  return withTransaction(async (client) => {
    const started = await startDueBroadcasts(client, now, limit);
    const restarted = await claimStalledBroadcasts(client, now, new Date(at - STALL_GRACE_MS), limit);
    const cancelled = await cancelLeftovers(client, now, new Date(at - CANCELLED_LOOKBACK_MS), LEFTOVERS_PER_SWEEP);
    return {
      cancelled,
      started: started.map((broadcastId) => ({ broadcastId, run: `start-${at}:0` })),
      restarted: restarted.map((broadcastId) => ({ broadcastId, run: `restart-${at}:0` })),
    };
  });
}
