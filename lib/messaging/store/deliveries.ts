import { z } from "zod";
import { execute, type Queryable, selectRow, selectRows } from "../../db/sql";
import type { Channel } from "../liquid";

/**
 * The SQL of delivering a message (lib/messaging/delivery.ts decides; these statements read and move a Message
 * row through it): the message and what its checks read, the claim, and the states a send ends in. Every write
 * is by message id, inside the caller's transaction.
 */

export const MESSAGE_COLUMNS = `id, "workspaceId", "profileId", "journeyId", "journeyVersionId", channel, "templateId", status::text, "idempotencyKey", category, "inlineContent", "to", "topicId", context, "sendAfter", "claimedUntil", attempts, "createdAt"`;

export const DeliveryMessageRow = z.object({
  id: z.string(),
  workspaceId: z.string(),
  // null: a transactional message to an address that is no one's profile (`to` holds the address)
  profileId: z.string().nullable(),
  journeyId: z.string().nullable(),
  journeyVersionId: z.string().nullable(),
  // any text: delivery fails a message whose channel it does not know, by name, rather than the read failing
  channel: z.custom<Channel>((value) => typeof value === "string"),
  templateId: z.string(),
  status: z.string(),
  idempotencyKey: z.string(),
  // "marketing" (caps, quiet hours, consent) or "transactional" (only suppressions)
  category: z.string(),
  // a transactional message's own content (templateId "inline")
  inlineContent: z.record(z.string(), z.unknown()).nullable(),
  to: z.string().nullable(),
  // the subscription topic: a person not subscribed to it is suppressed, whatever the category
  topicId: z.string().nullable(),
  // what the journey knew when it queued the message (the trigger), or a transactional send's `data`
  context: z.looseObject({
    trigger: z
      .looseObject({ name: z.string().nullish(), properties: z.record(z.string(), z.unknown()).nullish() })
      .nullish(),
    data: z.record(z.string(), z.unknown()).nullish(),
  }),
  sendAfter: z.date().nullable(),
  claimedUntil: z.date().nullable(),
  attempts: z.number(),
  createdAt: z.date(),
});
export type DeliveryMessage = z.infer<typeof DeliveryMessageRow>;

/** The message as delivery reads it, without a lock (the checks' settings are loaded before the transaction). */
export async function selectDeliveryMessage(q: Queryable, messageId: string): Promise<DeliveryMessage | undefined> {
  return selectRow(q, DeliveryMessageRow, `SELECT ${MESSAGE_COLUMNS} FROM "Message" WHERE id = $1`, [messageId]);
}

/** The message as delivery reads it, locked until `q`'s transaction ends. */
export async function lockDeliveryMessage(q: Queryable, messageId: string): Promise<DeliveryMessage | undefined> {
  return selectRow(q, DeliveryMessageRow, `SELECT ${MESSAGE_COLUMNS} FROM "Message" WHERE id = $1 FOR UPDATE`, [
    messageId,
  ]);
}

const JourneyPublicationRow = z.object({ name: z.string().nullable(), publishedAt: z.date().nullable() });

/** The journey's name and when its version was published (each null when the message has none, or it is gone). */
export async function selectJourneyPublication(
  q: Queryable,
  journeyId: string | null,
  journeyVersionId: string | null,
): Promise<z.infer<typeof JourneyPublicationRow> | undefined> {
  return selectRow(
    q,
    JourneyPublicationRow,
    `SELECT j.name, v."publishedAt" FROM (SELECT 1) one LEFT JOIN "Journey" j ON j.id = $1 LEFT JOIN "JourneyVersion" v ON v.id = $2`,
    [journeyId, journeyVersionId],
  );
}

/** Ends the message: suppressed, failed or bounced, with the reason, releasing any claim. */
export async function finishMessage(
  q: Queryable,
  messageId: string,
  status: "SUPPRESSED" | "FAILED" | "BOUNCED",
  reason: string,
  now: Date,
): Promise<void> {
  await execute(
    q,
    `UPDATE "Message" SET status = $2::"MessageStatus", "statusReason" = $3, "claimedUntil" = NULL, "updatedAt" = $4 WHERE id = $1`,
    [messageId, status, reason, now],
  );
}

/** Holds the message back until `until` (quiet hours). */
export async function delayMessage(q: Queryable, messageId: string, until: Date, now: Date): Promise<void> {
  await execute(q, `UPDATE "Message" SET "sendAfter" = $2, "updatedAt" = $3 WHERE id = $1`, [messageId, until, now]);
}

/** Serialises frequency-cap checks of one person on one channel until `q`'s transaction ends. */
export async function lockPersonChannel(q: Queryable, profileId: string, channel: string): Promise<void> {
  await execute(q, `SELECT pg_advisory_xact_lock(hashtextextended($1, 7302))`, [`${profileId}:${channel}`]);
}

const SentAtRow = z.object({ at: z.date() });

/**
 * When the person's other marketing messages on the channel were sent since `since`; a message claimed by a sender
 * right now counts as sent `now` (it is going out). Transactional messages (a receipt, a password reset) never count
 * against a marketing cap, as in Braze and Customer.io.
 */
export async function selectRecentSendTimes(
  q: Queryable,
  profileIds: string[],
  channel: string,
  exceptMessageId: string,
  now: Date,
  since: Date,
): Promise<Date[]> {
  const rows = await selectRows(
    q,
    SentAtRow,
    `SELECT COALESCE("sentAt", $4) AS at FROM "Message"
          WHERE "profileId" = ANY($1::uuid[]) AND channel = $2 AND id <> $3
            AND ("sentAt" > $5 OR (status = 'QUEUED' AND "claimedUntil" > $4)) AND category <> 'transactional'`,
    [profileIds, channel, exceptMessageId, now, since],
  );
  return rows.map((r) => r.at);
}

