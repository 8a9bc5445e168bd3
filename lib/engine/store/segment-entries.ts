import { z } from "zod";
import { type Queryable, selectRows } from "../../db/sql";

const SegmentEntryRow = z.object({
  // bigint id, as text (the SQL casts it)
  id: z.string(),
  segmentId: z.string(),
  profileId: z.string(),
  at: z.date(),
  name: z.string(),
});
export type SegmentEntry = z.infer<typeof SegmentEntryRow>;

/**
 * Entries into these segments recorded in the workspace after change `afterId` up to `toId`, in id order, at most
 * `limit`: the person as they are now (an entry of someone merged since counts for the person they became), and
 * the segment's name.
 */
export async function selectSegmentEntries(
  q: Queryable,
  workspaceId: string,
  afterId: string,
  toId: string,
  segmentIds: string[],
  limit: number,
): Promise<SegmentEntry[]> {
  return selectRows(
    q,
    SegmentEntryRow,
    `SELECT c.id::text, c."segmentId", COALESCE(p."mergedIntoId", c."profileId") AS "profileId", c.at, s.name
           FROM "SegmentMembershipChange" c JOIN "Profile" p ON p.id = c."profileId" JOIN "Segment" s ON s.id = c."segmentId"
          WHERE c."workspaceId" = $1 AND c.id > $2 AND c.id <= $3 AND c.kind = 'entered' AND c."segmentId" = ANY($4::uuid[])
          ORDER BY c.id LIMIT $5`,
    [workspaceId, afterId, toId, segmentIds, limit],
  );
}
