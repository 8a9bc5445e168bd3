import { z } from "zod";
import { type Queryable, selectRow } from "../../db/sql";

const UsageRow = z.object({
  promptTokens: z.number(),
  completionTokens: z.number(),
  requests: z.number(),
});
export type UsageCounts = z.output<typeof UsageRow>;

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

/**
 * Holds `tokens` of the month for a call about to be made, only if the month's total stays within `limit`: one
 * statement, so calls made at once cannot all see the same tokens left. The hold is counted as completion tokens
 * until `settleUsage` replaces it with what the provider reported. Answers false when it does not fit.
 */
export async function reserveUsage(
  q: Queryable,
  workspaceId: string,
  month: string,
  tokens: number,
  limit: number,
): Promise<boolean> {
  const { rowCount } = await q.query(
    `INSERT INTO "LlmUsage" ("workspaceId", month, "promptTokens", "completionTokens", requests)
     SELECT $1::uuid, $2, 0, $3::int, 0 WHERE $3::int <= $4::int
     ON CONFLICT ("workspaceId", month) DO UPDATE SET
       "completionTokens" = "LlmUsage"."completionTokens" + EXCLUDED."completionTokens"
     WHERE "LlmUsage"."promptTokens" + "LlmUsage"."completionTokens" + EXCLUDED."completionTokens" <= $4::int`,
    [workspaceId, month, tokens, limit],
  );
  return (rowCount ?? 0) > 0;
}

/** Replaces a call's hold with the tokens it used (none when it failed) and counts the request if it was made. */
export async function settleUsage(
  q: Queryable,
  workspaceId: string,
  month: string,
  reserved: number,
  used: { promptTokens: number; completionTokens: number } | null,
): Promise<void> {
  await q.query(
    `UPDATE "LlmUsage" SET
       "promptTokens" = "promptTokens" + $3::int,
       "completionTokens" = GREATEST(0, "completionTokens" - $4::int + $5::int),
       requests = requests + $6::int
     WHERE "workspaceId" = $1::uuid AND month = $2`,
    [workspaceId, month, used?.promptTokens ?? 0, reserved, used?.completionTokens ?? 0, used ? 1 : 0],
  );
}
