import type { z } from "zod";
import { recordAudit } from "../../audit/audit-log";
import { actorLabel, requirePermission, type WorkspaceContext } from "../../auth/context";
import { db, type Prisma } from "../../db/client";
import { AppError, parseInput } from "../../errors";
import { withCompiledHtml } from "../../email-builder/visual-content";
import { approvalForSave } from "../../approvals/save-approval";
import { bannedPhraseWarnings } from "../../brand/banned-phrases";
import type { TemplateKind } from "../liquid";
import { checkAgainstWorkspace, validateContent } from "./check-content";
import { getTemplate } from "./read-templates";
import { forgetTemplate } from "./published-versions";
import { ZSaveTemplate } from "./schemas";
import { loadTemplate, type SavedTemplate } from "./template-views";

/** Saves new content as the next version. */
export async function saveTemplate(
  ctx: WorkspaceContext,
  id: string,
  input: z.input<typeof ZSaveTemplate>,
): Promise<SavedTemplate> {
  requirePermission(ctx, "content:write");
  const { content, aiDrafted } = parseInput(ZSaveTemplate, input);
  const template = await loadTemplate(ctx, id);
  if (template.archivedAt) throw new AppError("conflict", "This template is archived; restore it to edit it.");
  // a visual email's html is compiled from its document here (async: MJML), before the checks read it
  const validated = validateContent(
    template.channel as TemplateKind,
    await withCompiledHtml(template.channel, content),
  );
  const warnings = await checkAgainstWorkspace(
    ctx,
    template.channel as TemplateKind,
    validated,
    template.channel === "partial" ? template.name : undefined,
  );
  // #20: banned phrases warn here (publishing and sending refuse them); AI text or the workspace's rule makes the
  // version wait for approval, so it is not live until approved (lib/approvals/save-approval.ts)
  warnings.push(...(await bannedPhraseWarnings(ctx.workspace.id, template.channel as TemplateKind, validated)));
  const approval = await approvalForSave(
    ctx.workspace.id,
    id,
    template.channel as TemplateKind,
    validated,
    aiDrafted === true,
  );
  await db().$transaction(async (tx) => {
    // compare-and-set on the version number: two saves at once cannot both become vN
    const bumped = await tx.messageTemplate.updateMany({
      where: { id, currentVersion: template.currentVersion },
      data: { currentVersion: { increment: 1 } },
    });
    if (bumped.count !== 1)
      throw new AppError("conflict", "Someone saved this template at the same time; reload it and save again.");
    const version = template.currentVersion + 1;
    await tx.messageTemplateVersion.create({
      data: {
        templateId: id,
        version,
        content: validated as Prisma.InputJsonValue,
        createdByLabel: actorLabel(ctx.actor),
        ...approval,
      },
    });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "template.saved",
      targetType: "template",
      targetId: id,
      summary: `Saved "${template.name}" as v${version}${approval.needsApproval ? ", awaiting approval" : ""}`,
      metadata: { version, ...approval },
    });
  });
  forgetTemplate(ctx.workspace.id, id);
  return { ...(await getTemplate(ctx, id)), warnings };
}
