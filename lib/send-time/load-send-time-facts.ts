import "server-only";
import type { Queryable } from "../db/sql";
import type { SendTimeFacts } from "./best-time";
import { selectProfileSendTimesOf, selectWorkspacePatterns } from "./store/send-times";

/**
 * The send-time facts of a walk batch's people (lib/engine/walk-batch.ts, only for versions with a best-time step):
 * two statements for the whole batch, their histories and their workspaces' patterns and zones.
 */
export async function loadSendTimeFacts(
  q: Queryable,
  people: { workspaceId: string; profileId: string }[],
): Promise<(workspaceId: string, profileId: string) => SendTimeFacts | undefined> {
  if (!people.length) return () => undefined;
  // one after the other: q is the walk's transaction, one connection
  const histories = await selectProfileSendTimesOf(q, people);
  const patterns = await selectWorkspacePatterns(q, [...new Set(people.map((p) => p.workspaceId))]);
  const own = new Map(histories.map((h) => [h.profileId, h]));
  const workspaces = new Map(patterns.map((p) => [p.workspaceId, p]));
  return (workspaceId, profileId) => {
    const w = workspaces.get(workspaceId);
    if (!w) return undefined;
    return {
      own: own.get(profileId) ?? null,
      workspace: w.weights && w.total !== null ? { weights: w.weights, total: w.total, people: w.people ?? 0 } : null,
      workspaceTimeZone: w.timezone,
    };
  };
}
