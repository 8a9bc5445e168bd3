import { recordAudit } from "../audit/audit-log";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { db, type Prisma } from "../db/client";
import { prismaQueryable } from "../db/sql";
import { AppError } from "../errors";
import { type JourneyDetail, loadJourney } from "./journey-views";
import { getJourney } from "./read-journeys";
import type { JourneyStatus } from "./schemas";
import { exitOpenEnrollments, wakeActiveEnrollments } from "./store/enrollments";

/** Pausing, resuming, archiving and restoring a journey, and what each does to the people in it. */

async function setStatus(
  ctx: WorkspaceContext,
  id: string,
  from: JourneyStatus[],
  to: JourneyStatus,
  verb: string,
): Promise<JourneyDetail> {
  requirePermission(ctx, "content:write");
  const journey = await loadJourney(ctx, id);
  if (!from.includes(journey.status)) {
    throw new AppError(
      "conflict",
      `Only a ${from.map((s) => s.toLowerCase()).join(" or ")} journey can be ${verb}; this one is ${journey.status.toLowerCase()}.`,
    );
  }
  await db().$transaction(async (tx) => {
    await tx.journey.update({ where: { id }, data: { status: to } });
    await applyStatusToEnrollments(tx, id, to);
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: `journey.${verb}`,
      targetType: "journey",
      targetId: id,
      summary: `${verb[0].toUpperCase()}${verb.slice(1)} "${journey.name}"`,
    });
  });
  return getJourney(ctx, id);
}

/**
 * What a status change means for the people in the journey. Paused: they hold where they are (the
 * engine neither advances nor wakes them). Resumed: those whose wait ended meanwhile are due at once.
 * Archived: everyone still in it leaves.
 */
async function applyStatusToEnrollments(
  tx: Prisma.TransactionClient,
  journeyId: string,
  to: JourneyStatus,
): Promise<void> {
  const now = new Date();
  if (to === "LIVE") await wakeActiveEnrollments(prismaQueryable(tx), journeyId, now);
  else if (to === "ARCHIVED") await exitOpenEnrollments(prismaQueryable(tx), journeyId, now);
}

export const pauseJourney = (ctx: WorkspaceContext, id: string) => setStatus(ctx, id, ["LIVE"], "PAUSED", "paused");
export const resumeJourney = (ctx: WorkspaceContext, id: string) => setStatus(ctx, id, ["PAUSED"], "LIVE", "resumed");

/** Archiving stops the journey for good: no new entries, and everyone still in it leaves. Restoring makes it a paused or draft journey again. */
export const archiveJourney = (ctx: WorkspaceContext, id: string) =>
  setStatus(ctx, id, ["DRAFT", "LIVE", "PAUSED"], "ARCHIVED", "archived");

export async function restoreJourney(ctx: WorkspaceContext, id: string): Promise<JourneyDetail> {
  const journey = await loadJourney(ctx, id);
  return setStatus(ctx, id, ["ARCHIVED"], journey.liveVersionId ? "PAUSED" : "DRAFT", "restored");
}
