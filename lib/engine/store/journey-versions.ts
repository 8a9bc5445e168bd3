import { z } from "zod";
import { type Queryable, selectRows } from "../../db/sql";

/** The SQL of the journeys the engine runs: published versions (lib/engine/graphs.ts compiles them) and live journeys. */

const JourneyVersionRow = z.object({
  id: z.string(),
  journeyId: z.string(),
  // jsonb; lib/engine/graphs.ts parses it with ZJourneyGraph
  graph: z.unknown(),
  publishedAt: z.date(),
  workspaceId: z.string(),
});

/** These journey versions, with their journey's workspace. */
export async function selectJourneyVersions(
  q: Queryable,
  versionIds: string[],
): Promise<z.infer<typeof JourneyVersionRow>[]> {
  return selectRows(
    q,
    JourneyVersionRow,
    `SELECT v.id, v."journeyId", v.graph, v."publishedAt", j."workspaceId" FROM "JourneyVersion" v JOIN "Journey" j ON j.id = v."journeyId" WHERE v.id = ANY($1::uuid[])`,
    [versionIds],
  );
}

const LiveJourneyRow = z.object({ id: z.string(), liveVersionId: z.string() });

/** The workspace's live journeys, each with its live version. */
export async function selectLiveJourneys(q: Queryable, workspaceId: string): Promise<z.infer<typeof LiveJourneyRow>[]> {
  return selectRows(
    q,
    LiveJourneyRow,
    `SELECT id, "liveVersionId" FROM "Journey" WHERE "workspaceId" = $1 AND status = 'LIVE' AND "liveVersionId" IS NOT NULL`,
    [workspaceId],
  );
}
