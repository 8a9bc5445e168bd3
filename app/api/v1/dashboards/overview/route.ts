import { workspaceOverview } from "@/lib/analytics/dashboards";
import { apiKeyRoute } from "@/lib/http/handler";

/** The workspace overview for ?from=&to= (UTC days, default the last 30), with a full key. */
export const GET = apiKeyRoute("workspace:read", (ctx, request) =>
  workspaceOverview(ctx, Object.fromEntries(new URL(request.url).searchParams)),
);
