import "server-only";
import { pgPool } from "../../db/pool";
import { countAudienceMembers, selectAudienceByZone } from "./store/audience";

/**
 * The size of a broadcast's audience before it is sent: members of any of the segments, minus members of any
 * excluded segment, live profiles only (a merged profile counts as the person it was merged into). The caller
 * checks who may ask (the estimate and the confirmation in lib/broadcasts).
 */
export async function countAudience(
  workspaceId: string,
  segmentIds: readonly string[],
  excludedSegmentIds: readonly string[] = [],
): Promise<number> {
  if (segmentIds.length === 0) return 0;
  return countAudienceMembers(pgPool(), {
    workspaceId,
    segmentIds: [...segmentIds],
    excludedSegmentIds: [...excludedSegmentIds],
  });
}

/**
 * The same audience by the zone on each profile (null: unknown), for the local-time preview: feed it to
 * `hourlyDistribution` (local-send-time.ts) with the workspace's zone as the fallback.
 */
export async function audienceByZone(
  workspaceId: string,
  segmentIds: readonly string[],
  excludedSegmentIds: readonly string[] = [],
): Promise<{ zone: string | null; count: number }[]> {
  if (segmentIds.length === 0) return [];
  return selectAudienceByZone(pgPool(), {
    workspaceId,
    segmentIds: [...segmentIds],
    excludedSegmentIds: [...excludedSegmentIds],
  });
}
