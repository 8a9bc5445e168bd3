import { apiKeyRoute, readJson } from "@/lib/http/handler";
import { USER_HASH_HEADER } from "@/lib/messaging/identity-verification";
import { updateInboxMessage } from "@/lib/messaging/inbox";

/** Marks an inbox message { "action": "read" } or { "action": "dismissed" } (write key and X-Cairn-User-Hash). */
export const POST = apiKeyRoute<{ userId: string; messageId: string }>(
  "ingest",
  async (ctx, request, { userId, messageId }) =>
    updateInboxMessage(
      ctx,
      decodeURIComponent(userId),
      request.headers.get(USER_HASH_HEADER),
      messageId,
      await readJson(request),
    ),
);
