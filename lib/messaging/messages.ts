import { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { pgPool } from "../db/pool";
import { AppError, parseInput } from "../errors";
import { CHANNELS } from "./liquid";

/**
 * The messages journeys decided to send, newest first, for the Messages page: searchable by person,
 * journey, channel and status. Journeys write them QUEUED; delivery (delivery.ts) moves them on, and a
 * message's page shows what was sent and its timeline.
 */

/**
 * The step as the journey version that queued the message names it (pages show that, not the node id):
 * joins `step."nodeLabel"` and `step."nodeType"` to a query over "Message" m.
 */
const STEP_OF_MESSAGE = `LEFT JOIN LATERAL (
         SELECT NULLIF(n->>'label', '') AS "nodeLabel", n->>'type' AS "nodeType"
           FROM "JourneyVersion" v, jsonb_array_elements(v.graph->'nodes') n
          WHERE v.id = m."journeyVersionId" AND n->>'id' = m."nodeId"
          LIMIT 1
       ) step ON true`;
export const MESSAGE_STATUSES = ["QUEUED", "SENT", "DELIVERED", "BOUNCED", "FAILED", "SUPPRESSED"] as const;

export const ZMessageQuery = z
  .object({
    person: z.string().trim().max(200, "has at most 200 characters").optional(),
    journeyId: z.uuid("must be a journey id").optional(),
    channel: z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(", ")}` }).optional(),
    status: z.enum(MESSAGE_STATUSES, { error: `must be one of ${MESSAGE_STATUSES.join(", ")}` }).optional(),
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
  profileId: string;
  userId: string | null;
  email: string | null;
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
  const { rows } = await pgPool().query<MessageRow & { createdAt: Date }>(
    `SELECT m.id, m.channel, m."templateId", t.name AS "templateName", m.status::text, m."statusReason", m."createdAt", m."profileId", p."userId", p.email,
            m."journeyId", j.name AS "journeyName", m."nodeId",
            step."nodeLabel", step."nodeType"
       FROM "Message" m
       JOIN "Profile" p ON p.id = m."profileId"
       LEFT JOIN "Journey" j ON j.id = m."journeyId"
       ${STEP_OF_MESSAGE}
       LEFT JOIN "MessageTemplate" t ON t.id::text = m."templateId" AND t."workspaceId" = m."workspaceId"
      WHERE m."workspaceId" = $1
        AND ($2::text IS NULL OR p."userId" = $2 OR lower(p.email) = lower($2) OR p.id::text = $2)
        AND ($3::uuid IS NULL OR m."journeyId" = $3)
        AND ($4::text IS NULL OR m.channel = $4)
        AND ($5::text IS NULL OR m.status::text = $5)
        AND ($6::uuid IS NULL OR (m."createdAt", m.id) < (SELECT "createdAt", id FROM "Message" WHERE id = $6))
      ORDER BY m."createdAt" DESC, m.id DESC
      LIMIT $7`,
    [ctx.workspace.id, person, q.journeyId ?? null, q.channel ?? null, q.status ?? null, q.before ?? null, q.limit + 1],
  );
  const page = rows.slice(0, q.limit).map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
  return { messages: page, next: rows.length > q.limit ? page[page.length - 1].id : null };
}

/** The journeys that have queued messages, for the page's journey filter. */
export async function journeysWithMessages(ctx: WorkspaceContext): Promise<{ id: string; name: string }[]> {
  requirePermission(ctx, "workspace:read");
  const { rows } = await pgPool().query<{ id: string; name: string }>(
    `SELECT j.id, j.name FROM "Journey" j WHERE j."workspaceId" = $1 AND EXISTS (SELECT 1 FROM "Message" m WHERE m."journeyId" = j.id) ORDER BY j.name`,
    [ctx.workspace.id],
  );
  return rows;
}

export interface MessageDetail extends MessageRow {
  to: string | null;
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
  const { rows } = await pgPool().query<
    MessageRow & {
      createdAt: Date;
      to: string | null;
      templateVersion: number | null;
      provider: string | null;
      providerMessageId: string | null;
      attempts: number;
      sendAfter: Date | null;
      content: Record<string, unknown> | null;
    }
  >(
    `SELECT m.id, m.channel, m."templateId", t.name AS "templateName", m.status::text, m."statusReason", m."createdAt", m."profileId", p."userId", p.email,
            m."journeyId", j.name AS "journeyName", m."nodeId",
            step."nodeLabel", step."nodeType", m."to", m."templateVersion", m.provider, m."providerMessageId", m.attempts, m."sendAfter", m.content
       FROM "Message" m
       JOIN "Profile" p ON p.id = m."profileId"
       LEFT JOIN "Journey" j ON j.id = m."journeyId"
       ${STEP_OF_MESSAGE}
       LEFT JOIN "MessageTemplate" t ON t.id::text = m."templateId" AND t."workspaceId" = m."workspaceId"
      WHERE m."workspaceId" = $1 AND m.id = $2`,
    [ctx.workspace.id, id],
  );
  const row = rows[0];
  if (!row) throw new AppError("not_found", "No such message in this workspace.");
  const { rows: events } = await pgPool().query<{ type: string; at: Date; detail: Record<string, unknown> }>(
    `SELECT type, at, detail FROM "MessageEvent" WHERE "messageId" = $1 ORDER BY at, id`,
    [id],
  );
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
