import { z } from "zod";
import { execute, type Queryable, selectRow, selectRows } from "../../../db/sql";

/**
 * The SQL of a broadcast's send state (lib/broadcasts/send): the broadcast as its sender reads it, the heartbeat,
 * what is left to send, completion, and the sweep's starts and restarts. The messages' statements are ./sender.ts.
 */

// ---------------------------------------------------------------------------------------------------------
// The broadcast

const SendingBroadcastRow = z.object({
  id: z.string(),
  workspaceId: z.string(),
  name: z.string(),
  channel: z.string(),
  /** a webhook broadcast's request settings (parsed by ../webhook-send.ts), null for other channels */
  webhook: z.unknown(),
  status: z.string(),
  phase: z.string().nullable(),
  testPercent: z.number().nullable(),
  throttlePerMinute: z.number().nullable(),
  audienceDone: z.boolean(),
  startedAt: z.date().nullable(),
  lastProgressAt: z.date().nullable(),
});
export type SendingBroadcast = z.infer<typeof SendingBroadcastRow>;

/** The broadcast as its sender reads it, or undefined when it is gone. */
export function selectSendingBroadcast(q: Queryable, broadcastId: string): Promise<SendingBroadcast | undefined> {
  return selectRow(
    q,
    SendingBroadcastRow,
    `SELECT id, "workspaceId", name, channel, webhook, status::text, phase, "testPercent", "throttlePerMinute", "audienceDone", "startedAt", "lastProgressAt"
       FROM "Broadcast" WHERE id = $1`,
    [broadcastId],
  );
}

/** The sender's heartbeat: progress was made at `at` (or, for a chain that sleeps, is expected by `at`). */
export async function touchProgress(q: Queryable, broadcastId: string, at: Date): Promise<void> {
  await execute(q, `UPDATE "Broadcast" SET "lastProgressAt" = $2 WHERE id = $1 AND status = 'SENDING'`, [
    broadcastId,
    at,
  ]);
}

/**
 * SENDING → SENT when its audience is materialized and no message of it is QUEUED any more. Returns whether it
 * changed (false: something is still queued, or the broadcast was paused or cancelled meanwhile).
 */
export async function completeBroadcast(q: Queryable, broadcastId: string, now: Date): Promise<boolean> {
  const touched = await execute(
    q,
    `UPDATE "Broadcast" b SET status = 'SENT', "completedAt" = $2, "lastProgressAt" = $2, "updatedAt" = $2
      WHERE b.id = $1 AND b.status = 'SENDING' AND b."audienceDone" AND b.phase IS DISTINCT FROM 'test'
        AND NOT EXISTS (SELECT 1 FROM "Message" m WHERE m."broadcastId" = b.id AND m.status = 'QUEUED')`,
    [broadcastId, now],
  );
  return touched > 0;
}

const NextWorkRow = z.object({ dueNow: z.boolean(), queued: z.boolean(), nextAt: z.date().nullable() });

/**
 * What is left of the broadcast's QUEUED messages at `now`: whether one is due now (not waiting, not claimed),
 * whether any is queued at all, and the earliest moment one becomes due (its sendAfter, or a live claim's end).
 */
export function selectNextWork(q: Queryable, broadcastId: string, now: Date): Promise<z.infer<typeof NextWorkRow>> {
  return selectRow(
    q,
    NextWorkRow,
    `SELECT EXISTS (SELECT 1 FROM "Message" WHERE "broadcastId" = $1 AND status = 'QUEUED'
                       AND ("sendAfter" IS NULL OR "sendAfter" <= $2) AND ("claimedUntil" IS NULL OR "claimedUntil" < $2)) AS "dueNow",
            EXISTS (SELECT 1 FROM "Message" WHERE "broadcastId" = $1 AND status = 'QUEUED') AS queued,
            (SELECT min(GREATEST("sendAfter", "claimedUntil")) FROM "Message" WHERE "broadcastId" = $1 AND status = 'QUEUED') AS "nextAt"`,
    [broadcastId, now],
  ) as Promise<z.infer<typeof NextWorkRow>>;
}

// ---------------------------------------------------------------------------------------------------------
// The sweep (lib/broadcasts/send/sweep-broadcasts.ts)

const IdRow = z.object({ id: z.string() });

/** SCHEDULED broadcasts whose time came: SENDING from `now`, in the test phase when they test variants first. */
export async function startDueBroadcasts(q: Queryable, now: Date, limit: number): Promise<string[]> {
  const rows = await selectRows(
    q,
    IdRow,
    `WITH due AS (SELECT id FROM "Broadcast" WHERE status = 'SCHEDULED' AND ("sendAt" IS NULL OR "sendAt" <= $1)
                   ORDER BY "sendAt" NULLS FIRST LIMIT $2 FOR UPDATE SKIP LOCKED)
     UPDATE "Broadcast" b SET status = 'SENDING', "startedAt" = COALESCE(b."startedAt", $1),
            phase = CASE WHEN b."testPercent" IS NOT NULL THEN COALESCE(b.phase, 'test') ELSE b.phase END,
            "lastProgressAt" = $1, "updatedAt" = $1
       FROM due WHERE b.id = due.id RETURNING b.id`,
    [now, limit],
  );
  return rows.map((r) => r.id);
}

/**
 * SENDING broadcasts whose chain went quiet (no heartbeat since `quietSince`) and that have work now: audience
 * left to materialize, or a message due. Their heartbeat is set to `now`, so the next sweep leaves them to the
 * chain it starts. A chain waiting for the winner, or sleeping until a local send time, has no work now (its
 * heartbeat is set to the moment it wakes), so it is left alone.
 */
export async function claimStalledBroadcasts(
  q: Queryable,
  now: Date,
  quietSince: Date,
  limit: number,
): Promise<string[]> {
  const rows = await selectRows(
    q,
    IdRow,
    `WITH stalled AS (
         SELECT b.id FROM "Broadcast" b
          WHERE b.status = 'SENDING' AND COALESCE(b."lastProgressAt", b."startedAt", b."updatedAt") < $2
            AND (NOT b."audienceDone" OR EXISTS (
                  SELECT 1 FROM "Message" m WHERE m."broadcastId" = b.id AND m.status = 'QUEUED'
                     AND (m."sendAfter" IS NULL OR m."sendAfter" <= $1) AND (m."claimedUntil" IS NULL OR m."claimedUntil" < $1)))
          LIMIT $3 FOR UPDATE OF b SKIP LOCKED)
     UPDATE "Broadcast" b SET "lastProgressAt" = $1 FROM stalled WHERE b.id = stalled.id RETURNING b.id`,
    [now, quietSince, limit],
  );
  return rows.map((r) => r.id);
}

/**
 * Messages of broadcasts cancelled since `since` that are QUEUED again with nobody on them: a batch in flight when
 * the cancel came put them back (a retry's backoff, quiet hours) after the cancel's own pass. Up to `limit`.
 */
export async function cancelLeftovers(q: Queryable, now: Date, since: Date, limit: number): Promise<number> {
  return execute(
    q,
    `UPDATE "Message" SET status = 'CANCELLED', "statusReason" = 'The broadcast was cancelled', "updatedAt" = $1
      WHERE id IN (SELECT m.id FROM "Broadcast" b JOIN "Message" m ON m."broadcastId" = b.id
                    WHERE b.status = 'CANCELLED' AND b."cancelledAt" > $2 AND m.status = 'QUEUED'
                      AND (m."claimedUntil" IS NULL OR m."claimedUntil" <= $1)
                    LIMIT $3 FOR UPDATE OF m SKIP LOCKED)`,
    [now, since, limit],
  );
}
