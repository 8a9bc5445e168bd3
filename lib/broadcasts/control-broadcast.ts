import { actorLabel, type WorkspaceContext } from "../auth/context";
import { recordAudit } from "../audit/audit-log";
import { db } from "../db/client";
import { pgPool } from "../db/pool";
import { prismaQueryable } from "../db/sql";
import { AppError } from "../errors";
import { type Clock, systemClock } from "../runtime/clock";
import type { BroadcastControlResult } from "./broadcast-views";
import { broadcastDetail, findBroadcast } from "./read-broadcasts";
import type { BroadcastStatus } from "./schemas";
import { startSendChain } from "./send-broadcast";
import { requireSendRole } from "./send-role";
import { cancelQueuedChunk, countControlState, lockBroadcast } from "./store/broadcasts";

/** Cancelling a million queued messages goes in short transactions of this many, not one that holds them all. */
export const CANCEL_CHUNK = 10_000;

type Control = "pause" | "resume" | "cancel";

const ALLOWED: Record<Control, BroadcastStatus[]> = {
  pause: ["SENDING"],
  resume: ["PAUSED"],
  cancel: ["SCHEDULED", "SENDING", "PAUSED"],
};
const PAST: Record<Control, string> = { pause: "Paused", resume: "Resumed", cancel: "Cancelled" };

/**
 * Pause, resume or cancel (the send role, as for sending). The status changes first, under the row's lock, so a
 * sender that checks the status before claiming stops; messages a sender already claimed (claimedUntil in the
 * future) finish, and are answered as "in flight". Cancel then marks the remaining queued messages CANCELLED in
 * chunks. Resume sends a new link of the send chain (a unique run, so it is not taken for a repeat).
 */
export async function controlBroadcast(
  ctx: WorkspaceContext,
  id: string,
  control: Control,
  clock: Clock = systemClock,
): Promise<BroadcastControlResult> {
  await requireSendRole(ctx);
  await findBroadcast(ctx, id);
  const now = clock();
  const row = await db().$transaction(async (tx) => {
    const status = (await lockBroadcast(prismaQueryable(tx), ctx.workspace.id, id)) as BroadcastStatus | null;
    if (!status || !ALLOWED[control].includes(status))
      throw new AppError(
        "conflict",
        `This broadcast is ${status?.toLowerCase()}; only a ${ALLOWED[control].map((s) => s.toLowerCase()).join(", ")} broadcast can be ${PAST[control].toLowerCase()}.`,
      );
    const label = actorLabel(ctx.actor);
    const data =
      control === "pause"
        ? { status: "PAUSED" as const, pausedAt: now }
        : control === "resume"
          ? { status: "SENDING" as const, pausedAt: null, lastProgressAt: now }
          : { status: "CANCELLED" as const, cancelledAt: now };
    const row = await tx.broadcast.update({ where: { id }, data: { ...data, updatedByLabel: label, updatedAt: now } });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: `broadcast.${control === "cancel" ? "cancelled" : control === "pause" ? "paused" : "resumed"}`,
      targetType: "broadcast",
      targetId: id,
      summary: `${PAST[control]} the broadcast "${row.name}"`,
    });
    return row;
  });
  if (control === "cancel") {
    while ((await cancelQueuedChunk(pgPool(), id, now, CANCEL_CHUNK)) === CANCEL_CHUNK) {
      // the next chunk, in its own transaction
    }
  }
  if (control === "resume") await startSendChain(id, `resume-${now.getTime()}`);
  return {
    broadcast: await broadcastDetail(ctx, row, clock),
    counts: await countControlState(pgPool(), id, now),
  };
}

export const pauseBroadcast = (ctx: WorkspaceContext, id: string, clock?: Clock) =>
  controlBroadcast(ctx, id, "pause", clock);
export const resumeBroadcast = (ctx: WorkspaceContext, id: string, clock?: Clock) =>
  controlBroadcast(ctx, id, "resume", clock);
export const cancelBroadcast = (ctx: WorkspaceContext, id: string, clock?: Clock) =>
  controlBroadcast(ctx, id, "cancel", clock);
