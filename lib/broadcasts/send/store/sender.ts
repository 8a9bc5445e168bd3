import { z } from "zod";
import { execute, type Queryable, selectRows } from "../../../db/sql";
import type { Channel } from "../../../messaging/liquid";

/**
 * The SQL of a broadcast's sender (lib/broadcasts/send): claiming a batch of its due messages, reading what the
 * checks need for the whole batch at once, and recording the batch's outcomes with one statement per kind. The
 * statements are the batched twins of lib/messaging/store/deliveries.ts (one message at a time): same columns,
 * same statuses, and every write keeps the status check, so a message something else already ended (a cancel, a
 * second sender, the embedded SMTP server's delivery report) is left as it is.
 */

// ---------------------------------------------------------------------------------------------------------
// The batch: claim

const IdRow = z.object({ id: z.string() });

const ClaimedRow = z.object({
  id: z.string(),
  workspaceId: z.string(),
  profileId: z.string().nullable(),
  journeyId: z.string().nullable(),
  journeyVersionId: z.string().nullable(),
  channel: z.custom<Channel>((value) => typeof value === "string"),
  templateId: z.string(),
  variant: z.string().nullable(),
  // the broadcast's subscription topic, copied onto each message when it was materialized
  topicId: z.string().nullable(),
  status: z.string(),
  idempotencyKey: z.string(),
  context: z.looseObject({
    trigger: z
      .looseObject({ name: z.string().nullish(), properties: z.record(z.string(), z.unknown()).nullish() })
      .nullish(),
  }),
  sendAfter: z.date().nullable(),
  claimedUntil: z.date().nullable(),
  attempts: z.number(),
});
export type ClaimedMessage = z.infer<typeof ClaimedRow>;

/**
 * Claims up to `limit` of the broadcast's due messages until `until` (one more attempt each): QUEUED, not
 * waiting (sendAfter passed) and not held by a live claim (a crashed sender's claim lapses). Never-delayed
 * messages first, then those whose wait ended, earliest first. Rows another sender is claiming right now are
 * skipped (SKIP LOCKED), so two senders never take the same message.
 *
 * Two legs instead of one `ORDER BY "sendAfter" NULLS FIRST, id`: that order matches no index, so each batch
 * would sort every queued message of the broadcast; each leg here reads the (broadcastId, status, sendAfter)
 * index in its own order and stops at `limit`.
 */
export function claimDueBroadcastMessages(
  q: Queryable,
  broadcastId: string,
  now: Date,
  until: Date,
  limit: number,
): Promise<ClaimedMessage[]> {
  return selectRows(
    q,
    ClaimedRow,
    `WITH fresh AS (
         SELECT id FROM "Message" WHERE "broadcastId" = $1 AND status = 'QUEUED' AND "sendAfter" IS NULL
            AND ("claimedUntil" IS NULL OR "claimedUntil" < $2) LIMIT $4 FOR UPDATE SKIP LOCKED),
     waited AS (
         SELECT id FROM "Message" WHERE "broadcastId" = $1 AND status = 'QUEUED' AND "sendAfter" <= $2
            AND ("claimedUntil" IS NULL OR "claimedUntil" < $2)
          ORDER BY "sendAfter" LIMIT ($4 - (SELECT count(*) FROM fresh)) FOR UPDATE SKIP LOCKED),
     due AS (SELECT id FROM fresh UNION ALL SELECT id FROM waited)
     UPDATE "Message" m SET "claimedUntil" = $3, attempts = m.attempts + 1, "updatedAt" = $2 FROM due WHERE m.id = due.id
     RETURNING m.id, m."workspaceId", m."profileId", m."journeyId", m."journeyVersionId", m.channel, m."templateId", m.variant, m."topicId",
               m.status::text, m."idempotencyKey", m.context, m."sendAfter", m."claimedUntil", m.attempts`,
    [broadcastId, now, until, limit],
  );
}

// ---------------------------------------------------------------------------------------------------------
// The batch: what the checks read

const PushTokens = z.array(z.looseObject({ token: z.string(), type: z.string().optional() }));
const BatchRecipientRow = z.object({
  forId: z.string(),
  id: z.string(),
  userId: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  timezone: z.string().nullable(),
  traits: z.record(z.string(), z.unknown()),
  pushTokens: PushTokens,
});

