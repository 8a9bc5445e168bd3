import { broadcastsApi } from "@/lib/api/operations-broadcasts";
import { withWorkspace } from "@/lib/http/handler";
import { cancelBroadcast } from "@/lib/broadcasts/control-broadcast";

/** Also served at /api/workspaces/[slug]/broadcasts/[id]/cancel for members' sessions. */
export const POST = withWorkspace(broadcastsApi.cancel, (ctx, { params }) => cancelBroadcast(ctx, params.id));
