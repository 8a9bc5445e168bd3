import "server-only";
import type pg from "pg";
import { pgPool, withTransaction } from "../db/pool";
import { isValidTimeZone } from "../engine/time";
import type { Clock } from "../runtime/clock";
import { decayFactor, ENGAGEMENT_EVENT_NAMES, engagementKind, KIND_WEIGHTS } from "./engagement-model";
import { HOURS_PER_WEEK, HourOfWeekCache } from "./hour-of-week";
import {
  type EngagementEventRow,
  lockWorkspaceSendTime,
  type ProfileSendTimeRow,
  selectBatchRange,
  selectEngagementEvents,
  selectProfileSendTimes,
  selectWorkspaceIds,
  updateWorkspaceSendTime,
  upsertProfileSendTimes,
} from "./store/send-times";

/**
 * Engagement by hour of week, kept incrementally (#21): each batch folds the workspace's events after its cursor
 * (WorkspaceSendTime.eventCursor) into the people's ProfileSendTime rows and the workspace's pattern, and moves the
 * cursor, in one transaction holding the workspace's row: an event is folded once, whatever crashes or runs twice.
 *
 * Weights are stored decayed as of a moment (`asOf`): folding decays what is stored to `now` and adds each new
 * event's weight (its kind's, engagement-model.ts) decayed from when it happened, at its hour of the week in the
 * person's time zone (the workspace's when the person has none or an unusable one). The workspace's pattern is the
 * sum of everyone's, so a person's hours count in the pattern in their own zone.
 *
 * A batch costs five statements whatever its size: lock, range, events (with each person's zone), the batch's
 * people's rows, the upsert of their rows and the pattern's update.
 */

/** events younger than this are left for the next batch: an ingest transaction that took an earlier id may not have committed yet */
export const SETTLE_MS = 5_000;
export const DEFAULT_BATCH = 20_000;
const HOUR_MS = 3_600_000;

export interface BatchFold {
  from: bigint;
  to: bigint;
  /** events after the cursor looked at (all of them, engagement or not) */
  scanned: number;
  /** engagements folded in */
  engagements: number;
  /** people whose history the batch changed */
  people: number;
}

interface Contribution {
  weights: Map<number, number>;
  total: number;
  engagements: number;
}

/** The batch's weight per person and hour of week, decayed to `now`. */
export function contributionsOf(
  events: EngagementEventRow[],
  workspaceZone: string,
  now: Date,
  cache: HourOfWeekCache,
): Map<string, Contribution> {
  const byPerson = new Map<string, Contribution>();
  const visits = new Set<string>();
  for (const e of events) {
    const kind = engagementKind(e.type, e.name);
    if (!kind) continue;
    if (e.type === "page" || e.type === "screen") {
      // one "session" per person per clock hour: twenty page views are one visit
      const visit = `${e.profileId}:${Math.floor(e.timestamp.getTime() / HOUR_MS)}`;
      if (visits.has(visit)) continue;
      visits.add(visit);
    }
    const zone = isValidTimeZone(e.timezone) ? e.timezone : workspaceZone;
    const hour = cache.hourOfWeek(e.timestamp, zone);
    const weight = KIND_WEIGHTS[kind] * decayFactor(e.timestamp, now);
    let c = byPerson.get(e.profileId);
    if (!c) byPerson.set(e.profileId, (c = { weights: new Map(), total: 0, engagements: 0 }));
    c.weights.set(hour, (c.weights.get(hour) ?? 0) + weight);
    c.total += weight;
    c.engagements++;
  }
  return byPerson;
}

