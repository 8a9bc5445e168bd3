import { segmentsApi } from "@/lib/api/operations";
import { withWorkspace } from "@/lib/http/handler";
import { estimateSegment } from "@/lib/segments/estimate-segment";

/** Also served at /api/workspaces/[slug]/segments/estimate for members' sessions (the builder's live preview). */
export const POST = withWorkspace(segmentsApi.estimate, (ctx, { body }) => estimateSegment(ctx, body));
