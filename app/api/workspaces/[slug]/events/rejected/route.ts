import { listRejectedEvents, ZRejectedEventsQuery } from "@/lib/events/rejected-events";
import { withWorkspace } from "@/lib/http/handler";

/** Events → Rejected: ?before=<id of the last one shown>&limit=25. */
export const GET = withWorkspace(
  { permission: "workspace:read", auth: "session", query: ZRejectedEventsQuery },
  (ctx, { query }) => listRejectedEvents(ctx, query),
);
