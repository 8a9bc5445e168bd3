import { z } from "zod";
import { execute, type Queryable, selectRow, selectRows } from "../../db/sql";

/**
 * The SQL of the in-app inbox (lib/messaging/inbox.ts): a person's delivered in-app messages, read and dismissed
 * marks, and the messages a test send puts straight into an inbox. A person is named by userId; their inbox holds
 * the messages of every profile merged into them.
 */

const PROFILE_OF_USER = `SELECT COALESCE(p."mergedIntoId", p.id) FROM "ProfileIdentity" i JOIN "Profile" p ON p.id = i."profileId" WHERE i."workspaceId" = $1 AND i.kind = 'user' AND i.value = $2`;

/**
 * The content as sent, written by delivery (lib/messaging/prepare-send.ts) or a test send: its fields are the
 * rendered template's, passed on as they are (a field the template left out is absent).
 */
const InboxContent = z.custom<{ title: string; body: string; cta?: { label: string; url: string } | null }>(
  (value) => typeof value === "object" && value !== null,
);

const InboxRow = z.object({
  id: z.string(),
  content: InboxContent,
  createdAt: z.date(),
  readAt: z.date().nullable(),
  // count(*) is a bigint: text from node-postgres
  unread: z.string(),
});

/** The person's delivered, undismissed in-app messages, newest first, each with the number unread among all of them. */
export function selectInboxMessages(
  q: Queryable,
  workspaceId: string,
  userId: string,
  options: { unreadOnly: boolean; limit: number },
): Promise<z.infer<typeof InboxRow>[]> {
  return selectRows(
    q,
    InboxRow,
    `SELECT m.id, m.content, m."createdAt", m."readAt", count(*) FILTER (WHERE m."readAt" IS NULL) OVER () AS unread
       FROM "Message" m
      WHERE m."workspaceId" = $1 AND m.channel = 'in_app' AND m.status = 'DELIVERED' AND m."dismissedAt" IS NULL
        AND m."profileId" IN (SELECT id FROM "Profile" WHERE id IN (${PROFILE_OF_USER}) OR "mergedIntoId" IN (${PROFILE_OF_USER}))
        AND ($3::boolean IS NOT TRUE OR m."readAt" IS NULL)
      ORDER BY m."createdAt" DESC LIMIT $4`,
    [workspaceId, userId, options.unreadOnly, options.limit],
  );
}

const MarkedRow = z.object({
  id: z.string(),
  profileId: z.string(),
  journeyId: z.string().nullable(),
  templateId: z.string(),
  readAt: z.date().nullable(),
  dismissedAt: z.date().nullable(),
  changed: z.boolean(),
});

/**
 * Marks one of the person's in-app messages read (which also opens it) or dismissed, keeping an earlier time.
 * `changed`: it was not marked so before. Undefined when the person has no such delivered message.
 */
export function markInboxMessage(
  q: Queryable,
  workspaceId: string,
  userId: string,
  messageId: string,
  action: "read" | "dismissed",
  now: Date,
): Promise<z.infer<typeof MarkedRow> | undefined> {
  return selectRow(
    q,
    MarkedRow,
    `WITH target AS (
         SELECT m.id, m."readAt", m."dismissedAt" FROM "Message" m
          WHERE m.id = $3 AND m."workspaceId" = $1 AND m.channel = 'in_app' AND m.status = 'DELIVERED'
            AND m."profileId" IN (SELECT id FROM "Profile" WHERE id IN (${PROFILE_OF_USER}) OR "mergedIntoId" IN (${PROFILE_OF_USER}))
          FOR UPDATE)
       UPDATE "Message" m SET
         "readAt" = CASE WHEN $5 = 'read' THEN COALESCE(m."readAt", $4) ELSE m."readAt" END,
         "openedAt" = CASE WHEN $5 = 'read' THEN COALESCE(m."openedAt", $4) ELSE m."openedAt" END,
         "dismissedAt" = CASE WHEN $5 = 'dismissed' THEN COALESCE(m."dismissedAt", $4) ELSE m."dismissedAt" END,
         "updatedAt" = $4
        FROM target t WHERE m.id = t.id
        RETURNING m.id, m."profileId", m."journeyId", m."templateId", m."readAt", m."dismissedAt", (CASE WHEN $5 = 'read' THEN t."readAt" ELSE t."dismissedAt" END) IS NULL AS changed`,
    [workspaceId, userId, messageId, now, action],
  );
}

/** A test send's in-app message: delivered to the person's inbox at once, outside any journey. */
export async function insertTestInboxMessage(
  q: Queryable,
  message: {
    id: string;
    workspaceId: string;
    profileId: string;
    idempotencyKey: string;
    context: Record<string, unknown>;
    to: string;
    content: Record<string, unknown>;
  },
  now: Date,
): Promise<void> {
  await execute(
    q,
    `INSERT INTO "Message" (id, "workspaceId", "profileId", channel, "templateId", status, "idempotencyKey", context, "to", content, provider, "deliveredAt", "createdAt", "updatedAt")
           VALUES ($1, $2, $3, 'in_app', 'test', 'DELIVERED', $4, $5, $6, $7, 'inbox', $8, $8, $8)`,
    [
      message.id,
      message.workspaceId,
      message.profileId,
      message.idempotencyKey,
      JSON.stringify(message.context),
      message.to,
      JSON.stringify(message.content),
      now,
    ],
  );
}
