"use client";

import { useEffect, useState } from "react";
import type { JourneyStats } from "@/lib/engine/read-model";
import { api } from "../../api/client";

export const STATS_POLL_MS = 5000;

export interface JourneyStatsState {
  stats: JourneyStats | null;
  /** why the latest refresh failed (the last good counts stay on screen) */
  error: string | null;
}

/** What changes between two polls, so that identical answers do not re-render every node. */
const signature = (s: JourneyStats) => JSON.stringify([s.totals, s.nodes]);

/**
 * Polls the journey's live counts every 5 s while the page is visible: hidden tabs stop polling and a tab
 * that becomes visible again refreshes at once. Off (null) while `enabled` is false, i.e. before the
 * journey is first published.
 */
export function useJourneyStats(slug: string, journeyId: string, enabled: boolean): JourneyStatsState {
  const [state, setState] = useState<JourneyStatsState>({ stats: null, error: null });

  useEffect(() => {
    if (!enabled) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let inFlight = false;

    const schedule = () => {
      clearTimeout(timer);
      if (!stopped && !document.hidden) timer = setTimeout(() => void poll(), STATS_POLL_MS);
    };
    const poll = async () => {
      if (inFlight || stopped || document.hidden) return;
      inFlight = true;
      const result = await api.journeys.stats(slug, journeyId);
      inFlight = false;
      if (stopped) return;
      setState((previous) => {
        if (!result.ok)
          return previous.error === result.error.message ? previous : { ...previous, error: result.error.message };
        const unchanged = previous.stats && signature(previous.stats) === signature(result.data);
        // Keep the same objects when nothing moved: the nodes' context value stays identical.
        return {
          stats: unchanged ? { ...previous.stats!, generatedAt: result.data.generatedAt } : result.data,
          error: null,
        };
      });
      schedule();
    };
    const onVisibility = () => {
      if (document.hidden) clearTimeout(timer);
      else void poll();
    };

    void poll();
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [slug, journeyId, enabled]);

  return enabled ? state : { stats: null, error: null };
}
