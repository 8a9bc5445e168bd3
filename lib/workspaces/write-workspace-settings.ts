import { recordAudit } from "../audit/audit-log";
import type { WorkspaceContext } from "../auth/context";
import { db, type Prisma } from "../db/client";

/**
 * A settings page's save (broadcasts, languages, AI and approval): the workspace's changed columns and the audit
 * entry that says what changed, in one transaction. The caller has checked the permission and the input, and
 * skips the call when nothing changed.
 */
export async function writeWorkspaceSettings(
  ctx: WorkspaceContext,
  change: { data: Prisma.WorkspaceUpdateInput; action: string; summary: string; metadata: Prisma.InputJsonValue },
): Promise<void> {
  await db().$transaction(async (tx) => {
    await tx.workspace.update({ where: { id: ctx.workspace.id }, data: change.data });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: change.action,
      targetType: "workspace",
      targetId: ctx.workspace.id,
      summary: change.summary,
      metadata: change.metadata,
    });
  });
}
