import { segmentsApi } from "@/lib/api/operations";
import { withWorkspace } from "@/lib/http/handler";
import { archiveSegment } from "@/lib/segments/archive-segment";

/** Also served at /api/workspaces/[slug]/segments/[id]/archive for members' sessions. */
export const POST = withWorkspace(segmentsApi.archive, (ctx, { params }) => archiveSegment(ctx, params.id));
