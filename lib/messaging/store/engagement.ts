import { z } from "zod";
import { execute, type Queryable, selectRow } from "../../db/sql";
import type { Channel } from "../liquid";

/**
 * The SQL of what people do with their messages (lib/messaging/engagement.ts): the message a signed link names,
 * its opened/clicked marks, and what the preference page shows. Consent writes are ./consent.ts.
 */

const LinkedMessageRow = z.object({
  id: z.string(),
  workspaceId: z.string(),
  // null: a transactional message to an address of no profile
  profileId: z.string().nullable(),
  channel: z.custom<Channel>((value) => typeof value === "string"),
  journeyId: z.string().nullable(),
  templateId: z.string(),
  status: z.string(),
  // the subscription topic it belongs to: its unsubscribe link leaves the topic, not the channel
  topicId: z.string().nullable(),
  // the address a message of no profile went to
  to: z.string().nullable(),
});
export type LinkedMessage = z.infer<typeof LinkedMessageRow>;

/** The message a link names, locked until `q`'s transaction ends. */
export async function lockLinkedMessage(q: Queryable, messageId: string): Promise<LinkedMessage | null> {
  const row = await selectRow(
    q,
    LinkedMessageRow,
    `SELECT id, "workspaceId", "profileId", channel, "journeyId", "templateId", status::text, "topicId", "to" FROM "Message" WHERE id = $1 FOR UPDATE`,
    [messageId],
  );
  return row ?? null;
}

/** The message a link names, without a lock (to learn, before a transaction opens, what it will need). */
export async function selectLinkedMessage(q: Queryable, messageId: string): Promise<LinkedMessage | null> {
  const row = await selectRow(
    q,
    LinkedMessageRow,
    `SELECT id, "workspaceId", "profileId", channel, "journeyId", "templateId", status::text, "topicId", "to" FROM "Message" WHERE id = $1`,
    [messageId],
  );
  return row ?? null;
}

/** Marks the message opened, unless it was already; returns whether it was the first open. */
export async function markFirstOpen(q: Queryable, messageId: string, now: Date): Promise<boolean> {
  return (
    (await execute(q, `UPDATE "Message" SET "openedAt" = $2, "updatedAt" = $2 WHERE id = $1 AND "openedAt" IS NULL`, [
      messageId,
      now,
    ])) > 0
  );
}

/** Marks the message clicked, and opened (a click implies an open: images may be blocked), keeping earlier times. */
export async function markClicked(q: Queryable, messageId: string, now: Date): Promise<void> {
  await execute(
    q,
    `UPDATE "Message" SET "clickedAt" = COALESCE("clickedAt", $2), "openedAt" = COALESCE("openedAt", $2), "updatedAt" = $2 WHERE id = $1`,
    [messageId, now],
  );
}

const PreferenceTargetRow = z.object({
  workspaceId: z.string(),
  workspaceName: z.string(),
  to: z.string().nullable(),
  channel: z.custom<Channel>((value) => typeof value === "string"),
  topicId: z.string().nullable(),
  // null: a transactional message to an address of no profile
  profileId: z.string().nullable(),
  traits: z.record(z.string(), z.unknown()).nullable(),
});

/**
 * Whose preferences a message's link opens: its workspace, the address it went to, the person it is now and their
 * traits (both null for a message to an address of no profile), its channel and topic.
 */
export async function selectPreferenceTarget(
  q: Queryable,
  messageId: string,
): Promise<z.infer<typeof PreferenceTargetRow> | undefined> {
  return selectRow(
    q,
    PreferenceTargetRow,
    `SELECT m."workspaceId", w.name AS "workspaceName", m."to", m.channel, m."topicId", p.id AS "profileId", p.traits
       FROM "Message" m JOIN "Workspace" w ON w.id = m."workspaceId"
       LEFT JOIN "Profile" r ON r.id = m."profileId" LEFT JOIN "Profile" p ON p.id = COALESCE(r."mergedIntoId", r.id)
      WHERE m.id = $1 AND (m."profileId" IS NULL OR p.id IS NOT NULL)`,
    [messageId],
  );
}
