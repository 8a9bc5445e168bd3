import { broadcastsApi } from "@/lib/api/operations-broadcasts";
import { withWorkspace } from "@/lib/http/handler";
import { estimateBroadcast } from "@/lib/broadcasts/estimate-audience";

/** Also served at /api/workspaces/[slug]/broadcasts/[id]/estimate for members' sessions. */
export const POST = withWorkspace(broadcastsApi.estimate, (ctx, { params, body }) =>
  estimateBroadcast(ctx, params.id, body),
);