/** Claims the message for a send until `until`, recording what goes out (counts as an attempt). */
export async function claimMessage(
  q: Queryable,
  messageId: string,
  claim: {
    until: Date;
    templateVersion: number | null;
    to: string;
    content: Record<string, unknown>;
    provider: string;
  },
  now: Date,
): Promise<void> {
  await execute(
    q,
    `UPDATE "Message" SET "claimedUntil" = $2, attempts = attempts + 1, "templateVersion" = $3, "to" = $4, content = $5, provider = $6, "sendAfter" = NULL, "updatedAt" = $7 WHERE id = $1`,
    [messageId, claim.until, claim.templateVersion, claim.to, JSON.stringify(claim.content), claim.provider, now],
  );
}

const WorkspaceIdRow = z.object({ workspaceId: z.string() });

/** A queued message put in the in-app inbox: delivered at once. Returns its workspace, or undefined if it was not queued. */
export async function markDeliveredToInbox(q: Queryable, messageId: string, now: Date): Promise<string | undefined> {
  const row = await selectRow(
    q,
    WorkspaceIdRow,
    `UPDATE "Message" SET status = 'DELIVERED', "sentAt" = $2, "deliveredAt" = $2, "claimedUntil" = NULL, "updatedAt" = $2 WHERE id = $1 AND status = 'QUEUED' RETURNING "workspaceId"`,
    [messageId, now],
  );
  return row?.workspaceId;
}

const SentRow = z.object({ workspaceId: z.string(), channel: z.custom<Channel>((value) => typeof value === "string") });

/**
 * Records the provider's acceptance: SENT at `sentAt` (a message the embedded SMTP server already marked
 * DELIVERED stays so). Returns the message's workspace and channel, or undefined if something else ended it.
 */
export async function markSent(
  q: Queryable,
  messageId: string,
  sentAt: Date,
  providerMessageId: string | null,
  now: Date,
): Promise<z.infer<typeof SentRow> | undefined> {
  return selectRow(
    q,
    SentRow,
    `UPDATE "Message" SET status = CASE WHEN status = 'DELIVERED' THEN status ELSE 'SENT' END, "sentAt" = $2,
              "providerMessageId" = $3, "claimedUntil" = NULL, "statusReason" = NULL, "updatedAt" = $4
        WHERE id = $1 AND (status = 'QUEUED' OR (status = 'DELIVERED' AND "providerMessageId" IS NULL)) RETURNING "workspaceId", channel`,
    [messageId, sentAt, providerMessageId, now],
  );
}

const MessageStateRow = z.object({
  id: z.string(),
  workspaceId: z.string(),
  channel: z.custom<Channel>((value) => typeof value === "string"),
  status: z.string(),
});
export type MessageState = z.infer<typeof MessageStateRow>;

/** The message's status, locked until `q`'s transaction ends. */
export async function lockMessageState(q: Queryable, messageId: string): Promise<MessageState | undefined> {
  return selectRow(
    q,
    MessageStateRow,
    `SELECT id, "workspaceId", channel, status::text FROM "Message" WHERE id = $1 FOR UPDATE`,
    [messageId],
  );
}

/** Releases the claim after a retryable failure and makes the message due again at `retryAt`. */
export async function scheduleRetry(
  q: Queryable,
  messageId: string,
  reason: string,
  now: Date,
  retryAt: Date,
): Promise<void> {
  await execute(
    q,
    `UPDATE "Message" SET "claimedUntil" = NULL, "sendAfter" = $4, "statusReason" = $2, "updatedAt" = $3 WHERE id = $1`,
    [messageId, reason, now, retryAt],
  );
}

const ProfileIdRow = z.object({ profileId: z.string() });

/** The profile the message was queued for (none if the message is gone or went to an address of no profile). */
export async function selectMessageProfileIds(q: Queryable, messageId: string): Promise<string[]> {
  const rows = await selectRows(
    q,
    ProfileIdRow,
    `SELECT "profileId" FROM "Message" WHERE id = $1 AND "profileId" IS NOT NULL`,
    [messageId],
  );
  return rows.map((r) => r.profileId);
}

const DueRow = z.object({ id: z.string(), due: z.date() });

/**
 * Hands due messages back (lib/messaging/delivery.ts, claimDueMessages, says which and why): up to `limit` of them,
 * locked with SKIP LOCKED, their sendAfter and claim cleared and updatedAt set to `now`. Returns each with the
 * moment it became due.
 */
export function handOverDueMessages(
  q: Queryable,
  now: Date,
  limit: number,
  graceBefore: Date,
  unclaimedBefore: Date,
): Promise<z.infer<typeof DueRow>[]> {
  return selectRows(
    q,
    DueRow,
    `WITH due AS (
         SELECT id, COALESCE("sendAfter", "claimedUntil", "updatedAt") AS due FROM "Message"
          WHERE status = 'QUEUED' AND "broadcastId" IS NULL AND (("sendAfter" <= $1 AND attempts = 0) OR "sendAfter" <= $3 OR "claimedUntil" < $3
                OR ("sendAfter" IS NULL AND "claimedUntil" IS NULL AND "updatedAt" < $4))
          ORDER BY 2 LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE "Message" m SET "sendAfter" = NULL, "claimedUntil" = NULL, "updatedAt" = $1 FROM due WHERE m.id = due.id RETURNING m.id, due.due`,
    [now, limit, graceBefore, unclaimedBefore],
  );
}
