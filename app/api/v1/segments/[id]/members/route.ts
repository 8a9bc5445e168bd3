import { segmentsApi } from "@/lib/api/operations";
import { withWorkspace } from "@/lib/http/handler";
import { uploadFromRequest } from "@/lib/segments/http";
import { listMembers } from "@/lib/segments/list-members";

/** Also served at /api/workspaces/[slug]/segments/[id]/members for members' sessions. */
export const GET = withWorkspace(segmentsApi.members, (ctx, { params, query }) => listMembers(ctx, params.id, query));
export const POST = withWorkspace(segmentsApi.uploadMembers, (ctx, { request, params, query }) =>
  uploadFromRequest(ctx, request, params.id, query),
);