/** A stored history decayed to `now` with a batch's contribution added. */
function merged(
  profileId: string,
  stored: ProfileSendTimeRow | undefined,
  add: Contribution,
  now: Date,
): ProfileSendTimeRow {
  const factor = stored ? decayFactor(stored.asOf, now) : 0;
  const weights: Record<string, number> = {};
  for (const [hour, w] of Object.entries(stored?.weights ?? {})) weights[hour] = w * factor;
  for (const [hour, w] of add.weights) weights[String(hour)] = (weights[String(hour)] ?? 0) + w;
  return {
    profileId,
    weights,
    total: (stored?.total ?? 0) * factor + add.total,
    engagements: (stored?.engagements ?? 0) + add.engagements,
    asOf: now,
  };
}

/** Folds the workspace's next batch of settled events; null when there is nothing new. */
export async function foldNextBatch(
  workspaceId: string,
  now: Date,
  options: { batchSize?: number; pool?: pg.Pool; cache?: HourOfWeekCache } = {},
): Promise<BatchFold | null> {
  const cache = options.cache ?? new HourOfWeekCache();
  return withTransaction(async (client) => {
    const workspace = await lockWorkspaceSendTime(client, workspaceId, now);
    if (!workspace) return null;
    const from = workspace.eventCursor;
    const { to, scanned } = await selectBatchRange(
      client,
      workspaceId,
      from,
      options.batchSize ?? DEFAULT_BATCH,
      new Date(now.getTime() - SETTLE_MS),
    );
    if (to <= from) return null;
    const events = await selectEngagementEvents(client, workspaceId, from, to, ENGAGEMENT_EVENT_NAMES);
    const zone = isValidTimeZone(workspace.timezone) ? workspace.timezone : "UTC";
    const added = contributionsOf(events, zone, now, cache);

    const stored = added.size
      ? new Map((await selectProfileSendTimes(client, workspaceId, [...added.keys()])).map((r) => [r.profileId, r]))
      : new Map<string, ProfileSendTimeRow>();
    const rows = [...added].map(([profileId, add]) => merged(profileId, stored.get(profileId), add, now));
    await upsertProfileSendTimes(client, workspaceId, rows, now);

    const factor = decayFactor(workspace.asOf, now);
    const weights =
      workspace.weights.length === HOURS_PER_WEEK
        ? workspace.weights.map((w) => w * factor)
        : new Array<number>(HOURS_PER_WEEK).fill(0);
    let engagements = 0;
    for (const add of added.values()) {
      for (const [hour, w] of add.weights) weights[hour] += w;
      engagements += add.engagements;
    }
    await updateWorkspaceSendTime(
      client,
      {
        workspaceId,
        weights,
        total: weights.reduce((sum, w) => sum + w, 0),
        people: workspace.people + (added.size - stored.size),
        asOf: now,
        eventCursor: to,
      },
      now,
    );
    return { from, to, scanned, engagements, people: added.size };
  }, options.pool ?? pgPool());
}

export interface FoldSummary {
  workspaces: number;
  batches: number;
  scanned: number;
  engagements: number;
}

/**
 * Brings every workspace's send times up to its settled events, at most `maxBatches` batches per workspace (the
 * next run goes on, so a backlog never holds one run for long).
 */
export async function updateSendTimes(
  clock: Clock,
  options: { batchSize?: number; maxBatches?: number; workspaceIds?: string[]; pool?: pg.Pool } = {},
): Promise<FoldSummary> {
  const pool = options.pool ?? pgPool();
  const ids = options.workspaceIds ?? (await selectWorkspaceIds(pool)).map((w) => w.id);
  const summary: FoldSummary = { workspaces: 0, batches: 0, scanned: 0, engagements: 0 };
  const cache = new HourOfWeekCache();
  for (const workspaceId of ids) {
    let folded = false;
    for (let i = 0; i < (options.maxBatches ?? Number.POSITIVE_INFINITY); i++) {
      const batch = await foldNextBatch(workspaceId, clock(), { batchSize: options.batchSize, pool, cache });
      if (!batch) break;
      folded = true;
      summary.batches++;
      summary.scanned += batch.scanned;
      summary.engagements += batch.engagements;
    }
    if (folded) summary.workspaces++;
  }
  return summary;
}
