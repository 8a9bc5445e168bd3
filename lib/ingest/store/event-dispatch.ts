import { z } from "zod";
import { execute, type Queryable, selectRows } from "../../db/sql";

/**
 * The SQL of the ingest log's hand-off side (EventDispatch.dispatchedAt; lib/ingest/dispatch.ts sends the rows to
 * Inngest). The rollup side (rolledUpAt) is ./rollup.ts.
 */
const PendingDispatchRow = z.object({ id: z.string(), workspaceId: z.string(), eventIds: z.array(z.string()) });
export type PendingDispatch = z.infer<typeof PendingDispatchRow>;

/** The oldest log rows not yet handed off, ids as text (bigints). */
export function selectPendingDispatches(q: Queryable, limit: number): Promise<PendingDispatch[]> {
  return selectRows(
    q,
    PendingDispatchRow,
    `SELECT id::text, "workspaceId", "eventIds"::text[] AS "eventIds" FROM "EventDispatch"
      WHERE "dispatchedAt" IS NULL ORDER BY id LIMIT $1`,
    [limit],
  );
}

/** Counts a failed hand-off of the rows, keeping its error (cut to 500 characters). */
export async function recordDispatchFailure(q: Queryable, ids: string[], error: string): Promise<void> {
  await execute(
    q,
    `UPDATE "EventDispatch" SET attempts = attempts + 1, "lastError" = $2 WHERE id = ANY($1::bigint[])`,
    [ids, error.slice(0, 500)],
  );
}

/** Marks the rows handed off (those another dispatcher has not marked already). */
export async function markDispatched(q: Queryable, ids: string[]): Promise<void> {
  await execute(
    q,
    `UPDATE "EventDispatch" SET "dispatchedAt" = now(), attempts = attempts + 1, "lastError" = NULL WHERE id = ANY($1::bigint[]) AND "dispatchedAt" IS NULL`,
    [ids],
  );
}
