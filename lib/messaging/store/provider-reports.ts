import { z } from "zod";
import { execute, type Queryable, selectRows } from "../../db/sql";
import type { Channel } from "../liquid";

/**
 * The SQL of providers' delivery reports (lib/messaging/provider-events.ts): finding the messages a report names
 * and moving their status. Each status change applies only from the states it may follow, and returns whether it
 * did, so a replayed report changes nothing.
 */

const ReportedMessageRow = z.object({
  id: z.string(),
  workspaceId: z.string(),
  // null: a transactional message to an address of no profile
  profileId: z.string().nullable(),
  channel: z.custom<Channel>((value) => typeof value === "string"),
  status: z.string(),
  to: z.string().nullable(),
});
export type ReportedMessage = z.infer<typeof ReportedMessageRow>;

const TARGET_COLUMNS = `id, "workspaceId", "profileId", channel, status::text, "to"`;

const ReportedMessageWithIdRow = ReportedMessageRow.extend({ providerMessageId: z.string().nullable() });

/** The workspace's messages with one of these ids or provider ids, locked in id order until `q`'s transaction ends. */
export function lockReportedMessages(
  q: Queryable,
  workspaceId: string,
  messageIds: string[],
  providerMessageIds: string[],
): Promise<z.infer<typeof ReportedMessageWithIdRow>[]> {
  return selectRows(
    q,
    ReportedMessageWithIdRow,
    `SELECT ${TARGET_COLUMNS}, "providerMessageId" FROM "Message"
        WHERE "workspaceId" = $1 AND (id = ANY($2::uuid[]) OR "providerMessageId" = ANY($3::text[])) ORDER BY id FOR UPDATE`,
    [workspaceId, messageIds, providerMessageIds],
  );
}

/** The workspace's messages sent through Twilio with this SID, locked until `q`'s transaction ends. */
export function lockTwilioMessages(q: Queryable, workspaceId: string, sid: string): Promise<ReportedMessage[]> {
  return selectRows(
    q,
    ReportedMessageRow,
    `SELECT ${TARGET_COLUMNS} FROM "Message" WHERE "workspaceId" = $1 AND provider = 'twilio' AND "providerMessageId" = $2 FOR UPDATE`,
    [workspaceId, sid],
  );
}

const WorkspaceIdRow = z.object({ workspaceId: z.string() });

/** The workspaces (at most 20) that have a message sent through Twilio with this SID. */
export async function selectTwilioSidWorkspaces(q: Queryable, sid: string): Promise<string[]> {
  const rows = await selectRows(
    q,
    WorkspaceIdRow,
    `SELECT DISTINCT "workspaceId"::text FROM "Message" WHERE provider = 'twilio' AND "providerMessageId" = $1 LIMIT 20`,
    [sid],
  );
  return rows.map((r) => r.workspaceId);
}

/** SENT → DELIVERED; returns whether the message was SENT. */
export async function markDelivered(q: Queryable, messageId: string, at: Date): Promise<boolean> {
  return (
    (await execute(
      q,
      `UPDATE "Message" SET status = 'DELIVERED', "deliveredAt" = COALESCE("deliveredAt", $2), "updatedAt" = $2 WHERE id = $1 AND status = 'SENT'`,
      [messageId, at],
    )) > 0
  );
}

/** SENT or DELIVERED → BOUNCED or FAILED, with the reason; returns whether the message was in one of those. */
export async function markUndelivered(
  q: Queryable,
  messageId: string,
  status: "BOUNCED" | "FAILED",
  reason: string,
  at: Date,
): Promise<boolean> {
  return (
    (await execute(
      q,
      `UPDATE "Message" SET status = $2::"MessageStatus", "statusReason" = $3, "updatedAt" = $4 WHERE id = $1 AND status IN ('SENT', 'DELIVERED')`,
      [messageId, status, reason, at],
    )) > 0
  );
}
