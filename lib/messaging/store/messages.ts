import { z } from "zod";
import { type Queryable, selectRow, selectRows } from "../../db/sql";

/**
 * The SQL of the Messages page (lib/messaging/messages.ts): the workspace's messages, newest first, with their
 * person, journey, step and template, and one message in full. Its timeline is ./message-events.ts.
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

/** A message's columns on both pages, over the joins below: its person (none for an address-only message), journey, step, template and broadcast. */
const LIST_COLUMNS = `m.id, m.channel, m."templateId", t.name AS "templateName", m.status::text, m."statusReason", m."createdAt", m."profileId", p."userId", p.email,
            m."to", m.category, m."broadcastId", b.name AS "broadcastName", m."journeyId", j.name AS "journeyName", m."nodeId",
            step."nodeLabel", step."nodeType"`;
const JOINS = `LEFT JOIN "Profile" p ON p.id = m."profileId"
       LEFT JOIN "Journey" j ON j.id = m."journeyId"
       LEFT JOIN "Broadcast" b ON b.id = m."broadcastId"
       ${STEP_OF_MESSAGE}
       LEFT JOIN "MessageTemplate" t ON t.id::text = m."templateId" AND t."workspaceId" = m."workspaceId"`;

const MessageListRow = z.object({
  id: z.string(),
  channel: z.string(),
  templateId: z.string(),
  templateName: z.string().nullable(),
  status: z.string(),
  statusReason: z.string().nullable(),
  createdAt: z.date(),
  // null: a transactional message to an address of no profile (`to` holds it)
  profileId: z.string().nullable(),
  userId: z.string().nullable(),
  email: z.string().nullable(),
  /** the address it went (or goes) to: set when a send was attempted, and from the start for an address-only message */
  to: z.string().nullable(),
  category: z.string(),
  broadcastId: z.string().nullable(),
  broadcastName: z.string().nullable(),
  journeyId: z.string().nullable(),
  journeyName: z.string().nullable(),
  nodeId: z.string().nullable(),
  nodeLabel: z.string().nullable(),
  nodeType: z.string().nullable(),
});

/** A page of the workspace's messages matching the filters (each null: any), newest first, created before `before`. */
export function selectMessagePage(
  q: Queryable,
  workspaceId: string,
  filters: {
    person: string | null;
    journeyId: string | null;
    channel: string | null;
    status: string | null;
    category: string | null;
    broadcastId: string | null;
    before: string | null;
  },
  limit: number,
): Promise<z.infer<typeof MessageListRow>[]> {
  return selectRows(
    q,
    MessageListRow,
    `SELECT ${LIST_COLUMNS}
       FROM "Message" m
       ${JOINS}
      WHERE m."workspaceId" = $1
        AND ($2::text IS NULL OR p."userId" = $2 OR lower(p.email) = lower($2) OR p.id::text = $2
             OR (m."profileId" IS NULL AND lower(m."to") = lower($2)))
        AND ($3::uuid IS NULL OR m."journeyId" = $3)
        AND ($4::text IS NULL OR m.channel = $4)
        AND ($5::text IS NULL OR m.status::text = $5)
        AND ($6::uuid IS NULL OR (m."createdAt", m.id) < (SELECT "createdAt", id FROM "Message" WHERE id = $6))
        AND ($7::text IS NULL OR m.category = $7)
        AND ($8::uuid IS NULL OR m."broadcastId" = $8)
      ORDER BY m."createdAt" DESC, m.id DESC
      LIMIT $9`,
    [
      workspaceId,
      filters.person,
      filters.journeyId,
      filters.channel,
      filters.status,
      filters.before,
      filters.category,
      filters.broadcastId,
      limit,
    ],
  );
}

const JourneyRow = z.object({ id: z.string(), name: z.string() });

/** The workspace's broadcasts that have messages, newest first, for the page's broadcast filter. */
export function selectBroadcastsWithMessages(q: Queryable, workspaceId: string): Promise<z.infer<typeof JourneyRow>[]> {
  return selectRows(
    q,
    JourneyRow,
    `SELECT b.id, b.name FROM "Broadcast" b WHERE b."workspaceId" = $1 AND EXISTS (SELECT 1 FROM "Message" m WHERE m."broadcastId" = b.id) ORDER BY b."createdAt" DESC LIMIT 200`,
    [workspaceId],
  );
}

/** The workspace's journeys that have queued messages, by name. */
export function selectJourneysWithMessages(q: Queryable, workspaceId: string): Promise<z.infer<typeof JourneyRow>[]> {
  return selectRows(
    q,
    JourneyRow,
    `SELECT j.id, j.name FROM "Journey" j WHERE j."workspaceId" = $1 AND EXISTS (SELECT 1 FROM "Message" m WHERE m."journeyId" = j.id) ORDER BY j.name`,
    [workspaceId],
  );
}

const MessageDetailRow = MessageListRow.extend({
  templateVersion: z.number().nullable(),
  provider: z.string().nullable(),
  providerMessageId: z.string().nullable(),
  attempts: z.number(),
  sendAfter: z.date().nullable(),
  content: z.record(z.string(), z.unknown()).nullable(),
});

/** One message of the workspace with what was sent. */
export function selectMessageDetail(
  q: Queryable,
  workspaceId: string,
  messageId: string,
): Promise<z.infer<typeof MessageDetailRow> | undefined> {
  return selectRow(
    q,
    MessageDetailRow,
    `SELECT ${LIST_COLUMNS}, m."templateVersion", m.provider, m."providerMessageId", m.attempts, m."sendAfter", m.content
       FROM "Message" m
       ${JOINS}
      WHERE m."workspaceId" = $1 AND m.id = $2`,
    [workspaceId, messageId],
  );
}
