import { withWorkspace } from "@/lib/http/handler";
import { createPrediction, listPredictions } from "@/lib/predictions/definitions";
import { predictionsApi } from "@/lib/predictions/http-operations";

/** Also served at /api/workspaces/[slug]/predictions for members' sessions. */
export const GET = withWorkspace(predictionsApi.list, (ctx, { query }) => listPredictions(ctx, query));
export const POST = withWorkspace(predictionsApi.create, async (ctx, { body }) =>
  Response.json(await createPrediction(ctx, body), { status: 201 }),
);
