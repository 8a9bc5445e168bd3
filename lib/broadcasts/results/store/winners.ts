import { z } from "zod";
import { execute, type Queryable, selectRows } from "../../../db/sql";

/**
 * The winner-after-test's SQL (lib/broadcasts/results/decide-winner.ts). A test is due when the broadcast sends its
 * test phase, its test group is all materialized and out (no QUEUED message: a local-time send may hold some
 * back until a far zone's hour), and `winnerAfterHours` have passed since it started.
 */

const DueRow = z.object({ id: z.string() });

export async function selectDueWinnerTests(q: Queryable, now: Date, limit = 50): Promise<string[]> {
  const rows = await selectRows(
    q,
    DueRow,
    `SELECT b.id FROM "Broadcast" b
      WHERE b.status = 'SENDING' AND b.phase = 'test' AND b."testPercent" IS NOT NULL AND b."winnerAfterHours" IS NOT NULL
        AND b."startedAt" + make_interval(hours => b."winnerAfterHours") <= $1 AND b."audienceDone"
        AND NOT EXISTS (SELECT 1 FROM "Message" m WHERE m."broadcastId" = b.id AND m.status = 'QUEUED')
      ORDER BY b."startedAt", b.id
      LIMIT $2`,
    [now, limit],
  );
  return rows.map((r) => r.id);
}

/**
 * Records the decision once: true for the caller that set it, false when another run decided first or the
 * broadcast left its test phase (cancelled, paused) since it was read.
 */
export async function claimWinner(q: Queryable, broadcastId: string, winner: string, now: Date): Promise<boolean> {
  const changed = await execute(
    q,
    `UPDATE "Broadcast" SET "winnerVariant" = $2, "winnerDecidedAt" = $3, "updatedAt" = $3
      WHERE id = $1 AND status = 'SENDING' AND phase = 'test' AND "winnerVariant" IS NULL`,
    [broadcastId, winner, now],
  );
  return changed === 1;
}
