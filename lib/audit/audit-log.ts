import { z } from "zod";
import { actorLabel, requirePermission, type Actor, type WorkspaceContext } from "../auth/context";
import { db, type Prisma } from "../db/client";
import { parseInput } from "../errors";

export interface AuditEntryInput {
  workspaceId: string;
  actor: Actor;
  /** Dotted verb, e.g. "member.invited". */
  action: string;
  targetType: string;
  targetId: string;
  summary: string;
  metadata?: Prisma.InputJsonValue;
}

type Tx = Pick<ReturnType<typeof db>, "auditLog">;

/**
 * Records a change. Call it with the transaction that makes the change, so the entry exists exactly
 * when the change does.
 */
export async function recordAudit(tx: Tx, entry: AuditEntryInput): Promise<void> {
  await tx.auditLog.create({
    data: {
      workspaceId: entry.workspaceId,
      actorUserId: entry.actor.kind === "user" ? entry.actor.userId : null,
      actorApiKeyId: entry.actor.kind === "api_key" ? entry.actor.apiKeyId : null,
      actorLabel: actorLabel(entry.actor),
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      summary: entry.summary,
      metadata: entry.metadata ?? {},
    },
  });
}

export const ZAuditLogQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** id of the last entry of the previous page */
  before: z.uuid({ message: "must be the id of an audit entry" }).optional(),
});
export type TAuditLogQuery = z.input<typeof ZAuditLogQuery>;

export interface AuditEntry {
  id: string;
  actorLabel: string;
  action: string;
  targetType: string;
  targetId: string;
  summary: string;
  createdAt: string;
}

export async function listAuditLog(
  ctx: WorkspaceContext,
  query: TAuditLogQuery = {},
): Promise<{ entries: AuditEntry[]; nextBefore: string | null }> {
  requirePermission(ctx, "audit:read");
  const { limit, before } = parseInput(ZAuditLogQuery, query);
  const cursor = before
    ? await db().auditLog.findFirst({
        where: { id: before, workspaceId: ctx.workspace.id },
        select: { createdAt: true, id: true },
      })
    : null;
  const rows = await db().auditLog.findMany({
    where: {
      workspaceId: ctx.workspace.id,
      ...(cursor
        ? { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] }
        : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    select: {
      id: true,
      actorLabel: true,
      action: true,
      targetType: true,
      targetId: true,
      summary: true,
      createdAt: true,
    },
  });
  const page = rows.slice(0, limit);
  return {
    entries: page.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })),
    nextBefore: rows.length > limit ? page[page.length - 1].id : null,
  };
}
