import pg from "pg";
import { pgPool, withTransaction } from "../db/pool";
import type { Queryable } from "../db/sql";
import { ZSegmentDefinition, type TCondition, type TSegmentDefinition } from "./definition";
import { compileEvaluation, eventsOf, predictionsOf, usesProfile, type SegmentSource } from "./evaluate";
import { selectBatchEvents } from "./store/events";
import { markChangesDispatched, selectUndispatchedChanges } from "./store/membership-changes";
import {
  claimDueChecks,
  deleteChecksFor,
  deleteChecksOfProfiles,
  type EvaluationScope,
  moveMergedMemberships as moveMergedMembershipRows,
  selectSegmentsWithMembers,
  writeEvaluation,
} from "./store/memberships";
import { countProfiles, selectMergedInto, selectPeopleOf, selectProfileBatchBound } from "./store/profiles";
import {
  replaceReferences,
  type SegmentReferenceRow,
  selectEventIndex,
  selectProfileReadingSegmentIds,
} from "./store/references";
import {
  lockSegments,
  markRecomputeDone,
  markRecomputeFailed,
  markRecomputeRunning,
  selectDynamicSegmentIds,
  selectLiveSegments,
  selectRecomputeTarget,
  storeRecomputeProgress,
} from "./store/segments";

/**
 * Keeping memberships current. Every path ends in `applyEvaluation`: one statement that evaluates a dynamic
 * segment for a set of profiles (a list, or a range of ids for the recompute) and, in the same statement,
 * inserts entries, deletes exits, records each entry and exit once (SegmentMembershipChange, from the rows
 * actually inserted or deleted), stores every profile's next check (members: SegmentMembership.nextCheckAt,
 * non-members: SegmentCheck) and keeps the segment's size and daily counts. A transaction-scoped advisory
 * lock per segment serialises the updates of one segment, so each sees what the one before it wrote, and
 * an evaluation always runs on the events committed before it started.
 *
 *   - event-driven (`updateSegmentsForEvents`): only the segments that reference an arriving event's name
 *     (SegmentReference kind "event"), and those reading the profile when the batch can change it (identify,
 *     alias, a device token, Cairn's own messaging events such as Unsubscribed, a person's first events), for
 *     the batch's people: one
 *     statement per segment per batch. A merge moves the anonymous profile's memberships to the person and
 *     re-evaluates every segment for them.
 *   - profile changes outside ingestion (`reevaluateProfileSegments`: a journey's update_profile step, consent
 *     changes): the segments that read the profile, for those people, in the caller's transaction if it has one.
 *   - time-driven (`processDueChecks`): claims rows whose next check passed (FOR UPDATE SKIP LOCKED) and
 *     re-evaluates those people only.
 *   - full recompute (`recomputeSegment`): everyone, in batches of profile ids, with the progress stored.
 */

export interface MembershipChange {
  /** SegmentMembershipChange.id: a journey's entry key for this entry */
  id: string;
  workspaceId: string;
  segmentId: string;
  profileId: string;
  kind: "entered" | "exited";
  at: string;
}

export interface LoadedSegment extends SegmentSource {
  workspaceId: string;
  name: string;
  version: number;
}

/** The workspace's live segments (not archived), definitions parsed. */
export async function loadSegments(client: Queryable, workspaceId: string): Promise<Map<string, LoadedSegment>> {
  const rows = await selectLiveSegments(client, workspaceId);
  return new Map(
    rows.map((r) => {
      const parsed = r.kind === "dynamic" ? ZSegmentDefinition.safeParse(r.definition) : null;
      return [
        r.id,
        {
          id: r.id,
          workspaceId,
          name: r.name,
          kind: r.kind,
          definition: parsed?.success ? parsed.data : null,
          version: r.version,
        },
      ];
    }),
  );
}

const dayOf = (now: Date) => now.toISOString().slice(0, 10);

