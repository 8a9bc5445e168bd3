import { broadcastResultsApi } from "@/lib/api/operations-broadcast-results";
import { getBroadcastResults } from "@/lib/broadcasts/results/load-broadcast-results";
import { withWorkspace } from "@/lib/http/handler";

/** Also served at /api/workspaces/[slug]/broadcasts/[id]/results for members' sessions (viewers too). */
export const GET = withWorkspace(broadcastResultsApi.results, (ctx, { params, query }) =>
  getBroadcastResults(ctx, params.id, query),
);
