import { experimentsApi } from "@/lib/api/operations";
import { listExperiments } from "@/lib/experiments/read-experiments";
import { withWorkspace } from "@/lib/http/handler";

/** Also served at /api/workspaces/[slug]/journeys/[id]/experiments for members' sessions (viewers too). */
export const GET = withWorkspace(experimentsApi.list, (ctx, { params }) => listExperiments(ctx, params.id));