/**
 * Evaluates a dynamic segment for the profiles in `scope` and applies the answer (see the top of the file).
 * Requested ids that are not surviving profiles (merged away, unknown) are not members. Call with the
 * segment locked.
 */
export async function applyEvaluation(
  client: Queryable,
  segment: LoadedSegment,
  segments: ReadonlyMap<string, SegmentSource>,
  scope: EvaluationScope,
  now: Date,
): Promise<MembershipChange[]> {
  if (segment.kind !== "dynamic" || !segment.definition) return [];
  const compiled = compileEvaluation(segment.definition, { workspaceId: segment.workspaceId, now, segments });
  const rows = await writeEvaluation(client, compiled, segment, scope, now, dayOf(now));
  return rows.map((r) => ({ ...r, workspaceId: segment.workspaceId, segmentId: segment.id, at: now.toISOString() }));
}

/**
 * Re-evaluates the given segments for the given people, one transaction and one statement per segment.
 * `work`: segment id → profile ids (surviving ones).
 */
export async function evaluateFor(
  workspaceId: string,
  work: Map<string, Set<string>>,
  now: Date,
): Promise<MembershipChange[]> {
  const changes: MembershipChange[] = [];
  for (const segmentId of [...work.keys()].sort()) {
    const profileIds = [...work.get(segmentId)!];
    if (!profileIds.length) continue;
    changes.push(
      ...(await withTransaction(async (client) => {
        await lockSegments(client, [segmentId]);
        const segments = await loadSegments(client, workspaceId);
        const segment = segments.get(segmentId);
        if (!segment) {
          // archived or gone since: it keeps nobody
          await deleteChecksFor(client, segmentId, profileIds);
          return [];
        }
        return applyEvaluation(client, segment, segments, { ids: profileIds }, now);
      })),
    );
  }
  return changes;
}

// ---------------------------------------------------------------------------------------------------
// What a segment depends on (the event-driven index)

/**
 * Rewrites SegmentReference for the whole workspace from the definitions: a segment's event names and
 * profile dependence include those of the dynamic segments it refers to, so a change in any of them is seen.
 * Call it in the transaction that changes a definition (or archives a segment).
 */
export async function refreshReferences(client: Queryable, workspaceId: string): Promise<void> {
  const segments = await loadSegments(client, workspaceId);
  const rows: SegmentReferenceRow[] = [];
  for (const segment of segments.values()) {
    if (!segment.definition) continue;
    const root = segment.definition as TCondition;
    for (const name of eventsOf(root, segments)) rows.push({ segmentId: segment.id, kind: "event", value: name });
    if (usesProfile(root, segments)) rows.push({ segmentId: segment.id, kind: "profile", value: "" });
    for (const id of new Set(directSegmentRefs(root))) rows.push({ segmentId: segment.id, kind: "segment", value: id });
    for (const id of predictionsOf(root, segments)) rows.push({ segmentId: segment.id, kind: "prediction", value: id });
  }
  await replaceReferences(client, workspaceId, rows);
}

function directSegmentRefs(c: TCondition): string[] {
  if (c.kind === "segment") return [c.segmentId];
  if (c.kind === "group") return c.conditions.flatMap(directSegmentRefs);
  if (c.kind === "not") return directSegmentRefs(c.condition);
  return [];
}

// ---------------------------------------------------------------------------------------------------
// Event-driven

/**
 * After a batch of events was stored: re-evaluates the segments they can change, for their people only.
 * Returns the entries and exits it recorded.
 */
