import { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { pgPool } from "../db/pool";
import { AppError, parseInput } from "../errors";
import { CHANNELS } from "./liquid";

/** What a message's channel can be: a person's channels, and a webhook broadcast's requests. */
export const MESSAGE_CHANNELS = [...CHANNELS, "webhook"] as const;
import { selectMessageTimeline } from "./store/message-events";
import {
  selectBroadcastsWithMessages,
  selectJourneysWithMessages,
  selectMessageDetail,
  selectMessagePage,
} from "./store/messages";

/**
 * The messages journeys decided to send, newest first, for the Messages page: searchable by person,
 * journey, channel and status. Journeys write them QUEUED; delivery (delivery.ts) moves them on, and a
 * message's page shows what was sent and its timeline.
 */

export const MESSAGE_STATUSES = [
  "QUEUED",
  "SENT",
  "DELIVERED",
  "BOUNCED",
  "FAILED",
  "SUPPRESSED",
  "CANCELLED",
] as const;
/** "marketing": journeys' and broadcasts' messages; "transactional": POST /api/v1/send's. */
export const MESSAGE_CATEGORIES = ["marketing", "transactional"] as const;

export const ZMessageQuery = z
  .object({
    person: z.string().trim().max(200, "has at most 200 characters").optional(),
    journeyId: z.uuid("must be a journey id").optional(),
    // webhook: a webhook broadcast's messages (one request per person)
    channel: z.enum(MESSAGE_CHANNELS, { error: `must be one of ${MESSAGE_CHANNELS.join(", ")}` }).optional(),
    status: z.enum(MESSAGE_STATUSES, { error: `must be one of ${MESSAGE_STATUSES.join(", ")}` }).optional(),
    category: z.enum(MESSAGE_CATEGORIES, { error: `must be one of ${MESSAGE_CATEGORIES.join(", ")}` }).optional(),
    broadcastId: z.uuid("must be a broadcast id").optional(),
    /** keyset pagination: messages created before this one */
    before: z.uuid("must be a message id").optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

export interface MessageRow {
  id: string;
  channel: string;
  templateId: string;
  /** null when the template no longer exists (or the id is not a saved template's) */
  templateName: string | null;
  status: string;
  /** why it was suppressed, failed or bounced, or why the last attempt is being retried */
  statusReason: string | null;
  createdAt: string;
  /** null for a transactional message to an address of no profile: `to` is the address */
  profileId: string | null;
  userId: string | null;
  email: string | null;
  /** the address it went (or goes) to */
  to: string | null;
  category: string;
  broadcastId: string | null;
  broadcastName: string | null;
  journeyId: string | null;
  journeyName: string | null;
  nodeId: string | null;
  /** the step's label in the journey version that queued the message (null when the step has none) */
  nodeLabel: string | null;
  /** the step's type there ("email", "sms"…), for an unlabelled step */
  nodeType: string | null;
}

export async function listMessages(
  ctx: WorkspaceContext,
  query: z.input<typeof ZMessageQuery> = {},
): Promise<{ messages: MessageRow[]; next: string | null }> {
  requirePermission(ctx, "workspace:read");
  const q = parseInput(ZMessageQuery, query);
  const person = q.person ? q.person : null;
  const rows = await selectMessagePage(
    pgPool(),
    ctx.workspace.id,
    {
      person,
      journeyId: q.journeyId ?? null,
      channel: q.channel ?? null,
      status: q.status ?? null,
      category: q.category ?? null,
      broadcastId: q.broadcastId ?? null,
      before: q.before ?? null,
    },
    q.limit + 1,
  );
  const page = rows.slice(0, q.limit).map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
  return { messages: page, next: rows.length > q.limit ? page[page.length - 1].id : null };
}

/** The journeys that have queued messages, for the page's journey filter. */
export async function journeysWithMessages(ctx: WorkspaceContext): Promise<{ id: string; name: string }[]> {
  requirePermission(ctx, "workspace:read");
  return selectJourneysWithMessages(pgPool(), ctx.workspace.id);
}

/** The broadcasts that have messages, for the page's broadcast filter. */
export async function broadcastsWithMessages(ctx: WorkspaceContext): Promise<{ id: string; name: string }[]> {
  requirePermission(ctx, "workspace:read");
  return selectBroadcastsWithMessages(pgPool(), ctx.workspace.id);
}

export interface MessageDetail extends MessageRow {
  templateVersion: number | null;
  provider: string | null;
  providerMessageId: string | null;
  attempts: number;
  sendAfter: string | null;
  /** the content as sent (rendered, with tracked links), once a send was attempted */
  content: Record<string, unknown> | null;
  timeline: { type: string; at: string; detail: Record<string, unknown> }[];
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export async function getMessage(ctx: WorkspaceContext, id: string): Promise<MessageDetail> {
  requirePermission(ctx, "workspace:read");
  if (!z.uuid().safeParse(id).success) throw new AppError("not_found", "No such message in this workspace.");
  const row = await selectMessageDetail(pgPool(), ctx.workspace.id, id);
  if (!row) throw new AppError("not_found", "No such message in this workspace.");
  const events = await selectMessageTimeline(pgPool(), id);
  return {
    ...row,
    createdAt: row.createdAt.toISOString(),
    sendAfter: iso(row.sendAfter),
    timeline: [
      { type: "queued", at: row.createdAt.toISOString(), detail: {} },
      ...events.map((e) => ({ type: e.type, at: e.at.toISOString(), detail: e.detail })),
    ],
  };
}
