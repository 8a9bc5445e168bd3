import { workspaceOverview } from "@/lib/analytics/dashboards";
import { workspaceRoute } from "@/lib/http/handler";

/** The workspace overview for ?from=&to= (UTC days, default the last 30); viewers may read it. */
export const GET = workspaceRoute<{ slug: string }>("workspace:read", (ctx, request) =>
  workspaceOverview(ctx, Object.fromEntries(new URL(request.url).searchParams)),
);