export async function updateSegmentsForEvents(
  workspaceId: string,
  eventIds: string[],
  now: Date,
): Promise<MembershipChange[]> {
  if (!eventIds.length) return [];
  const pool = pgPool();
  // What the workspace's segments read, first, and whether it has a segment at all (merged memberships move
  // below whatever the segments read): in a workspace without segments the batch's events are not read.
  const allRefs = await selectEventIndex(pool, workspaceId);
  if (!allRefs.length) return [];
  const events = await selectBatchEvents(pool, workspaceId, eventIds);
  if (!events.length) return [];
  const names = new Set(events.flatMap((e) => (e.name ? [e.name] : [])));
  const anyProfileChange = events.some((e) => e.profileChange);
  const refs = allRefs.filter((r) =>
    r.kind === "event" ? names.has(r.value) : r.kind === "profile" && anyProfileChange,
  );

  const work = new Map<string, Set<string>>();
  const add = (segmentId: string, profileId: string) => {
    const set = work.get(segmentId) ?? new Set<string>();
    set.add(profileId);
    work.set(segmentId, set);
  };
  const byName = new Map<string, string[]>();
  const profileSegments: string[] = [];
  for (const r of refs) {
    if (r.kind === "event") byName.set(r.value, [...(byName.get(r.value) ?? []), r.segmentId]);
    else profileSegments.push(r.segmentId);
  }
  for (const e of events) {
    for (const segmentId of (e.name && byName.get(e.name)) || []) add(segmentId, e.profileId);
    if (e.profileChange) for (const segmentId of profileSegments) add(segmentId, e.profileId);
  }

  // Merges: identify/alias may have merged anonymous profiles into these people.
  const identified = [
    ...new Set(events.filter((e) => e.type === "identify" || e.type === "alias").map((e) => e.profileId)),
  ];
  const changes: MembershipChange[] = [];
  if (identified.length) {
    const merged = await moveMergedMemberships(workspaceId, identified, now);
    changes.push(...merged.changes);
    if (merged.people.length) {
      for (const id of await selectDynamicSegmentIds(pool, workspaceId))
        for (const person of merged.people) add(id, person);
    }
  }
  changes.push(...(await evaluateFor(workspaceId, work, now)));
  return changes;
}

/**
 * The memberships of anonymous profiles merged into `people` move to the person they became (keeping when
 * they entered), unless the person is a member already: then the anonymous profile's membership ends (an
 * exit, so sizes stay right). Returns the people who had anything merged into them (their events changed:
 * every segment is re-evaluated for them) and the exits.
 */
async function moveMergedMemberships(
  workspaceId: string,
  people: string[],
  now: Date,
): Promise<{ people: string[]; changes: MembershipChange[] }> {
  const pool = pgPool();
  const mergedProfiles = await selectMergedInto(pool, people);
  if (!mergedProfiles.length) return { people: [], changes: [] };
  const fromIds = mergedProfiles.map((m) => m.id);
  const involved = await selectSegmentsWithMembers(pool, fromIds);
  const changes = await withTransaction(async (client) => {
    await deleteChecksOfProfiles(client, fromIds);
    if (!involved.length) return [];
    await lockSegments(client, involved);
    const rows = await moveMergedMembershipRows(client, fromIds, workspaceId, now, dayOf(now));
    return rows.map((r) => ({ ...r, workspaceId, at: now.toISOString() }));
  });
  return { people: [...new Set(mergedProfiles.map((m) => m.into))], changes };
}

// ---------------------------------------------------------------------------------------------------
// Profile changes outside ingestion

/**
 * A profile changed outside ingestion (a journey's update_profile step, a consent change): re-evaluates,
 * for those people only, the segments that read the profile (SegmentReference kind "profile", which includes
 * segments that read it through another segment), and records the entries and exits like any others. Merged
 * profile ids count as the person they became; ids of another workspace are ignored.
 *
 *   - `db` a client inside the caller's transaction: the evaluation joins it, so it sees the change and
 *     commits (or rolls back) with it; the segments are locked until then, in id order.
 *   - `db` the pool: one transaction per segment, as event-driven updates do; call it after the change
 *     committed.
 *
 * The changes are recorded unannounced: announce them (`rangesOf` → cairn/segment.changed, then
 * `markDispatched`) once the caller's transaction committed, or the segment-checks sweep announces them
 * about 30 s later.
 */
