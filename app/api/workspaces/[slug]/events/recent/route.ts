import { listRecentEvents } from "@/lib/events/events";
import { workspaceRoute } from "@/lib/http/handler";

/** The live view polls this with ?after=<newest id it shows>. */
export const GET = workspaceRoute("workspace:read", async (ctx, request) => {
  const params = new URL(request.url).searchParams;
  return {
    events: await listRecentEvents(ctx, {
      after: params.get("after") ?? undefined,
      limit: params.get("limit") ?? undefined,
    }),
  };
});
