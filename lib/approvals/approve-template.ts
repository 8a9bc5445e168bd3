import { z } from "zod";
import { recordAudit } from "../audit/audit-log";
import { actorLabel, requirePermission, requireUser, type WorkspaceContext } from "../auth/context";
import { ROLE_LABELS, type RoleName, roleAtLeast } from "../auth/permissions";
import { db } from "../db/client";
import { AppError, parseInput } from "../errors";
import { forgetTemplate } from "../messaging/templates/published-versions";
import { loadTemplate } from "../messaging/templates/template-views";
import type { Clock } from "../runtime/clock";
import { type FieldChange, fieldDiff } from "./field-diff";

/**
 * Approving a template version (#20): a version saved from an AI draft, or any version when the workspace requires
 * approval of every change, waits (needsApproval) and is not live until a member whose role is at least the
 * workspace's approver role approves it. Approval records who and when on the version and, in the audit log, which
 * fields changed against the version that was live.
 */

export const ZApproveTemplate = z
  .object({ version: z.number({ error: "must be a version number" }).int().min(1).max(1_000_000).optional() })
  .strict();

export interface ApprovalState {
  /** the newest version (what the editor shows) */
  version: number | null;
  aiDrafted: boolean;
  awaitingApproval: boolean;
  approvedAt: string | null;
  approvedBy: string | null;
  /** the newest live version (what sends use), null when none */
  liveVersion: number | null;
  approverRole: RoleName;
  approverRoleLabel: string;
  /** whether the asking member may approve */
  canApprove: boolean;
  /** the newest version against the live one, when it awaits approval */
  changes: FieldChange[];
}

async function settingsOf(workspaceId: string) {
  return db().workspace.findUniqueOrThrow({
    where: { id: workspaceId },
    select: { templateApproveRole: true, requireTemplateApproval: true },
  });
}

const VERSION_SELECT = {
  version: true,
  content: true,
  aiDrafted: true,
  needsApproval: true,
  approvedAt: true,
  approvedByLabel: true,
} as const;

async function liveVersionBelow(templateId: string, below: number) {
  return db().messageTemplateVersion.findFirst({
    where: {
      templateId,
      version: { lt: below },
      OR: [{ needsApproval: false }, { approvedAt: { not: null } }],
    },
    orderBy: { version: "desc" },
    select: VERSION_SELECT,
  });
}

function mayApprove(ctx: WorkspaceContext, role: RoleName): boolean {
  return ctx.actor.kind === "user" && ctx.role !== null && roleAtLeast(ctx.role, role);
}

/** The template's approval state, for the editor: what waits, who may approve it, and what it changes. */
export async function getApprovalState(ctx: WorkspaceContext, templateId: string): Promise<ApprovalState> {
  requirePermission(ctx, "workspace:read");
  const template = await loadTemplate(ctx, templateId);
  const { templateApproveRole } = await settingsOf(ctx.workspace.id);
  const role = templateApproveRole as RoleName;
  const newest = await db().messageTemplateVersion.findFirst({
    where: { templateId },
    orderBy: { version: "desc" },
    select: VERSION_SELECT,
  });
  const waits = !!newest && newest.needsApproval && newest.approvedAt === null;
  const live = newest ? (waits ? await liveVersionBelow(templateId, newest.version) : newest) : null;
  return {
    version: newest?.version ?? null,
    aiDrafted: newest?.aiDrafted ?? false,
    awaitingApproval: waits,
    approvedAt: newest?.approvedAt?.toISOString() ?? null,
    approvedBy: newest?.approvedByLabel ?? null,
    liveVersion: live?.version ?? null,
    approverRole: role,
    approverRoleLabel: ROLE_LABELS[role],
    canApprove: waits && !template.archivedAt && mayApprove(ctx, role),
    changes: waits && newest ? fieldDiff(live?.content ?? {}, newest.content) : [],
  };
}

/**
 * Approves a waiting version (default: the newest): 403 naming the role for a member below the approver role (and
 * for API keys: a person approves), 409 when it does not wait. The version goes live at once (the caches are
 * dropped), for sends and for publishes from now on.
 */
export async function approveTemplate(
  ctx: WorkspaceContext,
  templateId: string,
  input: unknown,
  clock: Clock = () => new Date(),
): Promise<ApprovalState> {
  requirePermission(ctx, "content:write");
  const { version: asked } = parseInput(ZApproveTemplate, input ?? {});
  const template = await loadTemplate(ctx, templateId);
  const { templateApproveRole } = await settingsOf(ctx.workspace.id);
  const role = templateApproveRole as RoleName;
  const user = requireUser(ctx);
  if (!mayApprove(ctx, role))
    throw new AppError(
      "forbidden",
      `Approving template changes needs the ${ROLE_LABELS[role]} role or higher in this workspace; you are ${
        ctx.role ? ROLE_LABELS[ctx.role] : "not a member"
      }.`,
    );
  if (template.archivedAt) throw new AppError("conflict", "This template is archived; restore it to approve it.");
  const version = asked ?? template.currentVersion;
  const target = await db().messageTemplateVersion.findUnique({
    where: { templateId_version: { templateId, version } },
    select: VERSION_SELECT,
  });
  if (!target) throw AppError.field("version", `The template has no version ${version}`);
  if (!target.needsApproval || target.approvedAt)
    throw new AppError(
      "conflict",
      target.approvedAt
        ? `v${version} was already approved by ${target.approvedByLabel ?? "someone"}.`
        : `v${version} does not await approval.`,
    );
  const live = await liveVersionBelow(templateId, version);
  const changes = fieldDiff(live?.content ?? {}, target.content);
  const now = clock();
  await db().$transaction(async (tx) => {
    // compare-and-set: two approvers at once approve it once
    const done = await tx.messageTemplateVersion.updateMany({
      where: { templateId, version, needsApproval: true, approvedAt: null },
      data: { approvedAt: now, approvedById: user.userId, approvedByLabel: actorLabel(ctx.actor) },
    });
    if (done.count !== 1) throw new AppError("conflict", `v${version} was approved by someone else meanwhile.`);
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "template.approved",
      targetType: "template",
      targetId: templateId,
      summary: `Approved v${version} of "${template.name}"${target.aiDrafted ? " (AI-drafted)" : ""}: ${
        changes.length ? `changed ${changes.map((c) => c.field).join(", ")}` : "no field changed"
      }`,
      metadata: {
        version,
        previousLiveVersion: live?.version ?? null,
        aiDrafted: target.aiDrafted,
        changedFields: changes.map((c) => c.field),
        changes: changes.map((c) => ({
          field: c.field,
          before: c.before?.slice(0, 500) ?? null,
          after: c.after?.slice(0, 500) ?? null,
        })),
      },
    });
  });
  forgetTemplate(ctx.workspace.id, templateId);
  return getApprovalState(ctx, templateId);
}
