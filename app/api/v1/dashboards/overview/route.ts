import { workspaceOverview } from "@/lib/analytics/dashboards";
import { workspaceApi } from "@/lib/api/operations";
import { withWorkspace } from "@/lib/http/handler";

/** Also served at /api/workspaces/[slug]/dashboards/overview for members' sessions (viewers too). */
export const GET = withWorkspace(workspaceApi.overview, (ctx, { query }) => workspaceOverview(ctx, query));
