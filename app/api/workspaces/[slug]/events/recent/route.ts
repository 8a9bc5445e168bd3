import { listRecentEvents, ZLiveQuery } from "@/lib/events/events";
import { withWorkspace } from "@/lib/http/handler";

/** The live view polls this with ?after=<newest id it shows>. */
export const GET = withWorkspace(
  { permission: "workspace:read", auth: "session", query: ZLiveQuery },
  async (ctx, { query }) => ({ events: await listRecentEvents(ctx, query) }),
);
