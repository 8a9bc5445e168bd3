import { segmentsApi } from "@/lib/api/operations";
import { withWorkspace } from "@/lib/http/handler";
import { createSegment } from "@/lib/segments/create-segment";
import { listFromQuery } from "@/lib/segments/http";

/** Also served at /api/workspaces/[slug]/segments for members' sessions. */
export const GET = withWorkspace(segmentsApi.list, (ctx, { query }) => listFromQuery(ctx, query));
export const POST = withWorkspace(segmentsApi.create, async (ctx, { body }) =>
  Response.json(await createSegment(ctx, body), { status: 201 }),
);
