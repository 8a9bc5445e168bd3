import { pgPool, withTransaction } from "../db/pool";
import type { Queryable } from "../db/sql";
import {
  deleteRollupRowsOutside,
  hasRollupState,
  lockWorkspaceAnalytics,
  recomputeEdgeDays,
  recomputeJourneyDays,
  recomputeMessageDays,
  recomputeNodeDays,
  ROLLUP_TABLES,
  selectCatchUpCursor,
  selectDaysWithConversionDrift,
  selectRawDataBounds,
  selectWorkspaceIds,
  selectWorkspaceJourneyIds,
  selectWorkspacesToRebuild,
  upsertRollupRebuild,
  upsertRollupRun,
} from "./store/rollups";
import { addDays, type DayRange, daysBetween, isoDay, mergeRanges, startOfUtcDay } from "./utc-days";

/**
 * The analytics rollups: daily counts that the dashboards read instead of raw rows (lib/analytics/dashboards.ts).
 *
 *   AnalyticsJourneyDay  (journey, day)                      entered, completed, exited, failed, converted,
 *                                                            orders, revenue (Conversion.revenue, Decimal)
 *   AnalyticsNodeDay     (journey, day, node)                entered, converted (of people who passed the node)
 *   AnalyticsEdgeDay     (journey, day, source, branch, target)
 *                                                            entered (visits of target along that edge), converted
 *   AnalyticsMessageDay  (workspace, day, journey, node, channel)
 *                                                            queued, sent, delivered, opened, clicked, bounced,
 *                                                            failed, suppressed, unsubscribed, complained;
 *                                                            conversions, orders, revenue attributed to the
 *                                                            messages (Conversion.messageId, conversion's day)
 *   (events per day are EventVolume, kept by the ingest rollup, lib/ingest/rollup.ts)
 *
 * Every count is a COUNT over raw rows whose own timestamp falls on that UTC day: Enrollment.enteredAt,
 * Enrollment.endedAt (by final status), Conversion.convertedAt, EnrollmentStep.enteredAt, Message.createdAt,
 * Message.sentAt, Message.openedAt, and the first MessageEvent of each other type for a message. So a (workspace, day) partition is
 * a pure function of the raw rows, and **recomputing a partition is exact**: it is replaced as a whole (upsert
 * the fresh rows, delete the ones that no longer exist) in one transaction, so it never double counts, never
 * mixes old and new, and a rerun changes nothing. Incremental maintenance is then only a question of *which*
 * partitions can have changed since they were last computed:
 *
 * 1. **Today and yesterday (UTC), every run** (and tomorrow, for clocks a little ahead). Cairn stamps the
 *    rows it writes with its own clock at the moment it writes them: the engine's enteredAt, endedAt and step
 *    times, the delivery code's createdAt, sentAt and timeline times, opens and clicks. Such a row therefore
 *    falls in today's partition, or yesterday's if its transaction straddled midnight, and both are
 *    recomputed on every run until the day after: it is counted at the next run (within a minute on
 *    Inngest, 30 s on the embedded executor). An event (or a provider report) that arrives late but is dated
 *    yesterday lands in yesterday's partition, which is still being recomputed.
 *
 * 2. **Conversions on older days, checked every run.** A conversion carries the goal event's own timestamp,
 *    which the customer's app may send days late (offline mobile clients). Conversion rows are only ever
 *    inserted, so for the last CONVERSION_CHECK_DAYS days each run compares the raw count per (journey, day)
 *    (an index-only count on Conversion(journeyId, convertedAt)) with the rollup's, and recomputes the days
 *    that differ. A late conversion therefore shows at the next run too, on its own day.
 *
 *    A conversion that comes days after the visit: per-node conversions are counted on the conversion's day
 *    ("conversions that day by people who had passed this node"), not on the visit's, so the visit's old
 *    partition never needs to change; the conversion falls in today's. Conversion per node over a range is
 *    then the conversions in the range by people who passed the node, over the node's visits in the range.
 *
 * 3. **A catch-up sweep** for anything else that can reach an older day: a provider's delivery report dated
 *    more than a day back, a status changed by hand in the database. Each run also recomputes one older day,
 *    cycling through the CATCH_UP_DAYS before yesterday (AnalyticsRollupState.catchUpCursor), so such a
 *    change shows within CATCH_UP_DAYS runs. Older than that: `npm run analytics:rebuild`, which recomputes
 *    every partition from the raw tables (rebuildAnalytics). The cron's first run for a workspace is such a
 *    rebuild too, so a database with data from before the rollups existed needs no manual step.
 *
 * Concurrency: one transaction per workspace and run, under a transaction-scoped advisory lock per workspace,
 * so the cron, a second app instance and a rebuild never interleave on a workspace's partitions. Upserts use
 * ON CONFLICT … DO UPDATE … WHERE the values changed, so an unchanged partition writes nothing. The recompute
 * queries read the raw tables through indexes on (journeyId, enteredAt), (journeyId, endedAt),
 * (journeyId, convertedAt), (workspaceId, createdAt) and (workspaceId, at): a day costs the rows of that day.
 */

