import { recordAudit } from "../../audit/audit-log";
import { requirePermission, type WorkspaceContext } from "../../auth/context";
import { db } from "../../db/client";
import { AppError } from "../../errors";
import { getTemplate } from "./read-templates";
import { forgetTemplate } from "./published-versions";
import { loadTemplate, type TemplateDetail } from "./template-views";

async function setArchived(ctx: WorkspaceContext, id: string, archived: boolean): Promise<TemplateDetail> {
  requirePermission(ctx, "content:write");
  const template = await loadTemplate(ctx, id);
  if ((template.archivedAt !== null) === archived)
    throw new AppError("conflict", archived ? "This template is already archived." : "This template is not archived.");
  await db().$transaction(async (tx) => {
    await tx.messageTemplate.update({ where: { id }, data: { archivedAt: archived ? new Date() : null } });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: archived ? "template.archived" : "template.restored",
      targetType: "template",
      targetId: id,
      summary: `${archived ? "Archived" : "Restored"} the template "${template.name}"`,
    });
  });
  forgetTemplate(ctx.workspace.id, id);
  return getTemplate(ctx, id);
}

export const archiveTemplate = (ctx: WorkspaceContext, id: string) => setArchived(ctx, id, true);
export const restoreTemplate = (ctx: WorkspaceContext, id: string) => setArchived(ctx, id, false);
