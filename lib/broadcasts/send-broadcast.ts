import { assertPublishGate } from "../approvals/publish-gate";
import type { z } from "zod";
import { actorLabel, type WorkspaceContext } from "../auth/context";
import { recordAudit } from "../audit/audit-log";
import { db } from "../db/client";
import { prismaQueryable } from "../db/sql";
import { AppError } from "../errors";
import { broadcastSendEvent, inngest, isInngestConfigured } from "../jobs";
import type { Channel } from "../messaging/liquid";
import { parseInput } from "../errors";
import { type Clock, systemClock } from "../runtime/clock";
import { firstSendMoment, lastSendMoment } from "./audience/local-send-time";
import type { BroadcastDetail, BroadcastSendResult } from "./broadcast-views";
import { usableTopic } from "../topics/manage-topics";
import { checkBroadcastReferences } from "./check-broadcast-references";
import { estimateAudience } from "./estimate-audience";
import { broadcastDetail, findBroadcast, variantsOf, webhookOf } from "./read-broadcasts";
import type { BroadcastChannel, ScheduleBroadcast } from "./schemas";
import { ZSendBroadcast } from "./schemas";
import { requireChannelSetUp, requireSendRole } from "./send-role";
import { lockBroadcast } from "./store/broadcasts";

/** A confirmation more than this far from a fresh count asks again: the audience moved since the dialog opened. */
const AUDIENCE_TOLERANCE = 0.05;

/** When a schedule sends: "now", a moment, or the first zone's local time; refuses a time already past. */
function when(schedule: ScheduleBroadcast, now: Date): { sendAt: Date; last: Date } {
  switch (schedule.kind) {
    case "now":
      return { sendAt: now, last: now };
    case "at": {
      const at = new Date(schedule.sendAt);
      if (at.getTime() <= now.getTime()) throw AppError.field("schedule.sendAt", "is in the past; choose a later time");
      return { sendAt: at, last: at };
    }
    case "local": {
      const last = lastSendMoment(schedule.localDate, schedule.localTime);
      if (last.getTime() <= now.getTime())
        throw AppError.field("schedule.localDate", "has passed in every time zone; choose a later date");
      return { sendAt: firstSendMoment(schedule.localDate, schedule.localTime), last };
    }
  }
}

function describeSchedule(schedule: ScheduleBroadcast, zone: string): string {
  switch (schedule.kind) {
    case "now":
      return "now";
    case "at":
      return `at ${schedule.sendAt}`;
    case "local":
      return `on ${schedule.localDate} at ${schedule.localTime} in each person's time zone (${zone} when unknown)`;
  }
}

/**
 * Sends a draft now, or schedules it. Needs the workspace's send role (send-role.ts). Checks: a segment, the
 * channel set up, the templates usable, a time in the future (a local time not yet past in every zone), and the
 * audience the confirmation showed (`confirmedAudience`) still within 5 % of a fresh count (409 otherwise, with
 * the new count). "now" starts the send chain (BROADCAST_SEND); a schedule is started by the broadcast sweep
 * once `sendAt` passes (for a local time: the first zone's moment).
 */
