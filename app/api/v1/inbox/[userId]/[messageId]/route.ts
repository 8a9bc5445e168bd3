import { apiKeyRoute, readJson } from "@/lib/http/handler";
import { updateInboxMessage } from "@/lib/messaging/inbox";

/** Marks an inbox message { "action": "read" } or { "action": "dismissed" }. */
export const POST = apiKeyRoute<{ userId: string; messageId: string }>("ingest", async (ctx, request, { userId, messageId }) =>
  updateInboxMessage(ctx, decodeURIComponent(userId), messageId, await readJson(request)),
);
