import { z } from "zod";
import { type Queryable, selectRows } from "../../db/sql";

const PredictionStateRow = z.object({ id: z.string(), archived: z.boolean() });

/** Which of `ids` are predictions of the workspace, and whether each is archived (validation of conditions). */
export function selectPredictionStates(q: Queryable, workspaceId: string, ids: readonly string[]) {
  return selectRows(
    q,
    PredictionStateRow,
    `SELECT id, "archivedAt" IS NOT NULL AS archived FROM "Prediction" WHERE "workspaceId" = $1::uuid AND id = ANY($2::uuid[])`,
    [workspaceId, [...ids]],
  );
}
