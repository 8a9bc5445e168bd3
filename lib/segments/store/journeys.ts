import { z } from "zod";
import { type Queryable, selectRows } from "../../db/sql";

const JourneyUseRow = z.object({ id: z.string(), name: z.string(), status: z.string() });

/** Unarchived journeys whose draft or live version mentions the segment id, by name. */
export function selectJourneysMentioning(q: Queryable, workspaceId: string, segmentId: string) {
  return selectRows(
    q,
    JourneyUseRow,
    `SELECT j.id, j.name, j.status::text FROM "Journey" j LEFT JOIN "JourneyVersion" v ON v.id = j."liveVersionId"
      WHERE j."workspaceId" = $1 AND j.status <> 'ARCHIVED' AND (strpos(j.draft::text, $2) > 0 OR strpos(v.graph::text, $2) > 0) ORDER BY j.name`,
    [workspaceId, segmentId],
  );
}
