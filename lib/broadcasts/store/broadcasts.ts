import { z } from "zod";
import { execute, type Queryable, selectRow, selectRows } from "../../db/sql";

/**
 * The SQL of the broadcast lifecycle (lib/broadcasts/*.ts): locks, the list and its counts, progress counted from
 * a broadcast's messages, and the chunked cancel. Plain reads and writes of one row go through Prisma.
 */

/** Locks the broadcast's row for the rest of `q`'s transaction; its status as it is now, or null when not there. */
export async function lockBroadcast(q: Queryable, workspaceId: string, id: string): Promise<string | null> {
  const row = await selectRow(
    q,
    z.object({ status: z.string() }),
    `SELECT status::text AS status FROM "Broadcast" WHERE id = $1 AND "workspaceId" = $2 FOR UPDATE`,
    [id, workspaceId],
  );
  return row?.status ?? null;
}

const ListRow = z.object({ id: z.string() });

/** Ids of the workspace's broadcasts, newest first: not archived, in `status` if given, names containing `q`. */
export async function selectBroadcastIds(
  q: Queryable,
  workspaceId: string,
  filter: { status?: string; q?: string },
  limit: number,
): Promise<string[]> {
  const rows = await selectRows(
    q,
    ListRow,
    `SELECT id FROM "Broadcast"
      WHERE "workspaceId" = $1 AND "archivedAt" IS NULL
        AND ($2::text IS NULL OR status::text = $2)
        AND ($3::text IS NULL OR strpos(lower(name), lower($3)) > 0)
      ORDER BY "createdAt" DESC, id DESC
      LIMIT $4`,
    [workspaceId, filter.status ?? null, filter.q || null, limit],
  );
  return rows.map((r) => r.id);
}

/** How many broadcasts (not archived) the workspace has in each status. */
export async function countBroadcastsByStatus(q: Queryable, workspaceId: string): Promise<Map<string, number>> {
  const rows = await selectRows(
    q,
    z.object({ status: z.string(), n: z.number() }),
    `SELECT status::text AS status, count(*)::int AS n FROM "Broadcast"
      WHERE "workspaceId" = $1 AND "archivedAt" IS NULL GROUP BY status`,
    [workspaceId],
  );
  return new Map(rows.map((r) => [r.status, r.n]));
}

const EngagementRow = z.object({ broadcastId: z.string(), sent: z.number(), opened: z.number(), clicked: z.number() });

/**
 * Sent, opened and clicked messages of the listed broadcasts that have started (the list's columns), in one grouped
 * pass. Opens and clicks read the rows themselves, so this costs about a second per million messages listed.
 */
export async function countEngagement(
  q: Queryable,
  broadcastIds: string[],
): Promise<Map<string, z.infer<typeof EngagementRow>>> {
  if (!broadcastIds.length) return new Map();
  const rows = await selectRows(
    q,
    EngagementRow,
    `SELECT "broadcastId", count("sentAt")::int AS sent, count("openedAt")::int AS opened,
            count("clickedAt")::int AS clicked
       FROM "Message" WHERE "broadcastId" = ANY($1::uuid[]) GROUP BY "broadcastId"`,
    [broadcastIds],
  );
  return new Map(rows.map((r) => [r.broadcastId, r]));
}

const CountRow = z.object({ variant: z.string().nullable(), status: z.string(), n: z.number() });

/** A broadcast's messages by variant and status (the index on broadcastId, status serves it). */
export async function countMessagesByVariant(q: Queryable, broadcastId: string): Promise<z.infer<typeof CountRow>[]> {
  return selectRows(
    q,
    CountRow,
    `SELECT variant, status::text AS status, count(*)::int AS n FROM "Message"
      WHERE "broadcastId" = $1 GROUP BY variant, status`,
    [broadcastId],
  );
}

/** People held out of a broadcast. */
export async function countHoldout(q: Queryable, broadcastId: string): Promise<number> {
  const row = await selectRow(
    q,
    z.object({ n: z.number() }),
    `SELECT count(*)::int AS n FROM "BroadcastHoldout" WHERE "broadcastId" = $1`,
    [broadcastId],
  );
  return row?.n ?? 0;
}

const ControlRow = z.object({ sent: z.number(), pending: z.number(), cancelled: z.number(), inFlight: z.number() });

/**
 * What a pause or cancel leaves: messages out (sent, delivered, bounced), still queued and free, cancelled, and
 * queued but held by a sender's claim at `now` (they finish).
 */
export async function countControlState(
  q: Queryable,
  broadcastId: string,
  now: Date,
): Promise<z.infer<typeof ControlRow>> {
  const row = await selectRow(
    q,
    ControlRow,
    `SELECT count(*) FILTER (WHERE status IN ('SENT', 'DELIVERED', 'BOUNCED'))::int AS sent,
            count(*) FILTER (WHERE status = 'QUEUED' AND ("claimedUntil" IS NULL OR "claimedUntil" <= $2))::int AS pending,
            count(*) FILTER (WHERE status = 'CANCELLED')::int AS cancelled,
            count(*) FILTER (WHERE status = 'QUEUED' AND "claimedUntil" > $2)::int AS "inFlight"
       FROM "Message" WHERE "broadcastId" = $1`,
    [broadcastId, now],
  );
  return row ?? { sent: 0, pending: 0, cancelled: 0, inFlight: 0 };
}

/**
 * Cancels up to `limit` of the broadcast's queued messages that no sender holds at `now`; returns how many. The
 * caller repeats until it answers fewer than `limit`, each call its own short transaction.
 */
export async function cancelQueuedChunk(q: Queryable, broadcastId: string, now: Date, limit: number): Promise<number> {
  return execute(
    q,
    `UPDATE "Message" SET status = 'CANCELLED', "statusReason" = 'The broadcast was cancelled', "updatedAt" = $2
      WHERE id IN (SELECT id FROM "Message"
                    WHERE "broadcastId" = $1 AND status = 'QUEUED' AND ("claimedUntil" IS NULL OR "claimedUntil" <= $2)
                    LIMIT $3 FOR UPDATE SKIP LOCKED)`,
    [broadcastId, now, limit],
  );
}
