import "server-only";
import { pgPool } from "../db/pool";
import { bestTimeFor, type BestTime } from "./best-time";
import { describeHourOfWeek } from "./hour-of-week";
import { loadSendTimeFacts } from "./load-send-time-facts";

export interface ProfileBestTime {
  /** "Tuesday 09:00–10:00", in `timeZone`; null when the workspace has no engagement yet */
  hour: string | null;
  source: BestTime["source"];
  engagements: number;
  timeZone: string;
  /** the next time a best-time step within 7 days would send to this person */
  nextAt: Date;
  reason: string;
}

/**
 * What a best-time step would choose for this person now (the profile page): the same facts and choice as the
 * engine's walk (load-send-time-facts.ts, best-time.ts), so the page explains exactly what a journey would do.
 */
export async function bestTimeOfProfile(
  workspaceId: string,
  profile: { id: string; timezone: string | null },
  now: Date,
): Promise<ProfileBestTime> {
  const factsOf = await loadSendTimeFacts(pgPool(), [{ workspaceId, profileId: profile.id }]);
  const best = bestTimeFor(profile.timezone, factsOf(workspaceId, profile.id), now, "7d");
  return {
    hour: best.hourOfWeek === null ? null : describeHourOfWeek(best.hourOfWeek),
    source: best.source,
    engagements: best.engagements,
    timeZone: best.timeZone,
    nextAt: best.at,
    reason: best.reason,
  };
}
