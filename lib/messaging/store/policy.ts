import { z } from "zod";
import { type Queryable, selectRows } from "../../db/sql";

/** The SQL the messaging policy (lib/messaging/policy.ts) needs besides its own row, which Prisma reads and writes. */

const IdRow = z.object({ id: z.string() });

/**
 * The workspace's live dynamic segments whose definition tests reachability, directly or through another segment
 * (a condition of kind "reachable" or "segment" anywhere in it).
 */
export async function selectSegmentsReadingReachability(q: Queryable, workspaceId: string): Promise<string[]> {
  const rows = await selectRows(
    q,
    IdRow,
    `SELECT id::text FROM "Segment"
     WHERE "workspaceId" = $1::uuid AND kind = 'dynamic' AND "archivedAt" IS NULL
       AND jsonb_path_exists(definition, 'strict $.**.kind ? (@ == "reachable" || @ == "segment")')`,
    [workspaceId],
  );
  return rows.map((r) => r.id);
}
