import { z } from "zod";
import { type Queryable, selectRow, selectRows } from "../../db/sql";

/** The raw SQL of a journey's live counts (lib/engine/read-model.ts); the plain GROUP BYs stay Prisma calls there. */

const LiveNodeIdsRow = z.object({
  // jsonb array of the live version's node ids; null when the journey has no live version
  liveNodeIds: z.array(z.string()).nullable(),
});

/**
 * The journey, when it is in this workspace: the node ids of its live version (not the whole graph: this is
 * polled), or undefined when there is no such journey.
 */
export async function selectJourneyLiveNodeIds(
  q: Queryable,
  workspaceId: string,
  journeyId: string,
): Promise<z.infer<typeof LiveNodeIdsRow> | undefined> {
  return selectRow(
    q,
    LiveNodeIdsRow,
    `SELECT (SELECT jsonb_path_query_array(v.graph, '$.nodes[*].id') FROM "JourneyVersion" v WHERE v.id = j."liveVersionId") AS "liveNodeIds"
      FROM "Journey" j
     WHERE j.id = $1::uuid AND j."workspaceId" = $2::uuid`,
    [journeyId, workspaceId],
  );
}

// count() is int8, which Prisma returns as a bigint (node-postgres would give a string); a count fits a number.
const count = z.bigint().transform(Number);

const NodeMessageCountsRow = z.object({
  nodeId: z.string().nullable(),
  sent: count,
  delivered: count,
  opened: count,
  clicked: count,
  failed: count,
  suppressed: count,
});

/**
 * The journey's messages per node (@@index([journeyId, nodeId]) on Message): the timestamps count each stage once
 * per message.
 */
export async function selectMessageCountsByNode(
  q: Queryable,
  journeyId: string,
): Promise<z.infer<typeof NodeMessageCountsRow>[]> {
  return selectRows(
    q,
    NodeMessageCountsRow,
    `SELECT "nodeId", count("sentAt") AS sent, count("deliveredAt") AS delivered, count("openedAt") AS opened, count("clickedAt") AS clicked,
             count(*) FILTER (WHERE status IN ('BOUNCED', 'FAILED')) AS failed, count(*) FILTER (WHERE status = 'SUPPRESSED') AS suppressed
        FROM "Message" WHERE "journeyId" = $1::uuid GROUP BY "nodeId"`,
    [journeyId],
  );
}