/** The person each profile is now (following a merge, like selectRecipient), keyed by the profile id asked for. */
export async function selectRecipients(
  q: Queryable,
  profileIds: string[],
): Promise<Map<string, z.infer<typeof BatchRecipientRow>>> {
  const rows = await selectRows(
    q,
    BatchRecipientRow,
    `SELECT r.id AS "forId", p.id, p."userId", p.email, p.phone, p.timezone, p.traits, p."pushTokens"
       FROM "Profile" r JOIN "Profile" p ON p.id = COALESCE(r."mergedIntoId", r.id) WHERE r.id = ANY($1::uuid[])`,
    [profileIds],
  );
  return new Map(rows.map((r) => [r.forId, r]));
}

const ConsentRow = z.object({ profileId: z.string(), status: z.enum(["opted_in", "subscribed", "unsubscribed"]) });

/** The people's consent records for the channel, keyed by person. */
export async function selectConsentStatuses(
  q: Queryable,
  profileIds: string[],
  channel: string,
): Promise<Map<string, z.infer<typeof ConsentRow>["status"]>> {
  const rows = await selectRows(
    q,
    ConsentRow,
    `SELECT "profileId", status FROM "ChannelConsent" WHERE "profileId" = ANY($1::uuid[]) AND channel = $2`,
    [profileIds, channel],
  );
  return new Map(rows.map((r) => [r.profileId, r.status]));
}

/**
 * Serialises the frequency-cap checks of these people on the channel until `q`'s transaction ends: the same
 * advisory keys as lockPersonChannel (lib/messaging/store/deliveries.ts), so a journey's delivery and a broadcast
 * batch wait for each other; taken in one order, so two batches cannot deadlock.
 */
export async function lockPeopleOnChannel(q: Queryable, profileIds: string[], channel: string): Promise<void> {
  await execute(
    q,
    `SELECT pg_advisory_xact_lock(hashtextextended(k, 7302)) FROM (SELECT DISTINCT unnest($1::text[]) || ':' || $2 AS k ORDER BY 1) keys`,
    [profileIds, channel],
  );
}

const RecentSendRow = z.object({ profileId: z.string(), at: z.date() });

/**
 * When these people's other messages on the channel were sent since `since` (a message claimed right now counts
 * as sent `now`), the batch's own messages left out.
 */
export function selectRecentSends(
  q: Queryable,
  profileIds: string[],
  channel: string,
  exceptMessageIds: string[],
  now: Date,
  since: Date,
): Promise<z.infer<typeof RecentSendRow>[]> {
  return selectRows(
    q,
    RecentSendRow,
    `SELECT "profileId", COALESCE("sentAt", $4) AS at FROM "Message"
      WHERE "profileId" = ANY($1::uuid[]) AND channel = $2 AND id <> ALL($3::uuid[])
        AND ("sentAt" > $5 OR (status = 'QUEUED' AND "claimedUntil" > $4))`,
    [profileIds, channel, exceptMessageIds, now, since],
  );
}

// ---------------------------------------------------------------------------------------------------------
// The batch: recording outcomes (each statement only touches messages still QUEUED)

/** Ends messages as suppressed, failed or bounced with their reasons; returns the ids it ended. */
export async function finishMessages(
  q: Queryable,
  ended: { id: string; status: "SUPPRESSED" | "FAILED" | "BOUNCED"; reason: string }[],
  now: Date,
): Promise<string[]> {
  if (!ended.length) return [];
  const rows = await selectRows(
    q,
    IdRow,
    `UPDATE "Message" m SET status = u.status::"MessageStatus", "statusReason" = u.reason, "claimedUntil" = NULL, "updatedAt" = $4
       FROM unnest($1::uuid[], $2::text[], $3::text[]) AS u(id, status, reason)
      WHERE m.id = u.id AND m.status = 'QUEUED' RETURNING m.id`,
    [ended.map((e) => e.id), ended.map((e) => e.status), ended.map((e) => e.reason), now],
  );
  return rows.map((r) => r.id);
}

/**
 * Holds messages back until their `until` (quiet hours) and releases the claim. The wait is not an attempt: the
 * claim's attempt is given back, as a one-at-a-time delivery counts none for it.
 */
export async function delayMessages(
  q: Queryable,
  delayed: { id: string; until: Date }[],
  now: Date,
): Promise<string[]> {
  if (!delayed.length) return [];
  const rows = await selectRows(
    q,
    IdRow,
    `UPDATE "Message" m SET "sendAfter" = u.until, "claimedUntil" = NULL, attempts = GREATEST(m.attempts - 1, 0), "updatedAt" = $3
       FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, until)
      WHERE m.id = u.id AND m.status = 'QUEUED' RETURNING m.id`,
    [delayed.map((d) => d.id), delayed.map((d) => d.until), now],
  );
  return rows.map((r) => r.id);
}

