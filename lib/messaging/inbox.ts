import { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { pgPool, withTransaction } from "../db/pool";
import { AppError, parseInput } from "../errors";
import { systemClock, type Clock } from "../runtime/clock";
import { CHANNEL_EVENT_PREFIX, recordProfileEvent } from "./engagement";
import { assertUserHash } from "./identity-verification";
import { markInboxMessage, selectInboxMessages } from "./store/inbox";
import { insertMessageEvent } from "./store/message-events";

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

export async function listInbox(
  ctx: WorkspaceContext,
  userId: string,
  userHash: string | null,
  query: unknown = {},
): Promise<{ messages: InboxMessage[]; unread: number }> {
  requirePermission(ctx, "ingest");
  await assertUserHash(ctx, userId, userHash);
  const q = parseInput(ZInboxQuery, query);
  const rows = await selectInboxMessages(pgPool(), ctx.workspace.id, userId, {
    unreadOnly: q.unread === "true",
    limit: q.limit,
  });
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
    const row = await markInboxMessage(client, ctx.workspace.id, userId, messageId, action, now);
    if (!row) throw new AppError("not_found", "No such message in this person's inbox.");
    if (row.changed)
      await insertMessageEvent(client, row.id, ctx.workspace.id, action === "read" ? "opened" : "dismissed", now);
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
