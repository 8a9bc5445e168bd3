import { broadcastsApi } from "@/lib/api/operations-broadcasts";
import { withWorkspace } from "@/lib/http/handler";
import { testSendBroadcast } from "@/lib/broadcasts/test-send-broadcast";

/** Also served at /api/workspaces/[slug]/broadcasts/[id]/test-send for members' sessions. */
export const POST = withWorkspace(broadcastsApi.testSend, (ctx, { params, body }) =>
  testSendBroadcast(ctx, params.id, body),
);
