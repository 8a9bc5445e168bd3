import { execute, type Queryable } from "../../db/sql";

/** The SQL of RejectedEvent (lib/ingest/rejected-events.ts decides what is kept and for how long). */

/** Inserts one request's rejected messages (`i`: batch index, `r`: reasons, `p`: payload text) in one statement. */
export async function insertRejectedEvents(
  q: Queryable,
  workspaceId: string,
  meta: { receivedAt: Date; source: string; keyPrefix: string | null; endpoint: string },
  records: { i: number; r: { path: string; message: string }[]; p: string }[],
): Promise<void> {
  await execute(
    q,
    `INSERT INTO "RejectedEvent" ("workspaceId", "receivedAt", source, "keyPrefix", endpoint, "batchIndex", reasons, payload)
     SELECT $1, $2, $3, $4, $5, i, r, p FROM json_to_recordset($6::json) AS x(i int, r jsonb, p text) ORDER BY i`,
    [workspaceId, meta.receivedAt, meta.source, meta.keyPrefix, meta.endpoint, JSON.stringify(records)],
  );
}

/** Deletes the rejected messages received before `cutoff`; returns how many. */
export function deleteRejectedEventsBefore(q: Queryable, cutoff: Date): Promise<number> {
  return execute(q, `DELETE FROM "RejectedEvent" WHERE "receivedAt" < $1`, [cutoff]);
}
