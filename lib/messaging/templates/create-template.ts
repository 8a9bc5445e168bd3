import type { z } from "zod";
import { recordAudit } from "../../audit/audit-log";
import { actorLabel, requirePermission, type WorkspaceContext } from "../../auth/context";
import { db, type Prisma } from "../../db/client";
import { parseInput } from "../../errors";
import { approvalForSave } from "../../approvals/save-approval";
import type { TemplateKind } from "../liquid";
import { withCompiledHtml } from "../../email-builder/visual-content";
import { assertPartialNameFree, checkAgainstWorkspace, validateContent } from "./check-content";
import { getTemplate } from "./read-templates";
import { forgetTemplate } from "./published-versions";
import { ZCreateTemplate } from "./schemas";
import type { SavedTemplate } from "./template-views";

const CHANNEL_LABELS: Record<TemplateKind, string> = {
  email: "email",
  sms: "SMS",
  push: "push",
  in_app: "in-app",
  webhook: "webhook",
  partial: "partial",
  layout: "email layout",
};

export async function createTemplate(
  ctx: WorkspaceContext,
  input: z.input<typeof ZCreateTemplate>,
): Promise<SavedTemplate> {
  requirePermission(ctx, "content:write");
  const { name, channel, content } = parseInput(ZCreateTemplate, input);
  // a visual email's html is compiled from its document (lib/email-builder/visual-content.ts), as on save
  const validated = content === undefined ? null : validateContent(channel, await withCompiledHtml(channel, content));
  if (channel === "partial") await assertPartialNameFree(ctx, name);
  const warnings = validated
    ? await checkAgainstWorkspace(ctx, channel, validated, channel === "partial" ? name : undefined)
    : [];
  // #20: a workspace that requires approval of every change requires it of a first version too
  const approval = validated ? await approvalForSave(ctx.workspace.id, null, channel, validated, false) : null;
  const created = await db().$transaction(async (tx) => {
    const template = await tx.messageTemplate.create({
      data: { workspaceId: ctx.workspace.id, name, channel, currentVersion: validated ? 1 : 0 },
    });
    if (validated) {
      await tx.messageTemplateVersion.create({
        data: {
          templateId: template.id,
          version: 1,
          content: validated as Prisma.InputJsonValue,
          createdByLabel: actorLabel(ctx.actor),
          ...approval,
        },
      });
    }
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "template.created",
      targetType: "template",
      targetId: template.id,
      summary: `Created the ${CHANNEL_LABELS[channel]} template "${name}"`,
    });
    return template;
  });
  forgetTemplate(ctx.workspace.id, created.id);
  return { ...(await getTemplate(ctx, created.id)), warnings };
}
