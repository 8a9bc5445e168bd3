import type { getBroadcastResults } from "@/lib/broadcasts/results/load-broadcast-results";
import type { BroadcastResultsQuery } from "@/lib/broadcasts/results/results-query";
import { path, type Send } from "./request";
import type { Answer } from "./types";

/** A broadcast's results and statistics: /api/workspaces/[slug]/broadcasts/[id]/results… */
export function broadcastResultsApi(send: Send) {
  return {
    /** Per variant and holdout, over time, and the variants compared on `metric` (lib/broadcasts/results). */
    results: (slug: string, id: string, query: BroadcastResultsQuery = {}, signal?: AbortSignal) =>
      send<Answer<typeof getBroadcastResults>>("GET", path`/workspaces/${slug}/broadcasts/${id}/results`, {
        query: { metric: query.metric },
        signal,
      }),
  };
}
