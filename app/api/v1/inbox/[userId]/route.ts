import { apiKeyRoute } from "@/lib/http/handler";
import { USER_HASH_HEADER } from "@/lib/messaging/identity-verification";
import { listInbox } from "@/lib/messaging/inbox";

/** A person's in-app inbox (write key and X-Cairn-User-Hash): ?unread=true for unread only, ?limit= up to 100. */
export const GET = apiKeyRoute<{ userId: string }>("ingest", async (ctx, request, { userId }) =>
  listInbox(
    ctx,
    decodeURIComponent(userId),
    request.headers.get(USER_HASH_HEADER),
    Object.fromEntries(new URL(request.url).searchParams),
  ),
);
