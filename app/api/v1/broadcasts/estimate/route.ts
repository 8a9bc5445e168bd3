import { broadcastsApi } from "@/lib/api/operations-broadcasts";
import { withWorkspace } from "@/lib/http/handler";
import { estimateUnsavedBroadcast } from "@/lib/broadcasts/estimate-audience";

/** Also served at /api/workspaces/[slug]/broadcasts/estimate for members' sessions. */
export const POST = withWorkspace(broadcastsApi.estimateUnsaved, (ctx, { body }) =>
  estimateUnsavedBroadcast(ctx, body),
);
