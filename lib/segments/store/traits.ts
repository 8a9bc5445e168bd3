import { z } from "zod";
import { type Queryable, selectRows } from "../../db/sql";

const TraitRow = z.object({ name: z.string(), types: z.array(z.string()) });

/** ProfileTrait (kept by lib/ingest/rollup.ts): each trait key with the types it was seen with, by name. */
export function selectTraitCatalog(q: Queryable, workspaceId: string, limit: number) {
  return selectRows(
    q,
    TraitRow,
    `SELECT key AS name, array_agg(type ORDER BY type) AS types FROM "ProfileTrait" WHERE "workspaceId" = $1 GROUP BY key ORDER BY key LIMIT $2`,
    [workspaceId, limit],
  );
}
