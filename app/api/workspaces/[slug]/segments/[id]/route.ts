import { readBody, workspaceRoute } from "@/lib/http/handler";
import { daysOf } from "@/lib/segments/http";
import { getSegment, updateSegment, ZUpdateSegment } from "@/lib/segments/segments";

type Params = { slug: string; id: string };

/** GET (?days=1..365, default 30): the segment with its definition, days and users; PUT/PATCH { name?, description?, definition? }. */
export const GET = workspaceRoute<Params>("workspace:read", (ctx, request, { id }) =>
  getSegment(ctx, id, daysOf(request)),
);
export const PUT = workspaceRoute<Params>("content:write", async (ctx, request, { id }) =>
  updateSegment(ctx, id, await readBody(request, ZUpdateSegment)),
);
export const PATCH = PUT;
