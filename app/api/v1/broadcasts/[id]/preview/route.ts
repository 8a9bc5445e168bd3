import { broadcastsApi } from "@/lib/api/operations-broadcasts";
import { withWorkspace } from "@/lib/http/handler";
import { previewBroadcast } from "@/lib/broadcasts/preview-broadcast";

/** Also served at /api/workspaces/[slug]/broadcasts/[id]/preview for members' sessions. */
export const POST = withWorkspace(broadcastsApi.preview, (ctx, { params, body }) =>
  previewBroadcast(ctx, params.id, body),
);
