import "server-only";
import { pgPool } from "../../db/pool";
import { BROADCAST_REVENUE_PROPERTY } from "./assemble-results";
import { selectBroadcastConversions, selectBroadcastStages, selectRecentBroadcasts } from "./store/recent";
import { withoutJit } from "./store/results";

/**
 * The workspace overview's "Broadcasts": the latest broadcasts that started in the range (at most
 * RECENT_BROADCASTS), each with what the results page headlines: sent, open and click rates (over delivered; an SMS
 * has no open rate), conversions and revenue. Unlike the rest of the overview this reads the broadcasts' messages,
 * not a rollup: a handful of broadcasts, two grouped statements over their messages (about 2 s for a broadcast of
 * 1,000,000 on the 2-core machine; see lib/broadcasts/results/load-broadcast-results.ts).
 */

export const RECENT_BROADCASTS = 5;

export interface RecentBroadcast {
  id: string;
  name: string;
  channel: string;
  status: string;
  startedAt: string;
  sent: number;
  delivered: number;
  openRate: number | null;
  clickRate: number | null;
  conversions: number;
  revenue: number;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

/** Broadcasts that started from `from` (inclusive) to `to` (exclusive). */
export async function recentBroadcasts(
  workspaceId: string,
  from: Date,
  to: Date,
  now: Date,
): Promise<RecentBroadcast[]> {
  const pool = pgPool();
  const broadcasts = await selectRecentBroadcasts(pool, workspaceId, from, to, RECENT_BROADCASTS);
  if (!broadcasts.length) return [];
  const ids = broadcasts.map((b) => b.id);
  const [stages, conversions] = await Promise.all([
    selectBroadcastStages(pool, workspaceId, ids, now),
    withoutJit((tx) => selectBroadcastConversions(tx, workspaceId, ids, now, BROADCAST_REVENUE_PROPERTY)),
  ]);
  const stagesOf = new Map(stages.map((s) => [s.broadcastId, s]));
  const conversionsOf = new Map(conversions.map((c) => [c.broadcastId, c]));
  return broadcasts.map((b) => {
    const s = stagesOf.get(b.id) ?? { sent: 0, delivered: 0, opened: 0, clicked: 0 };
    const c = conversionsOf.get(b.id);
    return {
      id: b.id,
      name: b.name,
      channel: b.channel,
      status: b.status,
      startedAt: b.startedAt.toISOString(),
      sent: s.sent,
      delivered: s.delivered,
      openRate: b.channel === "sms" ? null : ratio(s.opened, s.delivered),
      clickRate: ratio(s.clicked, s.delivered),
      conversions: c?.converted ?? 0,
      revenue: c ? Math.round(Number(c.revenue) * 10_000) / 10_000 : 0,
    };
  });
}
