import { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { pgPool, withTransaction } from "../db/pool";
import { AppError, parseInput } from "../errors";
import { systemClock, type Clock } from "../runtime/clock";
import { recordMessageEvent } from "./delivery";
import { CHANNEL_EVENT_PREFIX, recordProfileEvent } from "./engagement";
import { assertUserHash } from "./identity-verification";

/**
 * The in-app inbox the customer's app reads (GET /api/v1/inbox/<userId>, write key, like ingestion: the
 * key ships inside the app). The key proves nothing about who asks, so every call also carries the userId's
 * hash (X-Cairn-User-Hash, HMAC-SHA256 with the workspace's identity secret, computed by the customer's
 * server; see identity-verification.ts): without it anyone with the key could read anyone's inbox. Delivered in-app messages are listed newest first until dismissed; reading
 * one counts as opening it (a message event and an "In-App Message Opened" profile event); a call to action's
 * http(s) link is the signed click redirect (lib/messaging/tracking.ts), so taps are tracked like email clicks.
 */
export interface InboxMessage {
  id: string;
  title: string;
  body: string;
  cta: { label: string; url: string } | null;
  createdAt: string;
  readAt: string | null;
}

export const ZInboxQuery = z
  .object({
    unread: z.enum(["true", "false"], { error: 'must be "true" or "false"' }).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  })
  .strict();
export const ZInboxAction = z
  .object({ action: z.enum(["read", "dismissed"], { error: 'must be "read" or "dismissed"' }) })
  .strict();

const PROFILE_OF_USER = `SELECT COALESCE(p."mergedIntoId", p.id) FROM "ProfileIdentity" i JOIN "Profile" p ON p.id = i."profileId" WHERE i."workspaceId" = $1 AND i.kind = 'user' AND i.value = $2`;

export async function listInbox(
  ctx: WorkspaceContext,
  userId: string,
  userHash: string | null,
  query: unknown = {},
): Promise<{ messages: InboxMessage[]; unread: number }> {
  requirePermission(ctx, "ingest");
  await assertUserHash(ctx, userId, userHash);
  const q = parseInput(ZInboxQuery, query);
  const { rows } = await pgPool().query<{
    id: string;
    content: { title: string; body: string; cta: InboxMessage["cta"] };
    createdAt: Date;
    readAt: Date | null;
    unread: string;
  }>(
    `SELECT m.id, m.content, m."createdAt", m."readAt", count(*) FILTER (WHERE m."readAt" IS NULL) OVER () AS unread
       FROM "Message" m
      WHERE m."workspaceId" = $1 AND m.channel = 'in_app' AND m.status = 'DELIVERED' AND m."dismissedAt" IS NULL
        AND m."profileId" IN (SELECT id FROM "Profile" WHERE id IN (${PROFILE_OF_USER}) OR "mergedIntoId" IN (${PROFILE_OF_USER}))
        AND ($3::boolean IS NOT TRUE OR m."readAt" IS NULL)
      ORDER BY m."createdAt" DESC LIMIT $4`,
    [ctx.workspace.id, userId, q.unread === "true", q.limit],
  );
  return {
    messages: rows.map((r) => ({
      id: r.id,
      title: r.content.title,
      body: r.content.body,
      cta: r.content.cta ?? null,
      createdAt: r.createdAt.toISOString(),
      readAt: r.readAt?.toISOString() ?? null,
    })),
    unread: Number(rows[0]?.unread ?? 0),
  };
}

export async function updateInboxMessage(
  ctx: WorkspaceContext,
  userId: string,
  userHash: string | null,
  messageId: string,
  input: unknown,
  clock: Clock = systemClock,
): Promise<{ id: string; readAt: string | null; dismissedAt: string | null }> {
  requirePermission(ctx, "ingest");
  await assertUserHash(ctx, userId, userHash);
  const { action } = parseInput(ZInboxAction, input);
  if (!z.uuid().safeParse(messageId).success)
    throw new AppError("not_found", "No such message in this person's inbox.");
  const now = clock();
  const updated = await withTransaction(async (client) => {
    // Reading sets readAt and counts as the open; dismissing only hides the message (a dismissal is not an
    // open). `changed` compares with the row as it was, so a repeated call records nothing twice.
    const { rows } = await client.query<{
      id: string;
      profileId: string;
      journeyId: string | null;
      templateId: string;
      readAt: Date | null;
      dismissedAt: Date | null;
      changed: boolean;
    }>(
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
      [ctx.workspace.id, userId, messageId, now, action],
    );
    const row = rows[0];
    if (!row) throw new AppError("not_found", "No such message in this person's inbox.");
    if (row.changed)
      await recordMessageEvent(client, row.id, ctx.workspace.id, action === "read" ? "opened" : "dismissed", now);
    return row;
  });
  // The first read is the open, as a profile event too (like an email's open), so journeys and goals can use
  // it; stored through ingestion after the transaction, keyed by the message so it is recorded once.
  if (updated.changed && action === "read") {
    const message = { ...updated, workspaceId: ctx.workspace.id, channel: "in_app" as const, status: "DELIVERED" };
    await recordProfileEvent(message, `${CHANNEL_EVENT_PREFIX.in_app} Opened`, `open-${updated.id}`, {}, now);
  }
  return {
    id: updated.id,
    readAt: updated.readAt?.toISOString() ?? null,
    dismissedAt: updated.dismissedAt?.toISOString() ?? null,
  };
}
