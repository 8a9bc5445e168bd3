import type pg from "pg";
import type { TNode } from "../journeys/graph";
import type { ClaimedPredictionChange } from "../segments/store/prediction-changes";
import { enroll, type EntryCandidate } from "./enroll";
import { loadVersions } from "./graphs";
import { selectLiveJourneys } from "./store/journey-versions";

/**
 * Tier entries start journeys: a live journey whose trigger is `trigger.prediction` { predictionId, tier } enrolls
 * each person whose score change moved them into that tier (toTier = tier, fromTier another tier or none), under
 * its re-entry rule, with the change id as the entry key, so a change dispatched twice (a retry) enrolls once.
 * Runs in the dispatcher's transaction (inngest/functions/dispatch-prediction-changes.ts), so enrolling and marking
 * the change dispatched commit together. Returns the enrollments to walk.
 */
export async function enrollPredictionEntries(
  client: pg.ClientBase,
  workspaceId: string,
  changes: readonly ClaimedPredictionChange[],
  now: Date,
): Promise<string[]> {
  // a profile deleted since it was scored enrolls nowhere (its change is still marked dispatched)
  const entering = changes.filter((c) => c.profileExists && c.toTier !== null && c.toTier !== c.fromTier);
  if (!entering.length) return [];
  const journeys = await selectLiveJourneys(client, workspaceId);
  const versions = await loadVersions(
    client,
    journeys.map((j) => j.liveVersionId),
  );
  const byTarget = new Map<
    string,
    { journeyId: string; versionId: string; trigger: TNode; reentry: EntryCandidate["reentry"] }[]
  >();
  for (const j of journeys) {
    const version = versions.get(j.liveVersionId);
    if (version?.trigger.type !== "trigger.prediction") continue;
    const { predictionId, tier } = version.trigger.config as { predictionId?: string; tier?: string };
    if (!predictionId || !tier) continue;
    const key = `${predictionId}:${tier}`;
    byTarget.set(key, [
      ...(byTarget.get(key) ?? []),
      { journeyId: j.id, versionId: version.id, trigger: version.trigger, reentry: version.graph.settings.reentry },
    ]);
  }
  if (!byTarget.size) return [];
  const candidates: EntryCandidate[] = [];
  for (const change of entering) {
    for (const j of byTarget.get(`${change.predictionId}:${change.toTier}`) ?? []) {
      const name = change.predictionName ?? "prediction";
      candidates.push({
        workspaceId,
        journeyId: j.journeyId,
        journeyVersionId: j.versionId,
        triggerNodeId: j.trigger.id,
        triggerNodeType: j.trigger.type,
        profileId: change.profileId,
        entryKey: `prediction:${change.id}`,
        trigger: {
          name: `Entered ${change.toTier} ${name}`,
          properties: {
            predictionId: change.predictionId,
            predictionName: name,
            fromTier: change.fromTier,
            tier: change.toTier,
            score: change.toScore,
            changeId: change.id,
          },
          timestamp: change.at.toISOString(),
        },
        reentry: j.reentry,
      });
    }
  }
  return (await enroll(client, candidates, now)).enrolled;
}
