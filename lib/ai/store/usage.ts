import { z } from "zod";
import { type Queryable, selectRow } from "../../db/sql";

const UsageRow = z.object({
  promptTokens: z.number(),
  completionTokens: z.number(),
  requests: z.number(),
});
export type UsageCounts = z.output<typeof UsageRow>;

/** Adds one call's tokens to the workspace's month, in one statement (concurrent calls add up, none is lost). */
export async function addUsage(
  q: Queryable,
  workspaceId: string,
  month: string,
  promptTokens: number,
  completionTokens: number,
): Promise<UsageCounts> {
  const row = await selectRow(
    q,
    UsageRow,
    `INSERT INTO "LlmUsage" ("workspaceId", month, "promptTokens", "completionTokens", requests)
     VALUES ($1::uuid, $2, $3, $4, 1)
     ON CONFLICT ("workspaceId", month) DO UPDATE SET
       "promptTokens" = "LlmUsage"."promptTokens" + EXCLUDED."promptTokens",
       "completionTokens" = "LlmUsage"."completionTokens" + EXCLUDED."completionTokens",
       requests = "LlmUsage".requests + 1
     RETURNING "promptTokens", "completionTokens", requests`,
    [workspaceId, month, promptTokens, completionTokens],
  );
  return row ?? { promptTokens, completionTokens, requests: 1 };
}

export async function selectUsage(q: Queryable, workspaceId: string, month: string): Promise<UsageCounts> {
  return (
    (await selectRow(
      q,
      UsageRow,
      `SELECT "promptTokens", "completionTokens", requests FROM "LlmUsage" WHERE "workspaceId" = $1::uuid AND month = $2`,
      [workspaceId, month],
    )) ?? { promptTokens: 0, completionTokens: 0, requests: 0 }
  );
}
