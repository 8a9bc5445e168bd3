import { withWorkspace } from "@/lib/http/handler";
import { trainPredictionNow } from "@/lib/predictions/definitions";
import { predictionsApi } from "@/lib/predictions/http-operations";

/** Also served at /api/workspaces/[slug]/predictions/[id]/train for members' sessions. */
export const POST = withWorkspace(predictionsApi.train, (ctx, { params }) => trainPredictionNow(ctx, params.id));
