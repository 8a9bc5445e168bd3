import { broadcastsApi } from "@/lib/api/operations-broadcasts";
import { withWorkspace } from "@/lib/http/handler";
import { getBroadcast } from "@/lib/broadcasts/read-broadcasts";
import { updateBroadcast } from "@/lib/broadcasts/update-broadcast";

/** Also served at /api/workspaces/[slug]/broadcasts/[id] for members' sessions. */
export const GET = withWorkspace(broadcastsApi.get, (ctx, { params }) => getBroadcast(ctx, params.id));
export const PATCH = withWorkspace(broadcastsApi.update, (ctx, { params, body }) =>
  updateBroadcast(ctx, params.id, body),
);