/** After retryable failures: the claims released, each message due again at its retryAt. */
export async function scheduleRetries(
  q: Queryable,
  retries: { id: string; reason: string; retryAt: Date }[],
  now: Date,
): Promise<string[]> {
  if (!retries.length) return [];
  const rows = await selectRows(
    q,
    IdRow,
    `UPDATE "Message" m SET "claimedUntil" = NULL, "sendAfter" = u.retry_at, "statusReason" = u.reason, "updatedAt" = $4
       FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS u(id, reason, retry_at)
      WHERE m.id = u.id AND m.status = 'QUEUED' RETURNING m.id`,
    [retries.map((r) => r.id), retries.map((r) => r.reason), retries.map((r) => r.retryAt), now],
  );
  return rows.map((r) => r.id);
}

export interface SentRecord {
  id: string;
  sentAt: Date;
  providerMessageId: string | null;
  to: string;
  content: Record<string, unknown>;
  provider: string;
  templateVersion: number;
}

/**
 * Records the provider's acceptances: SENT at each one's sentAt, with what went out. A message the embedded SMTP
 * server already marked DELIVERED stays so (as markSent). A message cancelled while its send was in flight went
 * out all the same, and is recorded as sent: the broadcast's counts say what people received. Returns the ids
 * recorded.
 */
export async function markSentMessages(q: Queryable, sent: SentRecord[], now: Date): Promise<string[]> {
  if (!sent.length) return [];
  const rows = await selectRows(
    q,
    IdRow,
    `UPDATE "Message" m SET status = CASE WHEN m.status = 'DELIVERED' THEN m.status ELSE 'SENT' END, "sentAt" = u.sent_at,
            "providerMessageId" = u.provider_message_id, "claimedUntil" = NULL, "statusReason" = NULL, "updatedAt" = $8,
            "to" = u.recipient, content = u.content, provider = u.provider, "templateVersion" = u.template_version
       FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::int[])
            AS u(id, sent_at, provider_message_id, recipient, content, provider, template_version)
      WHERE m.id = u.id AND (m.status IN ('QUEUED', 'CANCELLED') OR (m.status = 'DELIVERED' AND m."providerMessageId" IS NULL))
      RETURNING m.id`,
    [
      sent.map((s) => s.id),
      sent.map((s) => s.sentAt),
      sent.map((s) => s.providerMessageId),
      sent.map((s) => s.to),
      sent.map((s) => JSON.stringify(s.content)),
      sent.map((s) => s.provider),
      sent.map((s) => s.templateVersion),
      now,
    ],
  );
  return rows.map((r) => r.id);
}

/** In-app messages put in their inboxes: delivered at once (as markDeliveredToInbox). Returns the ids recorded. */
export async function markDeliveredToInboxes(
  q: Queryable,
  delivered: Omit<SentRecord, "sentAt" | "providerMessageId">[],
  now: Date,
): Promise<string[]> {
  if (!delivered.length) return [];
  const rows = await selectRows(
    q,
    IdRow,
    `UPDATE "Message" m SET status = 'DELIVERED', "sentAt" = $6, "deliveredAt" = $6, "claimedUntil" = NULL, "updatedAt" = $6,
            "to" = u.recipient, content = u.content, provider = u.provider, "templateVersion" = u.template_version
       FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::text[], $5::int[]) AS u(id, recipient, content, provider, template_version)
      WHERE m.id = u.id AND m.status = 'QUEUED' RETURNING m.id`,
    [
      delivered.map((d) => d.id),
      delivered.map((d) => d.to),
      delivered.map((d) => JSON.stringify(d.content)),
      delivered.map((d) => d.provider),
      delivered.map((d) => d.templateVersion),
      now,
    ],
  );
  return rows.map((r) => r.id);
}

/** Adds one timeline entry per message (the batched insertMessageEvent). */
export async function insertMessageEvents(
  q: Queryable,
  workspaceId: string,
  events: { messageId: string; type: string; at: Date; detail: Record<string, unknown> }[],
): Promise<void> {
  if (!events.length) return;
  await execute(
    q,
    `INSERT INTO "MessageEvent" ("messageId", "workspaceId", type, at, detail)
     SELECT u.id, $1, u.type, u.at, u.detail FROM unnest($2::uuid[], $3::text[], $4::timestamptz[], $5::jsonb[]) AS u(id, type, at, detail)`,
    [
      workspaceId,
      events.map((e) => e.messageId),
      events.map((e) => e.type),
      events.map((e) => e.at),
      events.map((e) => JSON.stringify(e.detail)),
    ],
  );
}
