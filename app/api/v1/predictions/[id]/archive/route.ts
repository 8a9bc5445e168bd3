import { withWorkspace } from "@/lib/http/handler";
import { archivePrediction } from "@/lib/predictions/definitions";
import { predictionsApi } from "@/lib/predictions/http-operations";

/** Also served at /api/workspaces/[slug]/predictions/[id]/archive for members' sessions. */
export const POST = withWorkspace(predictionsApi.archive, (ctx, { params }) => archivePrediction(ctx, params.id));
