import { withTransaction } from "../db/pool";
import { enrollPredictionEntries } from "../engine/prediction-entries";
import { applyEvaluation, loadSegments, type MembershipChange } from "./membership";
import { claimPredictionChanges, markPredictionChangesDispatched } from "./store/prediction-changes";
import { selectPredictionReadingSegments } from "./store/references";
import { lockSegments } from "./store/segments";

/**
 * Scores reach segments and journeys: scoring writes a PredictionScoreChange per person whose score or tier moved
 * (lib/predictions), and this takes them in batches, in one transaction per batch:
 *
 *   1. claims up to `limit` undispatched changes (FOR UPDATE SKIP LOCKED);
 *   2. re-evaluates, for exactly those people, the dynamic segments that read the changed predictions
 *      (SegmentReference kind "prediction", through referring segments too), recording entries and exits as
 *      every other path does (they are announced as cairn/segment.changed, so segment-entry journeys start);
 *   3. enrolls the people who entered a tier in the journeys that start on it (lib/engine/prediction-entries.ts);
 *   4. marks the changes dispatched.
 *
 * Everything commits together or not at all: a crash or a retried step takes the same changes again, the
 * evaluation is idempotent, and the entry keys (the change id; a segment entry's own change id) enroll nobody
 * twice. Segments are locked in id order, as every other membership update locks them.
 */
export interface PredictionDispatch {
  claimed: number;
  /** entries and exits recorded, to announce (rangesOf) once committed */
  segmentChanges: MembershipChange[];
  /** enrollments started by tier entries, to walk */
  enrolled: string[];
}

export async function dispatchPredictionChanges(
  now: Date,
  options: { limit?: number; workspaceId?: string } = {},
): Promise<PredictionDispatch> {
  return withTransaction(async (client) => {
    const claimed = await claimPredictionChanges(client, options.limit ?? 2_000, options.workspaceId ?? null);
    const byWorkspace = new Map<string, typeof claimed>();
    for (const c of claimed) byWorkspace.set(c.workspaceId, [...(byWorkspace.get(c.workspaceId) ?? []), c]);
    const segmentChanges: MembershipChange[] = [];
    const enrolled: string[] = [];
    for (const [workspaceId, changes] of byWorkspace) {
      const reading = await selectPredictionReadingSegments(client, workspaceId, [
        ...new Set(changes.map((c) => c.predictionId)),
      ]);
      const work = new Map<string, Set<string>>();
      for (const r of reading) {
        const people = work.get(r.segmentId) ?? new Set<string>();
        for (const c of changes) if (c.predictionId === r.predictionId) people.add(c.profileId);
        work.set(r.segmentId, people);
      }
      if (work.size) {
        const segmentIds = [...work.keys()].sort();
        await lockSegments(client, segmentIds);
        const segments = await loadSegments(client, workspaceId);
        for (const segmentId of segmentIds) {
          const segment = segments.get(segmentId);
          if (segment)
            segmentChanges.push(
              ...(await applyEvaluation(client, segment, segments, { ids: [...work.get(segmentId)!] }, now)),
            );
        }
      }
      enrolled.push(...(await enrollPredictionEntries(client, workspaceId, changes, now)));
    }
    await markPredictionChangesDispatched(
      client,
      claimed.map((c) => c.id),
      now,
    );
    return { claimed: claimed.length, segmentChanges, enrolled };
  });
}
