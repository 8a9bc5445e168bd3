import { broadcastsApi } from "@/lib/api/operations-broadcasts";
import { withWorkspace } from "@/lib/http/handler";
import { unscheduleBroadcast } from "@/lib/broadcasts/send-broadcast";

/** Also served at /api/workspaces/[slug]/broadcasts/[id]/unschedule for members' sessions. */
export const POST = withWorkspace(broadcastsApi.unschedule, (ctx, { params }) => unscheduleBroadcast(ctx, params.id));
