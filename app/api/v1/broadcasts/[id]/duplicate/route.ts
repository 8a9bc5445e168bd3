import { broadcastsApi } from "@/lib/api/operations-broadcasts";
import { withWorkspace } from "@/lib/http/handler";
import { duplicateBroadcast } from "@/lib/broadcasts/create-broadcast";

/** Also served at /api/workspaces/[slug]/broadcasts/[id]/duplicate for members' sessions. */
export const POST = withWorkspace(broadcastsApi.duplicate, async (ctx, { params }) =>
  Response.json(await duplicateBroadcast(ctx, params.id), { status: 201 }),
);
