import { simpleParser } from "mailparser";
import { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { pgPool } from "../db/pool";
import { AppError, parseInput } from "../errors";
import { selectOutboxMail, selectOutboxPage } from "./store/outbox";

/**
 * The Outbox page: the mail the embedded SMTP server (outbox-smtp.ts) received for this workspace, newest
 * first, each shown as its recipient's mail client would show it, parsed from the raw MIME as received.
 */
export const ZOutboxQuery = z
  .object({
    q: z.string().trim().max(200, "has at most 200 characters").optional(),
    before: z.uuid("must be an outbox mail id").optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

export interface OutboxRow {
  id: string;
  messageId: string | null;
  to: string[];
  from: string;
  subject: string;
  receivedAt: string;
}

export async function listOutbox(
  ctx: WorkspaceContext,
  query: z.input<typeof ZOutboxQuery> = {},
): Promise<{ mails: OutboxRow[]; next: string | null }> {
  requirePermission(ctx, "workspace:read");
  const q = parseInput(ZOutboxQuery, query);
  const rows = await selectOutboxPage(
    pgPool(),
    ctx.workspace.id,
    q.q ? q.q.replace(/[%_\\]/g, (c) => `\\${c}`) : null,
    q.before ?? null,
    q.limit + 1,
  );
  const page = rows.slice(0, q.limit).map((r) => ({ ...r, receivedAt: r.receivedAt.toISOString() }));
  return { mails: page, next: rows.length > q.limit ? page[page.length - 1].id : null };
}

export interface OutboxMail extends OutboxRow {
  fromHeader: string;
  toHeader: string;
  html: string | null;
  text: string | null;
  headers: { name: string; value: string }[];
  raw: string;
}

export async function getOutboxMail(ctx: WorkspaceContext, id: string): Promise<OutboxMail> {
  requirePermission(ctx, "workspace:read");
  if (!z.uuid().safeParse(id).success) throw new AppError("not_found", "No such mail in this workspace's Outbox.");
  const row = await selectOutboxMail(pgPool(), ctx.workspace.id, id);
  if (!row) throw new AppError("not_found", "No such mail in this workspace's Outbox.");
  const parsed = await simpleParser(row.raw, { skipImageLinks: true });
  const addressText = (value: typeof parsed.from | typeof parsed.to) =>
    Array.isArray(value) ? value.map((v) => v.text).join(", ") : (value?.text ?? "");
  return {
    ...row,
    receivedAt: row.receivedAt.toISOString(),
    fromHeader: addressText(parsed.from),
    toHeader: addressText(parsed.to),
    html: typeof parsed.html === "string" ? parsed.html : null,
    text: parsed.text ?? null,
    headers: parsed.headerLines.map((h) => ({ name: h.key, value: h.line.slice(h.line.indexOf(":") + 1).trim() })),
  };
}
