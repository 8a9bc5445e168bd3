import { apiKeyRoute } from "@/lib/http/handler";
import { queryOf, uploadFromRequest } from "@/lib/segments/http";
import { listMembers } from "@/lib/segments/segments";

/** GET (?q=, ?limit=, ?cursor=): members; POST: a manual segment's members (CSV body with ?mode=, or JSON { mode, csv | userIds }). */
export const GET = apiKeyRoute<{ id: string }>("workspace:read", (ctx, request, { id }) =>
  listMembers(ctx, id, queryOf(request)),
);
export const POST = apiKeyRoute<{ id: string }>("content:write", (ctx, request, { id }) =>
  uploadFromRequest(ctx, request, id),
);
