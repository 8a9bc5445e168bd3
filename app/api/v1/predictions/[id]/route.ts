import { withWorkspace } from "@/lib/http/handler";
import { getPrediction, updatePrediction } from "@/lib/predictions/definitions";
import { predictionsApi } from "@/lib/predictions/http-operations";

/** Also served at /api/workspaces/[slug]/predictions/[id] for members' sessions. */
export const GET = withWorkspace(predictionsApi.get, (ctx, { params }) => getPrediction(ctx, params.id));
export const PATCH = withWorkspace(predictionsApi.update, (ctx, { params, body }) =>
  updatePrediction(ctx, params.id, body),
);