export const CONVERSION_CHECK_DAYS = 35;
export const CATCH_UP_DAYS = 35;

/**
 * Recomputes every partition of `workspaceId` in [from, to) (UTC days) from the raw tables. The caller holds
 * the workspace's lock, in `q`'s transaction.
 */
export async function recomputeDays(
  q: Queryable,
  workspaceId: string,
  journeyIds: string[],
  range: DayRange,
): Promise<void> {
  await recomputeJourneyDays(q, workspaceId, journeyIds, range.from, range.to);
  await recomputeNodeDays(q, workspaceId, journeyIds, range.from, range.to);
  await recomputeEdgeDays(q, workspaceId, journeyIds, range.from, range.to);
  await recomputeMessageDays(q, workspaceId, journeyIds, range.from, range.to);
}

/** Days before `before` (within the check window) whose conversion counts differ between the raw table and the rollup. */
async function daysWithNewConversions(
  q: Queryable,
  workspaceId: string,
  journeyIds: string[],
  from: Date,
  before: Date,
): Promise<Date[]> {
  if (!journeyIds.length) return [];
  const days = await selectDaysWithConversionDrift(q, workspaceId, journeyIds, from, before);
  return days.map((day) => new Date(`${day}T00:00:00Z`));
}

export interface WorkspaceRollupResult {
  workspaceId: string;
  /** the day ranges recomputed, as ISO days [from, to) */
  recomputed: { from: string; to: string }[];
}

/**
 * One incremental run for one workspace, at `now` (see the file's comment for which partitions and why),
 * in one transaction.
 */
export async function rollupWorkspace(workspaceId: string, now: Date = new Date()): Promise<WorkspaceRollupResult> {
  return withTransaction(async (client) => {
    await lockWorkspaceAnalytics(client, workspaceId);
    const journeyIds = await selectWorkspaceJourneyIds(client, workspaceId);
    const cursor = (await selectCatchUpCursor(client, workspaceId)) ?? 0;

    const today = startOfUtcDay(now);
    const windowStart = addDays(today, -1);
    const ranges: DayRange[] = [{ from: windowStart, to: addDays(today, 2) }];
    const catchUpDay = addDays(windowStart, -1 - (cursor % CATCH_UP_DAYS));
    ranges.push({ from: catchUpDay, to: addDays(catchUpDay, 1) });
    for (const day of await daysWithNewConversions(
      client,
      workspaceId,
      journeyIds,
      addDays(windowStart, -CONVERSION_CHECK_DAYS),
      windowStart,
    )) {
      ranges.push({ from: day, to: addDays(day, 1) });
    }

    const merged = mergeRanges(ranges);
    for (const range of merged) await recomputeDays(client, workspaceId, journeyIds, range);
    await upsertRollupRun(client, workspaceId, now, (cursor + 1) % CATCH_UP_DAYS);
    return { workspaceId, recomputed: merged.map((r) => ({ from: isoDay(r.from), to: isoDay(r.to) })) };
  });
}

/**
 * The cron's work for one workspace: the incremental run, or, the first time (no AnalyticsRollupState row: a
 * workspace whose data predates the rollups, or a new one), a rebuild of all its days, so that upgrading an
 * installation needs no manual step. A new workspace's rebuild is a few empty days.
 */
