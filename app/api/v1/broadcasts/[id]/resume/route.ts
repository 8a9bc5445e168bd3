import { broadcastsApi } from "@/lib/api/operations-broadcasts";
import { withWorkspace } from "@/lib/http/handler";
import { resumeBroadcast } from "@/lib/broadcasts/control-broadcast";

/** Also served at /api/workspaces/[slug]/broadcasts/[id]/resume for members' sessions. */
export const POST = withWorkspace(broadcastsApi.resume, (ctx, { params }) => resumeBroadcast(ctx, params.id));
