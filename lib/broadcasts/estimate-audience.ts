import type { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { db } from "../db/client";
import { withTransaction } from "../db/pool";
import { AppError, parseInput } from "../errors";
import { localParts } from "../engine/time";
import type { Channel } from "../messaging/liquid";
import { loadPolicy } from "../messaging/policy";
import { type Clock, systemClock } from "../runtime/clock";
import { hourlyDistribution } from "./audience/local-send-time";
import type { AudienceEstimate, SendHour } from "./broadcast-views";
import { referenceProblems } from "./check-broadcast-references";
import { findBroadcast } from "./read-broadcasts";
import { type BroadcastChannel, type ScheduleBroadcast, ZEstimateBroadcast } from "./schemas";
import { countAudience, type EstimateOutcome } from "./store/estimate";

export interface AudienceQuestion {
  channel: BroadcastChannel;
  segmentIds: string[];
  excludedSegmentIds: string[];
  holdoutPercent: number;
  schedule?: ScheduleBroadcast | null;
  /** the broadcast's subscription topic */
  topicId?: string | null;
}

/**
 * The estimate of a saved broadcast with unsaved changes laid over it ({} counts it as saved). A scheduled
 * local-time broadcast's own schedule gives the hours when the body names none.
 */
export async function estimateBroadcast(
  ctx: WorkspaceContext,
  id: string,
  input: z.input<typeof ZEstimateBroadcast> = {},
  clock: Clock = systemClock,
): Promise<AudienceEstimate> {
  requirePermission(ctx, "workspace:read");
  const changes = parseInput(ZEstimateBroadcast, input);
  const saved = await findBroadcast(ctx, id);
  const savedSchedule: ScheduleBroadcast | null =
    saved.scheduleKind === "local" && saved.localDate && saved.localTime
      ? { kind: "local", localDate: saved.localDate, localTime: saved.localTime }
      : null;
  const question: AudienceQuestion = {
    channel: changes.channel ?? (saved.channel as BroadcastChannel),
    segmentIds: changes.segmentIds ?? saved.segmentIds,
    excludedSegmentIds: changes.excludedSegmentIds ?? saved.excludedSegmentIds,
    holdoutPercent: changes.holdoutPercent ?? saved.holdoutPercent,
    schedule: changes.schedule ?? savedSchedule,
    topicId: changes.topicId !== undefined ? changes.topicId : saved.topicId,
  };
  await refuseUnusableSegments(ctx, question);
  return estimateAudience(ctx.workspace.id, question, clock);
}

/** The estimate of a broadcast not saved yet: `channel` and `segmentIds` are needed. */
export async function estimateUnsavedBroadcast(
  ctx: WorkspaceContext,
  input: z.input<typeof ZEstimateBroadcast>,
  clock: Clock = systemClock,
): Promise<AudienceEstimate> {
  requirePermission(ctx, "workspace:read");
  const body = parseInput(ZEstimateBroadcast, input);
  const missing = [
    ...(body.channel ? [] : [{ path: "channel", message: "Choose the channel" }]),
    ...(body.segmentIds ? [] : [{ path: "segmentIds", message: "Choose at least one segment" }]),
  ];
  if (missing.length) throw AppError.validation(missing);
  const question: AudienceQuestion = {
    channel: body.channel!,
    segmentIds: body.segmentIds!,
    excludedSegmentIds: body.excludedSegmentIds ?? [],
    holdoutPercent: body.holdoutPercent ?? 0,
    schedule: body.schedule ?? null,
    topicId: body.topicId ?? null,
  };
  await refuseUnusableSegments(ctx, question);
  return estimateAudience(ctx.workspace.id, question, clock);
}

async function refuseUnusableSegments(ctx: WorkspaceContext, q: AudienceQuestion): Promise<void> {
  const issues = await referenceProblems(ctx, { ...q, variants: [] });
  if (issues.length) throw AppError.validation(issues);
}

/**
 * Who the broadcast would reach if it went out now: one grouped statement (store/estimate.ts) classifies each
 * member by the first check delivery would stop them at. The holdout is taken from the people who would be sent
 * (assignment is random, so this is its expected size). Callers check permissions and references.
 */
export async function estimateAudience(
  workspaceId: string,
  question: AudienceQuestion,
  clock: Clock = systemClock,
): Promise<AudienceEstimate> {
  const now = clock();
  const [policy, workspace] = await Promise.all([
    loadPolicy(workspaceId),
    db().workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { timezone: true } }),
  ]);
  const channel = question.channel as Channel;
  const rows = question.segmentIds.length
    ? await withTransaction((tx) =>
        countAudience(tx, {
          workspaceId,
          segmentIds: question.segmentIds,
          excludedSegmentIds: question.excludedSegmentIds,
          channel,
          requireOptIn: policy.requireOptIn.includes(channel),
          caps: policy.frequencyCaps
            .filter((c) => c.channel === channel)
            .map((c) => ({ limit: c.limit, since: new Date(now.getTime() - c.hours * 3_600_000) })),
          topicId: question.topicId ?? null,
        }),
      )
    : [];
  const by: Record<EstimateOutcome, number> = {
    excluded: 0,
    no_contact: 0,
    suppressed: 0,
    unsubscribed_topic: 0,
    no_consent: 0,
    capped: 0,
    ok: 0,
  };
  for (const r of rows) by[r.outcome as EstimateOutcome] += r.n;
  const inSegments = Object.values(by).reduce((a, b) => a + b, 0);
  const holdout = Math.round((by.ok * question.holdoutPercent) / 100);
  const keep = 1 - question.holdoutPercent / 100;
  const schedule = question.schedule;
  let hours: SendHour[] | null = null;
  if (schedule?.kind === "local") {
    // the hours of the people who will be sent, the holdout's share taken out of every zone alike
    const zones = rows.filter((r) => r.outcome === "ok").map((r) => ({ zone: r.timezone, count: r.n * keep }));
    hours = hourlyDistribution(zones, schedule.localDate, schedule.localTime, workspace.timezone).map((h) => ({
      utc: h.hour.toISOString(),
      local: wallHour(h.hour, workspace.timezone),
      count: Math.round(h.count),
    }));
  }
  return {
    channel: question.channel,
    inSegments,
    excluded: by.excluded,
    noContactPoint: by.no_contact,
    suppressed: by.suppressed,
    unsubscribedFromTopic: by.unsubscribed_topic,
    noConsent: by.no_consent,
    frequencyCapped: by.capped,
    holdout,
    willBeSent: by.ok - holdout,
    timezone: workspace.timezone,
    hours,
    computedAt: now.toISOString(),
  };
}

/** "YYYY-MM-DD HH:mm" on the zone's clock (a zone with a half-hour offset starts its hours at :30). */
function wallHour(instant: Date, zone: string): string {
  const p = localParts(instant, zone);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`;
}