export async function reevaluateProfileSegments(
  db: pg.Pool | pg.ClientBase,
  workspaceId: string,
  profileIds: readonly string[],
  now: Date,
): Promise<MembershipChange[]> {
  const ids = [...new Set(profileIds)];
  if (!ids.length) return [];
  const personIds = await selectPeopleOf(db, workspaceId, ids);
  if (!personIds.length) return [];
  const segmentIds = await selectProfileReadingSegmentIds(db, workspaceId);
  if (!segmentIds.length) return [];
  if (db instanceof pg.Pool)
    return evaluateFor(workspaceId, new Map(segmentIds.map((id) => [id, new Set(personIds)])), now);
  await lockSegments(db, segmentIds);
  const segments = await loadSegments(db, workspaceId);
  const changes: MembershipChange[] = [];
  for (const segmentId of segmentIds) {
    const segment = segments.get(segmentId);
    if (segment) changes.push(...(await applyEvaluation(db, segment, segments, { ids: personIds }, now)));
  }
  return changes;
}

// ---------------------------------------------------------------------------------------------------
// Time-driven

/** How long a claimed check is reserved; the evaluation replaces it with the real next check. */
export const CHECK_LEASE_MS = 60_000;

/**
 * Claims up to `limit` memberships and non-member checks whose next check passed (SKIP LOCKED: several
 * runs take disjoint sets; the claim moves the check a lease ahead) and re-evaluates those people.
 */
export async function processDueChecks(
  now: Date,
  options: { limit?: number; workspaceId?: string } = {},
): Promise<{ claimed: number; changes: MembershipChange[] }> {
  const lease = new Date(now.getTime() + CHECK_LEASE_MS);
  const claim = { now, limit: options.limit ?? 2_000, lease, workspaceId: options.workspaceId ?? null };
  const due = [
    ...(await claimDueChecks(pgPool(), "SegmentMembership", claim)),
    ...(await claimDueChecks(pgPool(), "SegmentCheck", claim)),
  ];
  const byWorkspace = new Map<string, Map<string, Set<string>>>();
  for (const d of due) {
    const work = byWorkspace.get(d.workspaceId) ?? new Map<string, Set<string>>();
    work.set(d.segmentId, (work.get(d.segmentId) ?? new Set()).add(d.profileId));
    byWorkspace.set(d.workspaceId, work);
  }
  const changes: MembershipChange[] = [];
  for (const [workspaceId, work] of byWorkspace) changes.push(...(await evaluateFor(workspaceId, work, now)));
  return { claimed: due.length, changes };
}

// ---------------------------------------------------------------------------------------------------
// Full recompute

export const RECOMPUTE_BATCH = 10_000;

export interface RecomputeProgress {
  segmentId: string;
  processed: number;
  total: number;
  entered: number;
  exited: number;
}

/**
 * Evaluates a dynamic segment for every profile of its workspace, RECOMPUTE_BATCH profile ids at a time (one
 * transaction each, the segment locked only meanwhile, so event-driven updates interleave), storing the
 * progress after each batch. Ends by recounting the size (memberCount and today's SegmentDailySize). Entries
 * and exits are recorded like any others.
 */
