import { apiKeyRoute, readBody } from "@/lib/http/handler";
import { daysOf } from "@/lib/segments/http";
import { getSegment, updateSegment, ZUpdateSegment } from "@/lib/segments/segments";

/** GET (?days=): the segment; PUT/PATCH { name?, description?, definition? }. */
export const GET = apiKeyRoute<{ id: string }>("workspace:read", (ctx, request, { id }) =>
  getSegment(ctx, id, daysOf(request)),
);
export const PUT = apiKeyRoute<{ id: string }>("content:write", async (ctx, request, { id }) =>
  updateSegment(ctx, id, await readBody(request, ZUpdateSegment)),
);
export const PATCH = PUT;
