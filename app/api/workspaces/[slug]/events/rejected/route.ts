import { listRejectedEvents } from "@/lib/events/rejected-events";
import { workspaceRoute } from "@/lib/http/handler";

/** Events → Rejected: ?before=<id of the last one shown>&limit=25 (ZRejectedEventsQuery). */
export const GET = workspaceRoute("workspace:read", async (ctx, request) => {
  const params = new URL(request.url).searchParams;
  return listRejectedEvents(ctx, {
    before: params.get("before") ?? undefined,
    limit: params.get("limit") ?? undefined,
  });
});
