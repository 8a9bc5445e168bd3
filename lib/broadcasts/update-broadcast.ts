import type { z } from "zod";
import { actorLabel, requirePermission, type WorkspaceContext } from "../auth/context";
import { recordAudit } from "../audit/audit-log";
import { db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { prismaQueryable } from "../db/sql";
import { AppError, type FieldIssue, parseInput } from "../errors";
import { usableTopic } from "../topics/manage-topics";
import type { BroadcastDetail } from "./broadcast-views";
import { checkBroadcastReferences } from "./check-broadcast-references";
import { broadcastDetail, findBroadcast, variantsOf, webhookOf } from "./read-broadcasts";
import { type BroadcastChannel, checkDraft, type WinnerMetric, ZUpdateBroadcast } from "./schemas";
import { lockBroadcast } from "./store/broadcasts";

const STATUS_WORDS: Record<string, string> = {
  SCHEDULED: "scheduled (unschedule it first)",
  SENDING: "sending",
  PAUSED: "paused while sending",
  SENT: "sent",
  CANCELLED: "cancelled",
};

/**
 * Changes a draft. Only drafts change: a scheduled broadcast was approved by someone allowed to send, so an edit
 * must go through unschedule (back to a draft) and a new send; sending, paused, sent and cancelled ones are
 * history. The merged draft is checked as a whole (checkDraft) and its references again.
 */
export async function updateBroadcast(
  ctx: WorkspaceContext,
  id: string,
  input: z.input<typeof ZUpdateBroadcast>,
): Promise<BroadcastDetail> {
  requirePermission(ctx, "content:write");
  const changes = parseInput(ZUpdateBroadcast, input);
  const existing = await findBroadcast(ctx, id);
  refuseUnlessDraft(existing.status, existing.archivedAt, "changed");
  const merged = {
    name: existing.name,
    channel: existing.channel as BroadcastChannel,
    webhook: webhookOf(existing),
    topicId: existing.topicId,
    segmentIds: existing.segmentIds,
    excludedSegmentIds: existing.excludedSegmentIds,
    variants: variantsOf(existing),
    holdoutPercent: existing.holdoutPercent,
    testPercent: existing.testPercent,
    winnerAfterHours: existing.winnerAfterHours,
    winnerMetric: existing.winnerMetric as WinnerMetric | null,
    throttlePerMinute: existing.throttlePerMinute,
    conversionEvent: existing.conversionEvent,
    conversionWindowHours: existing.conversionWindowHours,
    ...changes,
  };
  const issues = draftIssues(merged);
  if (issues.length) throw AppError.validation(issues);
  await checkBroadcastReferences(ctx, merged);
  if (changes.topicId) await usableTopic(ctx.workspace.id, { id: changes.topicId }, "topicId");
  const { webhook, ...withoutWebhook } = changes;
  const row = await db().$transaction(async (tx) => {
    refuseUnlessDraft(await lockBroadcast(prismaQueryable(tx), ctx.workspace.id, id), null, "changed");
    const row = await tx.broadcast.update({
      where: { id },
      data: {
        ...withoutWebhook,
        ...(webhook === undefined ? {} : { webhook: webhook ?? Prisma.DbNull }),
        updatedByLabel: actorLabel(ctx.actor),
        updatedAt: new Date(),
      },
    });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "broadcast.updated",
      targetType: "broadcast",
      targetId: id,
      summary: `Changed the broadcast "${row.name}" (${Object.keys(changes).join(", ") || "nothing"})`,
    });
    return row;
  });
  return broadcastDetail(ctx, row);
}

/** The cross-field rules (checkDraft) on the merged draft, as field issues. */
function draftIssues(draft: Parameters<typeof checkDraft>[0]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const collect = {
    addIssue: (issue: { path?: PropertyKey[]; message?: string }) =>
      issues.push({ path: (issue.path ?? []).map(String).join("."), message: issue.message ?? "is invalid" }),
  } as unknown as z.RefinementCtx;
  checkDraft(draft, collect);
  return issues;
}

function refuseUnlessDraft(status: string | null, archivedAt: Date | null, verb: string): void {
  if (archivedAt) throw new AppError("conflict", `This broadcast is archived and cannot be ${verb}.`);
  if (status !== "DRAFT")
    throw new AppError("conflict", `This broadcast is ${STATUS_WORDS[status ?? ""] ?? status} and cannot be ${verb}.`);
}

/** Archives a draft or a finished (sent, cancelled) broadcast; one that is scheduled or sending must be stopped first. */
export async function archiveBroadcast(ctx: WorkspaceContext, id: string): Promise<BroadcastDetail> {
  requirePermission(ctx, "content:write");
  const existing = await findBroadcast(ctx, id);
  if (existing.archivedAt) return broadcastDetail(ctx, existing);
  const row = await db().$transaction(async (tx) => {
    const status = await lockBroadcast(prismaQueryable(tx), ctx.workspace.id, id);
    if (status !== "DRAFT" && status !== "SENT" && status !== "CANCELLED")
      throw new AppError(
        "conflict",
        `This broadcast is ${STATUS_WORDS[status ?? ""] ?? status}; cancel it before archiving it.`,
      );
    const row = await tx.broadcast.update({
      where: { id },
      data: { archivedAt: new Date(), updatedByLabel: actorLabel(ctx.actor), updatedAt: new Date() },
    });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "broadcast.archived",
      targetType: "broadcast",
      targetId: id,
      summary: `Archived the broadcast "${row.name}"`,
    });
    return row;
  });
  return broadcastDetail(ctx, row);
}
