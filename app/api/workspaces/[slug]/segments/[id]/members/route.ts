import { workspaceRoute } from "@/lib/http/handler";
import { queryOf, uploadFromRequest } from "@/lib/segments/http";
import { listMembers } from "@/lib/segments/segments";

type Params = { slug: string; id: string };

/** GET (?q=, ?limit=, ?cursor=): members, newest entries first; POST: a manual segment's members from a CSV of user ids (?mode=replace|append). */
export const GET = workspaceRoute<Params>("workspace:read", (ctx, request, { id }) =>
  listMembers(ctx, id, queryOf(request)),
);
export const POST = workspaceRoute<Params>("content:write", (ctx, request, { id }) =>
  uploadFromRequest(ctx, request, id),
);
