import { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { db, type Prisma } from "../db/client";
import { pgPool } from "../db/pool";
import { AppError, parseInput } from "../errors";
import { type Clock, systemClock } from "../runtime/clock";
import { selectTopicById } from "../topics/store/topics";
import type {
  BroadcastDetail,
  BroadcastList,
  BroadcastProgress,
  BroadcastSummary,
  MessageCounts,
  ScheduleKind,
} from "./broadcast-views";
import {
  BROADCAST_STATUSES,
  type BroadcastChannel,
  type BroadcastStatus,
  type BroadcastVariant,
  type BroadcastWebhook,
  ZBroadcastListQuery,
  ZBroadcastWebhook,
  ZBroadcastVariant,
  type WinnerMetric,
} from "./schemas";
import {
  countBroadcastsByStatus,
  countEngagement,
  countHoldout,
  countMessagesByVariant,
  selectBroadcastIds,
} from "./store/broadcasts";

export type BroadcastRow = Prisma.BroadcastGetPayload<object>;

/** The list shows the newest this many; a workspace with more narrows it by status or name. */
const LIST_LIMIT = 200;

/** The workspace's broadcast with this id (archived ones too), or a 404 (an id that is not a uuid included). */
export async function findBroadcast(ctx: WorkspaceContext, id: string): Promise<BroadcastRow> {
  const notFound = () => new AppError("not_found", "No such broadcast in this workspace.");
  if (!z.uuid().safeParse(id).success) throw notFound();
  const row = await db().broadcast.findFirst({ where: { id, workspaceId: ctx.workspace.id } });
  if (!row) throw notFound();
  return row;
}

/** The stored variants (written through ZBroadcastVariant, so they parse). */
export function variantsOf(row: Pick<BroadcastRow, "variants">): BroadcastVariant[] {
  return z.array(ZBroadcastVariant).parse(row.variants);
}

/** The broadcast's subscription topic as the editor and the API show it. */
async function topicView(workspaceId: string, topicId: string | null): Promise<BroadcastDetail["topic"]> {
  const topic = topicId ? await selectTopicById(pgPool(), workspaceId, topicId) : null;
  return topic ? { id: topic.id, key: topic.key, name: topic.name, archived: !!topic.archivedAt } : null;
}

/** A webhook broadcast's stored request settings (written through ZBroadcastWebhook), or null for other channels. */
export function webhookOf(row: Pick<BroadcastRow, "webhook">): BroadcastWebhook | null {
  return row.webhook == null ? null : ZBroadcastWebhook.parse(row.webhook);
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function summaryOf(row: BroadcastRow): BroadcastSummary {
  return {
    id: row.id,
    name: row.name,
    channel: row.channel as BroadcastChannel,
    status: row.status,
    scheduleKind: row.scheduleKind as ScheduleKind,
    sendAt: iso(row.sendAt),
    localDate: row.localDate,
    localTime: row.localTime,
    timezone: row.timezone,
    audienceCount: row.audienceCount,
    holdoutCount: row.holdoutCount,
    variantCount: variantsOf(row).length,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    startedAt: iso(row.startedAt),
    completedAt: iso(row.completedAt),
    cancelledAt: iso(row.cancelledAt),
    archivedAt: iso(row.archivedAt),
    createdBy: row.createdByLabel,
    updatedBy: row.updatedByLabel,
    sentBy: row.sentByLabel,
  };
}

export async function listBroadcasts(
  ctx: WorkspaceContext,
  query: z.input<typeof ZBroadcastListQuery> = {},
): Promise<BroadcastList> {
  requirePermission(ctx, "workspace:read");
  const filter = parseInput(ZBroadcastListQuery, query);
  const ids = await selectBroadcastIds(pgPool(), ctx.workspace.id, filter, LIST_LIMIT);
  const rows = await db().broadcast.findMany({ where: { id: { in: ids }, workspaceId: ctx.workspace.id } });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const counted = await countBroadcastsByStatus(pgPool(), ctx.workspace.id);
  const counts = Object.fromEntries(BROADCAST_STATUSES.map((s) => [s, counted.get(s) ?? 0])) as Record<
    BroadcastStatus,
    number
  >;
  const started = rows.filter((r) => r.startedAt).map((r) => r.id);
  const engagement = await countEngagement(pgPool(), started);
  const summaries = ids.flatMap((id) => {
    const row = byId.get(id);
    if (!row) return [];
    const e = engagement.get(id);
    if (!row.startedAt) return [summaryOf(row)];
    const sent = e?.sent ?? 0;
    return [
      {
        ...summaryOf(row),
        sent,
        openRate: sent ? (e?.opened ?? 0) / sent : null,
        clickRate: sent ? (e?.clicked ?? 0) / sent : null,
      },
    ];
  });
  return { broadcasts: summaries, counts };
}

export async function getBroadcast(
  ctx: WorkspaceContext,
  id: string,
  clock: Clock = systemClock,
): Promise<BroadcastDetail> {
  requirePermission(ctx, "workspace:read");
  return broadcastDetail(ctx, await findBroadcast(ctx, id), clock);
}

const emptyCounts = (): MessageCounts => ({
  queued: 0,
  sent: 0,
  delivered: 0,
  suppressed: 0,
  failed: 0,
  bounced: 0,
  cancelled: 0,
  total: 0,
});

/** Progress from the broadcast's messages: exact counts per variant, and when a throttled send should end. */
async function progressOf(row: BroadcastRow, variants: string[], now: Date): Promise<BroadcastProgress> {
  const perVariant = new Map<string, MessageCounts>(variants.map((v) => [v, emptyCounts()]));
  const total = emptyCounts();
  for (const r of await countMessagesByVariant(pgPool(), row.id)) {
    const key = r.variant ?? "";
    if (!perVariant.has(key)) perVariant.set(key, emptyCounts());
    const status = r.status.toLowerCase() as keyof MessageCounts;
    for (const counts of [perVariant.get(key)!, total]) {
      if (status in counts) counts[status] += r.n;
      counts.total += r.n;
    }
  }
  // Still to go: the queued messages, and the audience not materialized yet while the sender works through it.
  const remaining = total.queued + (row.audienceDone ? 0 : Math.max(0, row.audienceCount - total.total));
  const sending = row.status === "SENDING" || row.status === "SCHEDULED";
  const estimatedFinishAt =
    row.throttlePerMinute && sending
      ? new Date(
          Math.max(now.getTime(), row.sendAt?.getTime() ?? 0) + Math.ceil((remaining / row.throttlePerMinute) * 60_000),
        ).toISOString()
      : null;
  return {
    variants: [...perVariant].map(([variant, counts]) => ({ variant, ...counts })),
    total,
    holdout: await countHoldout(pgPool(), row.id),
    audience: row.audienceCount,
    audienceDone: row.audienceDone,
    estimatedFinishAt,
  };
}

/** The whole broadcast as its page shows it: names of its segments and templates, and its progress. */
export async function broadcastDetail(
  ctx: WorkspaceContext,
  row: BroadcastRow,
  clock: Clock = systemClock,
): Promise<BroadcastDetail> {
  const variants = variantsOf(row);
  const segmentIds = [...row.segmentIds, ...row.excludedSegmentIds];
  const [segments, templates] = await Promise.all([
    db().segment.findMany({
      where: { workspaceId: ctx.workspace.id, id: { in: segmentIds } },
      select: { id: true, name: true, archivedAt: true },
    }),
    db().messageTemplate.findMany({
      where: { workspaceId: ctx.workspace.id, id: { in: variants.map((v) => v.templateId) } },
      select: { id: true, name: true },
    }),
  ]);
  const segmentById = new Map(segments.map((s) => [s.id, s]));
  const segmentView = (id: string) => ({
    id,
    name: segmentById.get(id)?.name ?? null,
    archived: !!segmentById.get(id)?.archivedAt,
  });
  const templateName = new Map(templates.map((t) => [t.id, t.name]));
  return {
    ...summaryOf(row),
    webhook: webhookOf(row),
    topicId: row.topicId,
    topic: await topicView(ctx.workspace.id, row.topicId),
    segmentIds: row.segmentIds,
    excludedSegmentIds: row.excludedSegmentIds,
    segments: row.segmentIds.map(segmentView),
    excludedSegments: row.excludedSegmentIds.map(segmentView),
    variants: variants.map((v) => ({ ...v, templateName: templateName.get(v.templateId) ?? null })),
    holdoutPercent: row.holdoutPercent,
    testPercent: row.testPercent,
    winnerAfterHours: row.winnerAfterHours,
    winnerMetric: row.winnerMetric as WinnerMetric | null,
    winnerVariant: row.winnerVariant,
    winnerDecidedAt: iso(row.winnerDecidedAt),
    phase: row.phase as "test" | "rest" | null,
    throttlePerMinute: row.throttlePerMinute,
    conversionEvent: row.conversionEvent,
    conversionWindowHours: row.conversionWindowHours,
    pausedAt: iso(row.pausedAt),
    lastProgressAt: iso(row.lastProgressAt),
    progress: await progressOf(
      row,
      variants.map((v) => v.key),
      clock(),
    ),
  };
}
