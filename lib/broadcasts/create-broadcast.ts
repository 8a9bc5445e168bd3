import type { z } from "zod";
import { actorLabel, requirePermission, type WorkspaceContext } from "../auth/context";
import { recordAudit } from "../audit/audit-log";
import { db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { parseInput } from "../errors";
import { usableTopic } from "../topics/manage-topics";
import type { BroadcastDetail } from "./broadcast-views";
import { checkBroadcastReferences } from "./check-broadcast-references";
import { broadcastDetail, findBroadcast, variantsOf, webhookOf } from "./read-broadcasts";
import { type CreateBroadcast, ZCreateBroadcast } from "./schemas";

/** Drafts a broadcast (editors and up, or a full key); its segments and templates must be usable. */
export async function createBroadcast(
  ctx: WorkspaceContext,
  input: z.input<typeof ZCreateBroadcast>,
): Promise<BroadcastDetail> {
  requirePermission(ctx, "content:write");
  const draft = parseInput(ZCreateBroadcast, input);
  await checkBroadcastReferences(ctx, draft);
  if (draft.topicId) await usableTopic(ctx.workspace.id, { id: draft.topicId }, "topicId");
  return insertDraft(ctx, draft, `Drafted the ${draft.channel} broadcast "${draft.name}"`);
}

/**
 * A new draft with the same settings (audience, variants, test, throttle, conversion), named "… (copy)" — the
 * daily "same as last week's newsletter". The schedule is not copied: a copy is sent when its sender says so.
 */
export async function duplicateBroadcast(ctx: WorkspaceContext, id: string): Promise<BroadcastDetail> {
  requirePermission(ctx, "content:write");
  const source = await findBroadcast(ctx, id);
  const copy: CreateBroadcast = {
    name: `${source.name} (copy)`.slice(0, 120),
    channel: source.channel as CreateBroadcast["channel"],
    webhook: webhookOf(source),
    topicId: source.topicId,
    segmentIds: source.segmentIds,
    excludedSegmentIds: source.excludedSegmentIds,
    variants: variantsOf(source),
    holdoutPercent: source.holdoutPercent,
    testPercent: source.testPercent,
    winnerAfterHours: source.winnerAfterHours,
    winnerMetric: source.winnerMetric as CreateBroadcast["winnerMetric"],
    throttlePerMinute: source.throttlePerMinute,
    conversionEvent: source.conversionEvent,
    conversionWindowHours: source.conversionWindowHours,
  };
  return insertDraft(ctx, copy, `Duplicated the broadcast "${source.name}" as "${copy.name}"`);
}

async function insertDraft(ctx: WorkspaceContext, draft: CreateBroadcast, summary: string): Promise<BroadcastDetail> {
  const label = actorLabel(ctx.actor);
  const row = await db().$transaction(async (tx) => {
    const row = await tx.broadcast.create({
      data: {
        ...draft,
        webhook: draft.webhook ?? Prisma.DbNull,
        workspaceId: ctx.workspace.id,
        createdByLabel: label,
        updatedByLabel: label,
      },
    });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "broadcast.created",
      targetType: "broadcast",
      targetId: row.id,
      summary,
    });
    return row;
  });
  return broadcastDetail(ctx, row);
}