export async function sendBroadcast(
  ctx: WorkspaceContext,
  id: string,
  input: z.input<typeof ZSendBroadcast>,
  clock: Clock = systemClock,
): Promise<BroadcastSendResult> {
  const { timezone } = await requireSendRole(ctx);
  const { schedule, confirmedAudience } = parseInput(ZSendBroadcast, input);
  const existing = await findBroadcast(ctx, id);
  if (existing.archivedAt) throw new AppError("conflict", "This broadcast is archived; duplicate it to send again.");
  if (existing.status !== "DRAFT")
    throw new AppError(
      "conflict",
      `This broadcast is ${existing.status.toLowerCase()}, not a draft; it cannot be sent again.`,
    );
  if (!existing.segmentIds.length) throw AppError.field("segmentIds", "Choose at least one segment to send to");
  const variants = variantsOf(existing);
  await checkBroadcastReferences(ctx, { ...existing, variants, webhook: webhookOf(existing) });
  // #20: a template with no approved version, or banned phrases in what it will send, refuse the send or schedule
  await assertPublishGate(
    ctx.workspace.id,
    variants.map((v, i) => ({ templateId: v.templateId, path: `variants.${i}.templateId` })),
    clock(),
    "The broadcast cannot be sent",
  );
  // a topic archived after the draft chose it: new sends cannot use it (the draft must choose another or none)
  if (existing.topicId) await usableTopic(ctx.workspace.id, { id: existing.topicId }, "topicId");
  await requireChannelSetUp(ctx.workspace.id, existing.channel as Channel | "webhook");
  const now = clock();
  const { sendAt } = when(schedule, now);
  // The estimate reads the whole audience (about 10 s for a million people on this machine): it is made when a
  // person confirmed a count to compare with, or for a schedule (the send is later anyway). "Send now" without a
  // confirmed count (an API call) starts the chain at once, so the first message goes within seconds.
  const estimate =
    confirmedAudience !== undefined || schedule.kind !== "now"
      ? await estimateAudience(
          ctx.workspace.id,
          {
            channel: existing.channel as BroadcastChannel,
            segmentIds: existing.segmentIds,
            excludedSegmentIds: existing.excludedSegmentIds,
            holdoutPercent: existing.holdoutPercent,
            topicId: existing.topicId,
          },
          clock,
        )
      : null;
  const audience = estimate?.willBeSent ?? null;
  if (
    audience !== null &&
    confirmedAudience !== undefined &&
    Math.abs(audience - confirmedAudience) > AUDIENCE_TOLERANCE * Math.max(confirmedAudience, 1)
  )
    throw new AppError(
      "audience_changed",
      `The audience changed since you confirmed: it is now ${audience.toLocaleString("en")} people, not ${confirmedAudience.toLocaleString("en")}. Confirm again.`,
      { fields: [{ path: "confirmedAudience", message: `audience_changed: ${audience}` }] },
    );

  const whom = audience === null ? "its audience" : `about ${audience.toLocaleString("en")} people`;
  const summary = `${schedule.kind === "now" ? "Sent" : "Scheduled"} the broadcast "${existing.name}" to ${whom} ${describeSchedule(schedule, timezone)}`;
  const row = await db().$transaction(async (tx) => {
    if ((await lockBroadcast(prismaQueryable(tx), ctx.workspace.id, id)) !== "DRAFT")
      throw new AppError("conflict", "This broadcast was sent or scheduled by someone else meanwhile.");
    const row = await tx.broadcast.update({
      where: { id },
      data: {
        status: schedule.kind === "now" ? "SENDING" : "SCHEDULED",
        scheduleKind: schedule.kind,
        sendAt,
        localDate: schedule.kind === "local" ? schedule.localDate : null,
        localTime: schedule.kind === "local" ? schedule.localTime : null,
        timezone,
        startedAt: schedule.kind === "now" ? now : null,
        phase: existing.testPercent != null ? "test" : null,
        sentByLabel: actorLabel(ctx.actor),
        updatedByLabel: actorLabel(ctx.actor),
        updatedAt: now,
      },
    });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: schedule.kind === "now" ? "broadcast.sent" : "broadcast.scheduled",
      targetType: "broadcast",
      targetId: id,
      summary,
      metadata: { audience, schedule, estimate: estimate && { ...estimate, hours: null } },
    });
    return row;
  });
  if (schedule.kind === "now") await startSendChain(id, "start");
  return { broadcast: await broadcastDetail(ctx, row, clock), audience, summary };
}

/**
 * The next link of the send chain. Without a job runtime configured nothing runs it; the broadcast sweep restarts
 * a sending broadcast whose sender is quiet, so the send is late, not lost.
 */
export async function startSendChain(broadcastId: string, run: string): Promise<void> {
  if (isInngestConfigured()) await inngest.send(broadcastSendEvent(broadcastId, run));
}

/** A scheduled broadcast back to a draft (same role as sending: it takes back a send). */
export async function unscheduleBroadcast(ctx: WorkspaceContext, id: string): Promise<BroadcastDetail> {
  await requireSendRole(ctx);
  await findBroadcast(ctx, id);
  const row = await db().$transaction(async (tx) => {
    const status = await lockBroadcast(prismaQueryable(tx), ctx.workspace.id, id);
    if (status !== "SCHEDULED")
      throw new AppError("conflict", `This broadcast is ${status?.toLowerCase()}, not scheduled.`);
    const row = await tx.broadcast.update({
      where: { id },
      data: {
        status: "DRAFT",
        scheduleKind: "now",
        sendAt: null,
        localDate: null,
        localTime: null,
        phase: null,
        sentByLabel: null,
        updatedByLabel: actorLabel(ctx.actor),
        updatedAt: new Date(),
      },
    });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "broadcast.unscheduled",
      targetType: "broadcast",
      targetId: id,
      summary: `Unscheduled the broadcast "${row.name}"; it is a draft again`,
    });
    return row;
  });
  return broadcastDetail(ctx, row);
}