export async function recomputeSegment(
  segmentId: string,
  options: { now?: () => Date; batchSize?: number; onProgress?: (p: RecomputeProgress) => void } = {},
): Promise<RecomputeProgress & { changes: number; range: ChangeRange | null; skipped?: string }> {
  const clock = options.now ?? (() => new Date());
  const batchSize = options.batchSize ?? RECOMPUTE_BATCH;
  const pool = pgPool();
  const segment = await selectRecomputeTarget(pool, segmentId);
  const progress: RecomputeProgress = { segmentId, processed: 0, total: 0, entered: 0, exited: 0 };
  if (!segment || segment.kind !== "dynamic" || segment.archivedAt)
    return {
      ...progress,
      changes: 0,
      range: null,
      skipped: !segment ? "no such segment" : segment.archivedAt ? "archived" : "manual segments are not computed",
    };
  progress.total = await countProfiles(pool, segment.workspaceId);
  await markRecomputeRunning(pool, segmentId, { version: segment.version, total: progress.total, startedAt: clock() });
  const seen: MembershipChange[] = [];
  try {
    let after = "00000000-0000-0000-0000-000000000000";
    for (;;) {
      // The batch: the next `batchSize` profile ids (merged ones too: their memberships end).
      const bound = await selectProfileBatchBound(pool, segment.workspaceId, after, batchSize);
      const last = bound.count < batchSize ? null : bound.lastId;
      const now = clock();
      const changes = await withTransaction(async (client) => {
        await lockSegments(client, [segmentId]);
        const segments = await loadSegments(client, segment.workspaceId);
        const current = segments.get(segmentId);
        if (!current) return null;
        return applyEvaluation(client, current, segments, { after, upTo: last }, now);
      });
      if (!changes) break;
      progress.processed = Math.min(progress.total, progress.processed + bound.count);
      for (const c of changes) progress[c.kind]++;
      // only the first and last id matter for the announcement
      if (changes.length) seen.splice(0, seen.length, ...rangeEnds([...seen, changes[0], changes[changes.length - 1]]));
      await storeRecomputeProgress(pool, segmentId, progress.processed);
      options.onProgress?.({ ...progress });
      if (last === null) break;
      after = last;
    }
    // The recount, under the segment's lock so no event-driven update lands between counting and storing;
    // today's point of the size trend gets the same number, so the chart ends where memberCount is.
    const finishedAt = clock();
    await withTransaction(async (client) => {
      await lockSegments(client, [segmentId]);
      await markRecomputeDone(client, segmentId, finishedAt, dayOf(finishedAt));
    });
  } catch (error) {
    await markRecomputeFailed(pool, segmentId, clock(), String((error as Error).message ?? error).slice(0, 500)).catch(
      () => {},
    );
    throw error;
  }
  return {
    ...progress,
    processed: progress.total,
    changes: progress.entered + progress.exited,
    range: rangesOf(seen)[0] ?? null,
  };
}

function rangeEnds(changes: MembershipChange[]): MembershipChange[] {
  const sorted = [...changes].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  return sorted.length > 1 ? [sorted[0], sorted[sorted.length - 1]] : sorted;
}

// ---------------------------------------------------------------------------------------------------
// Announcing changes (cairn/segment.changed)

/**
 * Changes are announced as id ranges per workspace (the engine reads the entries in the range), so an
 * announcement stays small whatever a recompute changed. A range may include changes another batch
 * announces too: the engine's entry key (the change id) makes a repeat enroll nobody twice.
 */
export interface ChangeRange {
  workspaceId: string;
  fromId: string;
  toId: string;
}

export function rangesOf(changes: Pick<MembershipChange, "id" | "workspaceId">[]): ChangeRange[] {
  const byWorkspace = new Map<string, { from: bigint; to: bigint }>();
  for (const c of changes) {
    const id = BigInt(c.id);
    const r = byWorkspace.get(c.workspaceId);
    if (!r) byWorkspace.set(c.workspaceId, { from: id, to: id });
    else {
      if (id < r.from) r.from = id;
      if (id > r.to) r.to = id;
    }
  }
  return [...byWorkspace].map(([workspaceId, r]) => ({
    workspaceId,
    fromId: r.from.toString(),
    toId: r.to.toString(),
  }));
}

/** Changes not announced yet, older than `olderThan` (a crash between recording and announcing left them). */
export async function undispatchedRanges(olderThan: Date, limit = 5_000): Promise<ChangeRange[]> {
  return rangesOf(await selectUndispatchedChanges(pgPool(), olderThan, limit));
}

export async function markDispatched(ranges: ChangeRange[], now: Date): Promise<void> {
  for (const r of ranges) await markChangesDispatched(pgPool(), r, now);
}

export type { TSegmentDefinition };