export async function rollupOrRebuildWorkspace(
  workspaceId: string,
  now: Date = new Date(),
): Promise<"incremental" | "rebuilt"> {
  if (await hasRollupState(pgPool(), workspaceId)) {
    await rollupWorkspace(workspaceId, now);
    return "incremental";
  }
  await rebuildAnalytics({ workspaceId, now });
  return "rebuilt";
}

/**
 * The cron's work: every workspace, one transaction each (rollupOrRebuildWorkspace). A workspace that fails
 * does not hold up the others; the run then throws (so it is retried and shows as failed) after trying them all.
 */
export async function rollupAnalytics(now: Date = new Date()): Promise<{ workspaces: number; rebuilt: number }> {
  const workspaceIds = await selectWorkspaceIds(pgPool());
  const failed: string[] = [];
  let rebuilt = 0;
  for (const id of workspaceIds) {
    try {
      if ((await rollupOrRebuildWorkspace(id, now)) === "rebuilt") rebuilt++;
    } catch (error) {
      console.error(`[cairn] analytics rollup of workspace ${id} failed:`, error);
      failed.push(id);
    }
  }
  if (failed.length)
    throw new Error(
      `analytics rollup failed for ${failed.length} of ${workspaceIds.length} workspaces (${failed.join(", ")}); see the log`,
    );
  return { workspaces: workspaceIds.length, rebuilt };
}

export interface RebuildOptions {
  /** only this workspace (default: all) */
  workspaceId?: string;
  now?: Date;
  /** days recomputed per transaction */
  chunkDays?: number;
  onProgress?: (message: string) => void;
}

/**
 * Recomputes every partition from the raw tables: from the earliest day any raw row of the workspace falls
 * on to the latest (at least through tomorrow), in transactions of `chunkDays` days, and deletes rollup rows
 * outside that span. The dashboards stay readable meanwhile: each chunk replaces its days atomically.
 */
export async function rebuildAnalytics(options: RebuildOptions = {}): Promise<{ workspaces: number; days: number }> {
  const now = options.now ?? new Date();
  const chunkDays = Math.max(1, options.chunkDays ?? 7);
  const say = options.onProgress ?? (() => {});
  const workspaces = await selectWorkspacesToRebuild(pgPool(), options.workspaceId);
  let totalDays = 0;
  for (const [index, workspace] of workspaces.entries()) {
    const started = performance.now();
    const journeyIds = await selectWorkspaceJourneyIds(pgPool(), workspace.id);
    const bounds = await selectRawDataBounds(pgPool(), workspace.id, journeyIds);
    const today = startOfUtcDay(now);
    const first = bounds?.first ? startOfUtcDay(bounds.first) : today;
    const lastRaw = bounds?.last ? addDays(startOfUtcDay(bounds.last), 1) : today;
    const from = first < today ? first : addDays(today, -1);
    const to = lastRaw > addDays(today, 2) ? lastRaw : addDays(today, 2);
    const days = daysBetween(from, to);
    say(
      `workspace ${index + 1}/${workspaces.length} (${workspace.slug}): ${isoDay(from)} to ${isoDay(addDays(to, -1))}, ${days} days`,
    );

    await withTransaction(async (client) => {
      await lockWorkspaceAnalytics(client, workspace.id);
      for (const table of ROLLUP_TABLES) await deleteRollupRowsOutside(client, table, workspace.id, from, to);
    });
    for (let chunk = from, done = 0; chunk < to; chunk = addDays(chunk, chunkDays)) {
      const end = addDays(chunk, chunkDays) < to ? addDays(chunk, chunkDays) : to;
      await withTransaction(async (client) => {
        await lockWorkspaceAnalytics(client, workspace.id);
        await recomputeDays(client, workspace.id, journeyIds, { from: chunk, to: end });
      });
      done += daysBetween(chunk, end);
      say(
        `  ${isoDay(chunk)} to ${isoDay(addDays(end, -1))}: done (${done}/${days} days, ${((performance.now() - started) / 1000).toFixed(1)} s)`,
      );
    }
    await upsertRollupRebuild(pgPool(), workspace.id, now);
    totalDays += days;
  }
  return { workspaces: workspaces.length, days: totalDays };
}
