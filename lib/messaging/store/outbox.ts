import { z } from "zod";
import { execute, type Queryable, selectRow, selectRows } from "../../db/sql";

/**
 * The SQL of the Outbox (OutboxEmail): the mail the embedded SMTP server received (lib/messaging/outbox-smtp.ts
 * stores it, lib/messaging/outbox.ts lists and shows it).
 */

const OutboxListRow = z.object({
  id: z.string(),
  messageId: z.string().nullable(),
  to: z.array(z.string()),
  from: z.string(),
  subject: z.string(),
  receivedAt: z.date(),
});

/**
 * A page of the workspace's mail, newest first, received before mail `before`; `search` (LIKE-escaped) matches the
 * subject or a recipient.
 */
export function selectOutboxPage(
  q: Queryable,
  workspaceId: string,
  search: string | null,
  before: string | null,
  limit: number,
): Promise<z.infer<typeof OutboxListRow>[]> {
  return selectRows(
    q,
    OutboxListRow,
    `SELECT id, "messageId", "envelopeTo" AS "to", "envelopeFrom" AS "from", subject, "receivedAt" FROM "OutboxEmail"
      WHERE "workspaceId" = $1
        AND ($2::text IS NULL OR subject ILIKE '%' || $2 || '%' OR array_to_string("envelopeTo", ' ') ILIKE '%' || $2 || '%')
        AND ($3::uuid IS NULL OR ("receivedAt", id) < (SELECT "receivedAt", id FROM "OutboxEmail" WHERE id = $3))
      ORDER BY "receivedAt" DESC, id DESC LIMIT $4`,
    [workspaceId, search, before, limit],
  );
}

const OutboxMailRow = OutboxListRow.extend({ raw: z.string() });

/** One mail of the workspace, with its raw MIME. */
export function selectOutboxMail(
  q: Queryable,
  workspaceId: string,
  id: string,
): Promise<z.infer<typeof OutboxMailRow> | undefined> {
  return selectRow(
    q,
    OutboxMailRow,
    `SELECT id, "messageId", "envelopeTo" AS "to", "envelopeFrom" AS "from", subject, "receivedAt", raw FROM "OutboxEmail" WHERE "workspaceId" = $1 AND id = $2`,
    [workspaceId, id],
  );
}

/** Stores a received mail. */
export async function insertOutboxEmail(
  q: Queryable,
  mail: {
    workspaceId: string | null;
    messageId: string | null;
    envelopeFrom: string;
    envelopeTo: string[];
    subject: string;
    raw: string;
    receivedAt: Date;
  },
): Promise<void> {
  await execute(
    q,
    `INSERT INTO "OutboxEmail" (id, "workspaceId", "messageId", "envelopeFrom", "envelopeTo", subject, raw, "receivedAt") VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7)`,
    [mail.workspaceId, mail.messageId, mail.envelopeFrom, mail.envelopeTo, mail.subject, mail.raw, mail.receivedAt],
  );
}

/**
 * The workspace's message a mail carried is delivered (from QUEUED or SENT: a mail may arrive before its sender
 * recorded SENT, and is then sent at the same moment). Returns whether it changed.
 */
export async function markDeliveredByOutbox(
  q: Queryable,
  messageId: string,
  workspaceId: string,
  now: Date,
): Promise<boolean> {
  return (
    (await execute(
      q,
      `UPDATE "Message" SET status = 'DELIVERED', "deliveredAt" = $3, "sentAt" = COALESCE("sentAt", $3), "updatedAt" = $3
            WHERE id = $1 AND "workspaceId" = $2 AND status IN ('QUEUED', 'SENT')`,
      [messageId, workspaceId, now],
    )) > 0
  );
}
