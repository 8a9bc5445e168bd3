import { journeyAnalytics } from "@/lib/analytics/dashboards";
import { journeysApi } from "@/lib/api/operations";
import { withWorkspace } from "@/lib/http/handler";

/** Also served at /api/workspaces/[slug]/journeys/[id]/analytics for members' sessions (viewers too). */
export const GET = withWorkspace(journeysApi.analytics, (ctx, { params, query }) =>
  journeyAnalytics(ctx, params.id, query),
);
