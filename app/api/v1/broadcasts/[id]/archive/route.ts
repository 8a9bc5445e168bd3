import { broadcastsApi } from "@/lib/api/operations-broadcasts";
import { withWorkspace } from "@/lib/http/handler";
import { archiveBroadcast } from "@/lib/broadcasts/update-broadcast";

/** Also served at /api/workspaces/[slug]/broadcasts/[id]/archive for members' sessions. */
export const POST = withWorkspace(broadcastsApi.archive, (ctx, { params }) => archiveBroadcast(ctx, params.id));
