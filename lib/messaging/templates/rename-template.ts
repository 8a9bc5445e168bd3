import type { z } from "zod";
import { recordAudit } from "../../audit/audit-log";
import { requirePermission, type WorkspaceContext } from "../../auth/context";
import { db } from "../../db/client";
import { AppError, parseInput } from "../../errors";
import { assertPartialNameFree } from "./check-content";
import { getTemplate } from "./read-templates";
import { forgetTemplate } from "./published-versions";
import { PARTIAL_NAME, PARTIAL_NAME_RULE, ZRenameTemplate } from "./schemas";
import { loadTemplate, type TemplateDetail } from "./template-views";

export async function renameTemplate(
  ctx: WorkspaceContext,
  id: string,
  input: z.input<typeof ZRenameTemplate>,
): Promise<TemplateDetail> {
  requirePermission(ctx, "content:write");
  const { name } = parseInput(ZRenameTemplate, input);
  const template = await loadTemplate(ctx, id);
  if (template.name !== name && template.channel === "partial") {
    if (!PARTIAL_NAME.test(name)) throw AppError.field("name", PARTIAL_NAME_RULE);
    await assertPartialNameFree(ctx, name, id);
  }
  if (template.name !== name) {
    await db().$transaction(async (tx) => {
      await tx.messageTemplate.update({ where: { id }, data: { name } });
      await recordAudit(tx, {
        workspaceId: ctx.workspace.id,
        actor: ctx.actor,
        action: "template.renamed",
        targetType: "template",
        targetId: id,
        summary: `Renamed the template "${template.name}" to "${name}"`,
      });
    });
    forgetTemplate(ctx.workspace.id, id); // a partial is included by its name
  }
  return getTemplate(ctx, id);
}
