import { EVENT_INGESTED, inngest, isInngestConfigured, type EventIngestedData } from "@/inngest/client";
import { pgPool } from "../db/pool";
import { backgroundDrain } from "../runtime/background-drain";

/**
 * Hands ingested events to Inngest as `cairn/event.ingested`, from the EventDispatch outbox that the
 * ingest transaction writes. Each outbox row becomes one Inngest event whose id is the row's id, and
 * Inngest drops a second event with the same id, so a crash between sending and marking the row sent
 * cannot deliver twice. Rows stay pending while no Inngest (cloud, self-hosted, or the embedded
 * executor) is configured, and are sent once one is.
 */
export interface EventSender {
  send(events: { id: string; name: string; data: EventIngestedData }[]): Promise<unknown>;
}

export async function dispatchPendingEvents(sender: EventSender, limit = 200): Promise<{ dispatched: number; failed: boolean }> {
  // No transaction is held while sending: on the embedded database a transaction has the database to
  // itself, and the embedded executor must write the events it receives before it answers. Two
  // dispatchers that pick the same rows send the same event ids, and Inngest keeps the first.
  const pool = pgPool();
  const { rows } = await pool.query<{ id: string; workspaceId: string; eventIds: string[] }>(
    `SELECT id::text, "workspaceId", "eventIds"::text[] AS "eventIds" FROM "EventDispatch"
      WHERE "dispatchedAt" IS NULL ORDER BY id LIMIT $1`,
    [limit],
  );
  if (!rows.length) return { dispatched: 0, failed: false };
  const ids = rows.map((r) => r.id);
  try {
    await sender.send(rows.map((r) => ({ id: `cairn-dispatch-${r.id}`, name: EVENT_INGESTED, data: { workspaceId: r.workspaceId, eventIds: r.eventIds } })));
  } catch (error) {
    await pool.query(`UPDATE "EventDispatch" SET attempts = attempts + 1, "lastError" = $2 WHERE id = ANY($1::bigint[])`, [ids, String((error as Error).message ?? error).slice(0, 500)]);
    return { dispatched: 0, failed: true };
  }
  await pool.query(`UPDATE "EventDispatch" SET "dispatchedAt" = now(), attempts = attempts + 1, "lastError" = NULL WHERE id = ANY($1::bigint[]) AND "dispatchedAt" IS NULL`, [ids]);
  return { dispatched: rows.length, failed: false };
}

const DISPATCH_BATCH = 200;
const dispatcher = backgroundDrain(
  "event dispatch",
  async () => {
    // Round again only after a full batch: a kick that arrives meanwhile makes the drain go round anyway,
    // so a partial batch means the log was empty when it was read.
    const { dispatched, failed } = await dispatchPendingEvents(inngest as unknown as EventSender, DISPATCH_BATCH);
    return !failed && dispatched >= DISPATCH_BATCH;
  },
  5_000,
);

/** Send now, and keep sweeping for rows a crash or an outage left behind. */
export function kickEventDispatch(): void {
  if (isInngestConfigured()) dispatcher.kick();
}
