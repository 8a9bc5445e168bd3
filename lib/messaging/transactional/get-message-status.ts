import { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../../auth/context";
import { pgPool } from "../../db/pool";
import { AppError } from "../../errors";
import { selectMessageTimeline } from "../store/message-events";
import { selectMessageStatus } from "./store/transactional-messages";

/**
 * GET /api/v1/messages/{id}: where a message is (any category: a transactional send, a broadcast's, a journey's),
 * for a backend that sent one and wants to know. Statuses are lower-case, as POST /api/v1/send answers them.
 */
export interface MessageStatus {
  id: string;
  status: string;
  /** why it was suppressed, failed or bounced, or why the last attempt is being retried */
  statusReason: string | null;
  channel: string;
  category: string;
  /** the person (userId when they have one) and the address it went (or goes) to */
  to: { profileId: string | null; userId: string | null; address: string | null };
  template: { id: string; name: string | null; version: number | null } | null;
  broadcast: { id: string; name: string | null } | null;
  journey: { id: string; name: string | null } | null;
  attempts: number;
  /** when it may go, if it waits (quiet hours, a retry's backoff) */
  sendAfter: string | null;
  queuedAt: string;
  sentAt: string | null;
  deliveredAt: string | null;
  openedAt: string | null;
  clickedAt: string | null;
  timeline: { type: string; at: string; detail: Record<string, unknown> }[];
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export async function getMessageStatus(ctx: WorkspaceContext, id: string): Promise<MessageStatus> {
  requirePermission(ctx, "workspace:read");
  const notFound = () => new AppError("not_found", "No such message in this workspace.");
  if (!z.uuid().safeParse(id).success) throw notFound();
  const m = await selectMessageStatus(pgPool(), ctx.workspace.id, id);
  if (!m) throw notFound();
  const events = await selectMessageTimeline(pgPool(), id);
  return {
    id: m.id,
    status: m.status.toLowerCase(),
    statusReason: m.statusReason,
    channel: m.channel,
    category: m.category,
    to: { profileId: m.profileId, userId: m.userId, address: m.to },
    template: m.templateId === "inline" ? null : { id: m.templateId, name: m.templateName, version: m.templateVersion },
    broadcast: m.broadcastId ? { id: m.broadcastId, name: m.broadcastName } : null,
    journey: m.journeyId ? { id: m.journeyId, name: m.journeyName } : null,
    attempts: m.attempts,
    sendAfter: iso(m.sendAfter),
    queuedAt: m.createdAt.toISOString(),
    sentAt: iso(m.sentAt),
    deliveredAt: iso(m.deliveredAt),
    openedAt: iso(m.openedAt),
    clickedAt: iso(m.clickedAt),
    timeline: [
      { type: "queued", at: m.createdAt.toISOString(), detail: {} },
      ...events.map((e) => ({ type: e.type, at: e.at.toISOString(), detail: e.detail })),
    ],
  };
}
