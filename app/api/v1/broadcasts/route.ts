import { broadcastsApi } from "@/lib/api/operations-broadcasts";
import { withWorkspace } from "@/lib/http/handler";
import { createBroadcast } from "@/lib/broadcasts/create-broadcast";
import { listBroadcasts } from "@/lib/broadcasts/read-broadcasts";

/** Also served at /api/workspaces/[slug]/broadcasts for members' sessions. */
export const GET = withWorkspace(broadcastsApi.list, (ctx, { query }) => listBroadcasts(ctx, query));
export const POST = withWorkspace(broadcastsApi.create, async (ctx, { body }) =>
  Response.json(await createBroadcast(ctx, body), { status: 201 }),
);
