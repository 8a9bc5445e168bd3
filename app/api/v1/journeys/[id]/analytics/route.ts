import { journeyAnalytics } from "@/lib/analytics/dashboards";
import { apiKeyRoute } from "@/lib/http/handler";

/** A journey's funnel, series and delivery rates for ?from=&to= (UTC days, default the last 30), with a full key. */
export const GET = apiKeyRoute<{ id: string }>("workspace:read", (ctx, request, { id }) =>
  journeyAnalytics(ctx, id, Object.fromEntries(new URL(request.url).searchParams)),
);
