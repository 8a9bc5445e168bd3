import { broadcastsApi } from "@/lib/api/operations-broadcasts";
import { withWorkspace } from "@/lib/http/handler";
import { sendBroadcast } from "@/lib/broadcasts/send-broadcast";

/** Also served at /api/workspaces/[slug]/broadcasts/[id]/send for members' sessions. */
export const POST = withWorkspace(broadcastsApi.send, (ctx, { params, body }) => sendBroadcast(ctx, params.id, body));
