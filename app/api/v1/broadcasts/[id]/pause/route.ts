import { broadcastsApi } from "@/lib/api/operations-broadcasts";
import { withWorkspace } from "@/lib/http/handler";
import { pauseBroadcast } from "@/lib/broadcasts/control-broadcast";

/** Also served at /api/workspaces/[slug]/broadcasts/[id]/pause for members' sessions. */
export const POST = withWorkspace(broadcastsApi.pause, (ctx, { params }) => pauseBroadcast(ctx, params.id));
