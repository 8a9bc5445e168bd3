import { z } from "zod";
import { execute, type Queryable, selectRows } from "../../db/sql";

/** SegmentMembershipChange's announcement state: which entries and exits were announced (cairn/segment.changed). */

const UndispatchedRow = z.object({ id: z.string(), workspaceId: z.string() });

/** Changes not announced yet, recorded before `olderThan`, oldest first. */
export function selectUndispatchedChanges(q: Queryable, olderThan: Date, limit: number) {
  return selectRows(
    q,
    UndispatchedRow,
    `SELECT id::text, "workspaceId" FROM "SegmentMembershipChange" WHERE "dispatchedAt" IS NULL AND at < $1 ORDER BY id LIMIT $2`,
    [olderThan, limit],
  );
}

/** Marks the workspace's changes with ids in [fromId, toId] as announced at `now`. */
export async function markChangesDispatched(
  q: Queryable,
  range: { workspaceId: string; fromId: string; toId: string },
  now: Date,
): Promise<void> {
  await execute(
    q,
    `UPDATE "SegmentMembershipChange" SET "dispatchedAt" = $4 WHERE "workspaceId" = $1 AND id BETWEEN $2 AND $3 AND "dispatchedAt" IS NULL`,
    [range.workspaceId, range.fromId, range.toId, now],
  );
}
