import { segmentsApi } from "@/lib/api/operations";
import { withWorkspace } from "@/lib/http/handler";
import { getSegment } from "@/lib/segments/get-segment";
import { updateSegment } from "@/lib/segments/update-segment";

/** Also served at /api/workspaces/[slug]/segments/[id] for members' sessions. */
export const GET = withWorkspace(segmentsApi.get, (ctx, { params, query }) => getSegment(ctx, params.id, query));
export const PUT = withWorkspace(segmentsApi.update, (ctx, { params, body }) => updateSegment(ctx, params.id, body));
export const PATCH = withWorkspace(segmentsApi.patch, (ctx, { params, body }) => updateSegment(ctx, params.id, body));
