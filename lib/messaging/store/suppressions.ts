import { z } from "zod";
import { execute, type Queryable, selectRows } from "../../db/sql";

/** The SQL of the suppression list (Suppression): addresses of a workspace that must never receive again. */

const SuppressionRow = z.object({ address: z.string(), reason: z.string() });

/** Which of `addresses` (normalised) are on the workspace's suppression list for the channel, and why. */
export function selectSuppressions(
  q: Queryable,
  workspaceId: string,
  channel: string,
  addresses: string[],
): Promise<z.infer<typeof SuppressionRow>[]> {
  return selectRows(
    q,
    SuppressionRow,
    `SELECT address, reason FROM "Suppression" WHERE "workspaceId" = $1 AND channel = $2 AND address = ANY($3::text[])`,
    [workspaceId, channel, addresses],
  );
}

/** Adds normalised addresses to the list; an address already there keeps its first reason. */
export async function insertSuppressions(
  q: Queryable,
  entry: { workspaceId: string; channel: string; reason: string; detail: string; messageId: string | null; at: Date },
  addresses: string[],
): Promise<void> {
  await execute(
    q,
    `INSERT INTO "Suppression" ("workspaceId", channel, address, reason, detail, "messageId", "createdAt")
     SELECT $1, $2, a, $4, $5, $6, $7 FROM unnest($3::text[]) AS a ON CONFLICT DO NOTHING`,
    [entry.workspaceId, entry.channel, addresses, entry.reason, entry.detail, entry.messageId, entry.at],
  );
}
