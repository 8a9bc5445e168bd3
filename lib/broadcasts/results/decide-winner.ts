import "server-only";
import { recordAudit } from "../../audit/audit-log";
import { db } from "../../db/client";
import { pgPool } from "../../db/pool";
import { prismaQueryable } from "../../db/sql";
import { startRestPhase } from "../audience/start-rest-phase";
import type { WinnerMetric } from "../schemas";
import { chooseWinner, METRIC_NOUNS } from "./broadcast-statistics";
import { variantsOf } from "./assemble-results";
import { BROADCAST_RESULTS_SELECT, loadBroadcastResults, WINNER_AUDIT_ACTION } from "./load-broadcast-results";
import { claimWinner, selectDueWinnerTests } from "./store/winners";

/**
 * Winner after test (the Klaviyo/Mailchimp pattern): a broadcast with `testPercent` first sends its variants to a
 * test group; `winnerAfterHours` after it started, and once every test message is out, the variant that leads on
 * `winnerMetric` goes to the rest.
 *
 * "Leads" is decided by the same sequential test as journey splits (./broadcast-statistics.ts), over the test
 * group only. When the time is up and no variant is significantly better, the variant with the best observed rate
 * is sent anyway (the rest get a message either way, and waiting longer for a significance that may never come is
 * not what a marketer asked for); the reason says so. The decision is written once (claimWinner) with its audit
 * entry, then the broadcast moves to its rest phase (lib/broadcasts/audience/start-rest-phase.ts, idempotent); a
 * run that stopped in between finds the stored winner next time and finishes the move.
 *
 * The caller (inngest/functions/decide-broadcast-winners.ts) then sends each broadcast's next link of the send
 * chain (`broadcastSendEvent(id, "winner")`, whose id makes a repeat a no-op), in its own step, so a crash after the
 * decision still sends it on the retry.
 */

export interface WinnerDecision {
  broadcastId: string;
  winner: string;
  reason: string;
}

export const WINNER_ACTOR = { kind: "system", label: "Winner after test" } as const;

/** Decides every due winner test at `now`; a broadcast whose decision failed is logged and retried next time. */
export async function decideDueWinners(now: Date): Promise<WinnerDecision[]> {
  const due = await selectDueWinnerTests(pgPool(), now);
  const decided: WinnerDecision[] = [];
  for (const broadcastId of due) {
    try {
      const decision = await decideWinner(broadcastId, now);
      if (decision) decided.push(decision);
    } catch (error) {
      console.error(`[cairn] deciding the winner of broadcast ${broadcastId} failed`, error);
    }
  }
  return decided;
}

async function decideWinner(broadcastId: string, now: Date): Promise<WinnerDecision | null> {
  const broadcast = await db().broadcast.findUnique({ where: { id: broadcastId }, select: BROADCAST_RESULTS_SELECT });
  if (!broadcast || broadcast.phase !== "test") return null;

  if (broadcast.winnerVariant) {
    // Decided by a run that stopped before the rest phase began: finish the move with the stored winner.
    const entry = await db().auditLog.findFirst({
      where: { workspaceId: broadcast.workspaceId, action: WINNER_AUDIT_ACTION, targetId: broadcast.id },
      orderBy: { createdAt: "desc" },
      select: { metadata: true },
    });
    await startRestPhase(broadcast.id, broadcast.winnerVariant, broadcast.winnerDecidedAt ?? now);
    const reason = (entry?.metadata as { reason?: unknown } | undefined)?.reason;
    return { broadcastId, winner: broadcast.winnerVariant, reason: typeof reason === "string" ? reason : "" };
  }

  const metric = (broadcast.winnerMetric ?? "conversion") as WinnerMetric;
  const results = await loadBroadcastResults(pgPool(), broadcast, metric, now);
  if (!results.statistics) return null; // one variant: nothing to choose (the draft checks refuse it)
  const choice = chooseWinner(results.statistics, metric, broadcast.winnerAfterHours ?? 0);
  const label = variantsOf(broadcast).find((v) => v.key === choice.key);

  const claimed = await db().$transaction(async (tx) => {
    if (!(await claimWinner(prismaQueryable(tx), broadcast.id, choice.key, now))) return false;
    await recordAudit(tx, {
      workspaceId: broadcast.workspaceId,
      actor: WINNER_ACTOR,
      action: WINNER_AUDIT_ACTION,
      targetType: "broadcast",
      targetId: broadcast.id,
      summary: `Sent "${label?.name || choice.key}" to the rest of "${broadcast.name}" (${choice.significant ? "significantly best" : "best observed"} ${METRIC_NOUNS[metric]})`,
      metadata: { winner: choice.key, metric, significant: choice.significant, reason: choice.reason },
    });
    return true;
  });
  if (!claimed) return null;
  await startRestPhase(broadcast.id, choice.key, now);
  return { broadcastId, winner: choice.key, reason: choice.reason };
}
