import { withTransaction } from "../db/pool";
import type { TNode } from "../journeys/graph";
import { enroll, type EntryCandidate } from "./enroll";
import { loadVersions } from "./graphs";
import { selectLiveJourneys } from "./store/journey-versions";
import { selectSegmentEntries } from "./store/segment-entries";

/**
 * Segment entries start journeys: a live journey whose trigger is `trigger.segment` enrolls each person who
 * entered that segment (SegmentMembershipChange of kind "entered", announced as cairn/segment.changed) under
 * its re-entry rule, with the change id as the entry key, so an entry announced twice enrolls once and each
 * new entry (after an exit) is a new chance under the rule. Returns the enrollments to walk.
 */
export interface SegmentChangeRange {
  workspaceId: string;
  fromId: string;
  toId: string;
}

const PAGE = 1_000;

export async function enrollSegmentEntries(
  range: SegmentChangeRange,
  now: Date,
): Promise<{ advance: string[]; enrolled: number }> {
  const advance: string[] = [];
  let after = BigInt(range.fromId) - 1n;
  for (;;) {
    const page = await withTransaction(async (client) => {
      const journeys = await selectLiveJourneys(client, range.workspaceId);
      const versions = await loadVersions(
        client,
        journeys.map((j) => j.liveVersionId),
      );
      const bySegment = new Map<
        string,
        { journeyId: string; versionId: string; trigger: TNode; reentry: EntryCandidate["reentry"] }[]
      >();
      for (const j of journeys) {
        const version = versions.get(j.liveVersionId);
        if (version?.trigger.type !== "trigger.segment") continue;
        const segmentId = (version.trigger.config as { segmentId?: string }).segmentId;
        if (!segmentId) continue;
        bySegment.set(segmentId, [
          ...(bySegment.get(segmentId) ?? []),
          { journeyId: j.id, versionId: version.id, trigger: version.trigger, reentry: version.graph.settings.reentry },
        ]);
      }
      if (!bySegment.size) return null;
      const entries = await selectSegmentEntries(
        client,
        range.workspaceId,
        after.toString(),
        range.toId,
        [...bySegment.keys()],
        PAGE,
      );
      const candidates: EntryCandidate[] = [];
      for (const entry of entries) {
        for (const j of bySegment.get(entry.segmentId) ?? []) {
          candidates.push({
            workspaceId: range.workspaceId,
            journeyId: j.journeyId,
            journeyVersionId: j.versionId,
            triggerNodeId: j.trigger.id,
            triggerNodeType: j.trigger.type,
            profileId: entry.profileId,
            entryKey: `segment:${entry.id}`,
            trigger: {
              name: `Entered segment ${entry.name}`,
              properties: { segmentId: entry.segmentId, segmentName: entry.name, changeId: entry.id },
              timestamp: entry.at.toISOString(),
            },
            reentry: j.reentry,
          });
        }
      }
      const { enrolled } = await enroll(client, candidates, now);
      return {
        enrolled,
        last: entries.length ? BigInt(entries[entries.length - 1].id) : null,
        full: entries.length === PAGE,
      };
    });
    if (!page) break;
    advance.push(...page.enrolled);
    if (!page.full || page.last === null) break;
    after = page.last;
  }
  return { advance, enrolled: advance.length };
}
