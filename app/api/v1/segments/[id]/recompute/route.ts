import { segmentsApi } from "@/lib/api/operations";
import { withWorkspace } from "@/lib/http/handler";
import { requestRecompute } from "@/lib/segments/request-recompute";

/** Also served at /api/workspaces/[slug]/segments/[id]/recompute for members' sessions. */
export const POST = withWorkspace(segmentsApi.recompute, async (ctx, { params }) =>
  Response.json(await requestRecompute(ctx, params.id), { status: 202 }),
);
