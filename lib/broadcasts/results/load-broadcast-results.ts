import "server-only";
import { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../../auth/context";
import { db } from "../../db/client";
import { pgPool } from "../../db/pool";
import type { Queryable } from "../../db/sql";
import { AppError } from "../../errors";
import type { WinnerMetric } from "../schemas";
import type { BroadcastResultsQuery } from "./results-query";
import {
  assembleResults,
  BROADCAST_REVENUE_PROPERTY,
  type BroadcastResults,
  HOURLY_HOURS,
  variantsOf,
} from "./assemble-results";
import { variantLabel } from "./broadcast-statistics";
import {
  type ConversionCounts,
  countHoldout,
  type ResultsKey,
  selectConversions,
  selectTimeSeries,
  selectVariantCounts,
  withoutJit,
} from "./store/results";

/**
 * A broadcast's results, per variant and for the holdout, read from its Message rows (and their MessageEvent
 * timeline), BroadcastHoldout and the conversion event:
 *   audience      people assigned the variant (a Message each, whatever became of it)
 *   sent … clicked   messages sent, delivered, first opened, first clicked (one message per person: people)
 *   bounced       BOUNCED messages or ones with a bounce event; unsubscribed, complained: messages with that event
 *   failed, suppressed, cancelled, queued   messages in that status
 *   converted     people who did `conversionEvent` within `conversionWindowHours` after their message was sent
 *                 (the holdout: after the broadcast started); revenue: their conversion events' `revenue`
 *                 property (BROADCAST_REVENUE_PROPERTY, read by lib/analytics/revenue.ts's rule: a number or a
 *                 decimal string, anything else an order of 0), summed exactly; no currency conversion
 *   rates         open, click, unsubscribe over delivered (an SMS reports no opens: null); bounce over sent;
 *                 conversion over sent (the holdout: over its people)
 * a time series (an hour per point for the first 48 h after the start, then a day per point in the broadcast's
 * zone), and the statistics (./broadcast-statistics.ts) on `metric` (default: the winner metric, else conversion).
 * Four grouped statements, each one pass over the broadcast's messages.
 */

const NOT_FOUND = "No such broadcast in this workspace.";
const isUuid = (id: string) => z.uuid().safeParse(id).success;

export const BROADCAST_RESULTS_SELECT = {
  id: true,
  workspaceId: true,
  name: true,
  channel: true,
  status: true,
  phase: true,
  variants: true,
  holdoutPercent: true,
  testPercent: true,
  winnerAfterHours: true,
  winnerMetric: true,
  winnerVariant: true,
  winnerDecidedAt: true,
  conversionEvent: true,
  conversionWindowHours: true,
  timezone: true,
  startedAt: true,
  completedAt: true,
  createdAt: true,
} as const;

/** The columns the results read (BROADCAST_RESULTS_SELECT). */
export interface BroadcastForResults {
  id: string;
  workspaceId: string;
  name: string;
  channel: string;
  status: string;
  phase: string | null;
  variants: unknown;
  holdoutPercent: number;
  testPercent: number | null;
  winnerAfterHours: number | null;
  winnerMetric: string | null;
  winnerVariant: string | null;
  winnerDecidedAt: Date | null;
  conversionEvent: string | null;
  conversionWindowHours: number;
  timezone: string;
  startedAt: Date | null;
  completedAt: Date | null;
  createdAt: Date;
}

/** GET /broadcasts/{id}/results: the results and the statistics on `query.metric`. */
export async function getBroadcastResults(
  ctx: WorkspaceContext,
  broadcastId: string,
  query: BroadcastResultsQuery = {},
  now: Date = new Date(),
): Promise<BroadcastResults> {
  requirePermission(ctx, "workspace:read");
  if (!isUuid(broadcastId)) throw new AppError("not_found", NOT_FOUND);
  const broadcast = await db().broadcast.findFirst({
    where: { id: broadcastId, workspaceId: ctx.workspace.id },
    select: BROADCAST_RESULTS_SELECT,
  });
  if (!broadcast) throw new AppError("not_found", NOT_FOUND);
  const metric = query.metric ?? (broadcast.winnerMetric as WinnerMetric | null) ?? "conversion";
  const results = await loadBroadcastResults(pgPool(), broadcast, metric, now);
  return { ...results, winner: await winnerOf(broadcast) };
}

/** The counts and statistics of one broadcast at `now` (no permission check: the caller has done it). */
export async function loadBroadcastResults(
  q: Queryable,
  broadcast: BroadcastForResults,
  metric: WinnerMetric,
  now: Date,
): Promise<Omit<BroadcastResults, "winner">> {
  const variants = variantsOf(broadcast);
  const key: ResultsKey = {
    workspaceId: broadcast.workspaceId,
    broadcastId: broadcast.id,
    now,
    testBefore: broadcast.testPercent !== null ? broadcast.winnerDecidedAt : null,
    since: broadcast.startedAt ?? broadcast.createdAt,
  };
  const rule =
    broadcast.conversionEvent && broadcast.startedAt
      ? {
          event: broadcast.conversionEvent,
          windowHours: broadcast.conversionWindowHours,
          revenueProperty: BROADCAST_REVENUE_PROPERTY,
          startedAt: broadcast.startedAt,
        }
      : null;
  // Each statement on a connection of its own (in parallel on Postgres), JIT off (store/results.ts says why).
  const [counts, conversions, holdoutCount, series] = await Promise.all([
    withoutJit((tx) => selectVariantCounts(tx, key)),
    rule ? withoutJit((tx) => selectConversions(tx, key, rule)) : Promise.resolve([] as ConversionCounts[]),
    broadcast.holdoutPercent > 0 ? countHoldout(q, broadcast.id, now) : Promise.resolve(0),
    broadcast.startedAt
      ? withoutJit((tx) => selectTimeSeries(tx, key, broadcast.startedAt!, broadcast.timezone, HOURLY_HOURS, rule))
      : Promise.resolve([]),
  ]);
  return assembleResults({ broadcast, variants, metric, now, counts, conversions, holdoutCount, series });
}

export const WINNER_AUDIT_ACTION = "broadcast.winner_chosen";

async function winnerOf(broadcast: BroadcastForResults): Promise<BroadcastResults["winner"]> {
  if (!broadcast.winnerVariant) return null;
  const variant = variantsOf(broadcast).find((v) => v.key === broadcast.winnerVariant);
  const entry = await db().auditLog.findFirst({
    where: {
      workspaceId: broadcast.workspaceId,
      action: WINNER_AUDIT_ACTION,
      targetType: "broadcast",
      targetId: broadcast.id,
    },
    orderBy: { createdAt: "desc" },
    select: { metadata: true },
  });
  const reason = (entry?.metadata as { reason?: unknown } | undefined)?.reason;
  return {
    key: broadcast.winnerVariant,
    label: variant ? variantLabel(variant) : broadcast.winnerVariant,
    decidedAt: broadcast.winnerDecidedAt?.toISOString() ?? null,
    reason: typeof reason === "string" ? reason : null,
  };
}
