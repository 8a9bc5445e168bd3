import { journeysApi } from "@/lib/api/operations";
import { journeyStats } from "@/lib/engine/read-model";
import { withWorkspace } from "@/lib/http/handler";

/** Also served at /api/workspaces/[slug]/journeys/[id]/stats: the canvas polls it for its live counts. */
export const GET = withWorkspace(journeysApi.stats, (ctx, { params }) => journeyStats(ctx, params.id));
