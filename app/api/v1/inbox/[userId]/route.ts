import { apiKeyRoute } from "@/lib/http/handler";
import { listInbox } from "@/lib/messaging/inbox";

/** A person's in-app inbox (write key): ?unread=true for unread only, ?limit= up to 100. */
export const GET = apiKeyRoute<{ userId: string }>("ingest", async (ctx, request, { userId }) =>
  listInbox(ctx, decodeURIComponent(userId), Object.fromEntries(new URL(request.url).searchParams)),
);
