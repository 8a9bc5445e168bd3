import { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { db } from "../db/client";
import { parseInput, type FieldIssue } from "../errors";
import { eventSourceFor } from "../ingest/webhook-source-refs";

/**
 * Events → Rejected: the messages ingestion refused in the last week (lib/ingest/rejected-events.ts keeps
 * them), newest first, a page at a time. Every member may read it, like the live feed; a webhook source is
 * named as the reader may see it (its id only for editors and up: lib/ingest/webhook-source-refs.ts).
 */
export interface RejectedEventView {
  id: string;
  receivedAt: string;
  /** "api" or "webhook:<key>" */
  source: string;
  keyPrefix: string | null;
  endpoint: string;
  batchIndex: number;
  reasons: FieldIssue[];
  /** the message as sent (JSON text, at most 32 KB): to be shown as text, never as HTML */
  payload: string;
}

export interface RejectedEventsPage {
  items: RejectedEventView[];
  /** pass as `before` for the next (older) page; null when this is the last one */
  nextBefore: string | null;
}

export const ZRejectedEventsQuery = z.object({
  /** only rejected messages older than this id (the last one of the previous page) */
  before: z
    .string()
    .regex(/^\d{1,19}$/, "must be a rejected event id")
    .optional(),
  limit: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(100, "must be at most 100")
    .default(25),
});

function readReasons(json: unknown): FieldIssue[] {
  if (!Array.isArray(json)) return [];
  return json.flatMap((r) =>
    r && typeof r === "object" && typeof r.message === "string"
      ? [{ path: typeof r.path === "string" ? r.path : "", message: r.message as string }]
      : [],
  );
}

export async function listRejectedEvents(
  ctx: WorkspaceContext,
  query: z.input<typeof ZRejectedEventsQuery> = {},
): Promise<RejectedEventsPage> {
  requirePermission(ctx, "workspace:read");
  const { before, limit } = parseInput(ZRejectedEventsQuery, query);
  // By id (arrival order): newest first, and an id cursor pages exactly while new rejections arrive.
  const rows = await db().rejectedEvent.findMany({
    where: { workspaceId: ctx.workspace.id, ...(before ? { id: { lt: BigInt(before) } } : {}) },
    orderBy: { id: "desc" },
    take: limit + 1,
  });
  const page = rows.slice(0, limit);
  return {
    items: page.map((r) => ({
      id: r.id.toString(),
      receivedAt: r.receivedAt.toISOString(),
      source: eventSourceFor(ctx, r.source),
      keyPrefix: r.keyPrefix,
      endpoint: r.endpoint,
      batchIndex: r.batchIndex,
      reasons: readReasons(r.reasons),
      payload: r.payload,
    })),
    nextBefore: rows.length > limit ? page[page.length - 1].id.toString() : null,
  };
}
