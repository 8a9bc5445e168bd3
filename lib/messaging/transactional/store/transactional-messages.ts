import { z } from "zod";
import { type Queryable, selectRow } from "../../../db/sql";
import { type DeliveryMessage, DeliveryMessageRow, MESSAGE_COLUMNS } from "../../store/deliveries";

/**
 * The SQL of transactional messages (lib/messaging/transactional/): the person an
 * address belongs to, the message a caller's idempotency key made, storing a new one, and a message's status for
 * GET /api/v1/messages/{id}. Every read is scoped by the workspace.
 */

const ProfileIdRow = z.object({ id: z.string() });

/**
 * The live (not merged) profile of the workspace with one of these emails or phone numbers, as stored: the most
 * recently seen when several share it. Exact matches on the indexed column (the caller passes the address as
 * given and its lower-case form), so a send does not scan a million profiles.
 */
export async function selectProfileIdByAddress(
  q: Queryable,
  workspaceId: string,
  column: "email" | "phone",
  values: string[],
): Promise<string | null> {
  const row = await selectRow(
    q,
    ProfileIdRow,
    column === "email"
      ? `SELECT id FROM "Profile" WHERE "workspaceId" = $1 AND email = ANY($2::text[]) AND "mergedIntoId" IS NULL ORDER BY "lastSeenAt" DESC LIMIT 1`
      : `SELECT id FROM "Profile" WHERE "workspaceId" = $1 AND phone = ANY($2::text[]) AND "mergedIntoId" IS NULL ORDER BY "lastSeenAt" DESC LIMIT 1`,
    [workspaceId, values],
  );
  return row?.id ?? null;
}

const KeyedMessageRow = z.object({ id: z.string(), status: z.string(), requestHash: z.string().nullable() });
export type KeyedMessage = z.infer<typeof KeyedMessageRow>;

/** The message an idempotency key (already prefixed with the workspace: "t:<workspaceId>:<key>") made, or undefined. */
export function selectMessageByIdempotencyKey(q: Queryable, idempotencyKey: string): Promise<KeyedMessage | undefined> {
  return selectRow(
    q,
    KeyedMessageRow,
    `SELECT id, status::text, context->>'requestHash' AS "requestHash" FROM "Message" WHERE "idempotencyKey" = $1`,
    [idempotencyKey],
  );
}

export interface NewTransactionalMessage {
  id: string;
  workspaceId: string;
  profileId: string | null;
  channel: string;
  templateId: string;
  inlineContent: Record<string, unknown> | null;
  /** the address of an address-only message (a profile's message gets it when it is claimed) */
  to: string | null;
  idempotencyKey: string;
  context: { data: Record<string, unknown>; requestHash: string };
  /** the subscription topic the request named (`topic`), or null */
  topicId: string | null;
  now: Date;
}

/**
 * Stores the message QUEUED in the transactional category and returns it as delivery reads it (so delivery need
 * not read it back). Returns undefined when a message with its idempotency key exists already (a concurrent
 * request with the same key won): nothing is stored then.
 */
export function insertTransactionalMessage(
  q: Queryable,
  m: NewTransactionalMessage,
): Promise<DeliveryMessage | undefined> {
  return selectRow(
    q,
    DeliveryMessageRow,
    `INSERT INTO "Message" (id, "workspaceId", "profileId", channel, "templateId", "inlineContent", "to", category, "idempotencyKey", context, "topicId", "createdAt", "updatedAt")
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'transactional', $8, $9, $11, $10, $10)
     ON CONFLICT ("idempotencyKey") DO NOTHING RETURNING ${MESSAGE_COLUMNS}`,
    [
      m.id,
      m.workspaceId,
      m.profileId,
      m.channel,
      m.templateId,
      m.inlineContent === null ? null : JSON.stringify(m.inlineContent),
      m.to,
      m.idempotencyKey,
      JSON.stringify(m.context),
      m.now,
      m.topicId,
    ],
  );
}

const MessageStatusRow = z.object({
  id: z.string(),
  status: z.string(),
  statusReason: z.string().nullable(),
  channel: z.string(),
  category: z.string(),
  profileId: z.string().nullable(),
  userId: z.string().nullable(),
  to: z.string().nullable(),
  templateId: z.string(),
  templateName: z.string().nullable(),
  templateVersion: z.number().nullable(),
  broadcastId: z.string().nullable(),
  broadcastName: z.string().nullable(),
  journeyId: z.string().nullable(),
  journeyName: z.string().nullable(),
  attempts: z.number(),
  createdAt: z.date(),
  sendAfter: z.date().nullable(),
  sentAt: z.date().nullable(),
  deliveredAt: z.date().nullable(),
  openedAt: z.date().nullable(),
  clickedAt: z.date().nullable(),
});
export type MessageStatusRow = z.infer<typeof MessageStatusRow>;

/** One message of the workspace as its status reads (any category), or undefined. `messageId` must be a uuid. */
export function selectMessageStatus(
  q: Queryable,
  workspaceId: string,
  messageId: string,
): Promise<MessageStatusRow | undefined> {
  return selectRow(
    q,
    MessageStatusRow,
    `SELECT m.id, m.status::text, m."statusReason", m.channel, m.category, m."profileId", p."userId", m."to",
            m."templateId", t.name AS "templateName", m."templateVersion", m."broadcastId", b.name AS "broadcastName",
            m."journeyId", j.name AS "journeyName", m.attempts, m."createdAt", m."sendAfter", m."sentAt",
            m."deliveredAt", m."openedAt", m."clickedAt"
       FROM "Message" m
       LEFT JOIN "Profile" p ON p.id = m."profileId"
       LEFT JOIN "MessageTemplate" t ON t.id::text = m."templateId" AND t."workspaceId" = m."workspaceId"
       LEFT JOIN "Broadcast" b ON b.id = m."broadcastId"
       LEFT JOIN "Journey" j ON j.id = m."journeyId"
      WHERE m."workspaceId" = $1 AND m.id = $2`,
    [workspaceId, messageId],
  );
}
