import { experimentsApi } from "@/lib/api/operations";
import { getExperiment } from "@/lib/experiments/read-experiments";
import { updateExperimentSettings } from "@/lib/experiments/update-experiment-settings";
import { withWorkspace } from "@/lib/http/handler";

/** Also served at /api/workspaces/[slug]/journeys/[id]/experiments/[nodeId] for members' sessions. */
export const GET = withWorkspace(experimentsApi.get, (ctx, { params }) => getExperiment(ctx, params.id, params.nodeId));
export const PUT = withWorkspace(experimentsApi.updateSettings, (ctx, { params, body }) =>
  updateExperimentSettings(ctx, params.id, params.nodeId, body),
);
