import { journeyAnalytics } from "@/lib/analytics/dashboards";
import { workspaceRoute } from "@/lib/http/handler";

/** A journey's funnel, series and delivery rates for ?from=&to= (UTC days, default the last 30); viewers may read it. */
export const GET = workspaceRoute<{ slug: string; id: string }>("workspace:read", (ctx, request, { id }) =>
  journeyAnalytics(ctx, id, Object.fromEntries(new URL(request.url).searchParams)),
);
