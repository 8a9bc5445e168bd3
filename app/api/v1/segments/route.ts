import { apiKeyRoute, readBody } from "@/lib/http/handler";
import { listFromQuery } from "@/lib/segments/http";
import { createSegment, ZCreateSegment } from "@/lib/segments/segments";

/** Segments as code (full key): GET { segments } (?q=, ?archived=true; ?profileId= → { memberships }), POST { name, description?, kind?, definition? }. */
export const GET = apiKeyRoute("workspace:read", (ctx, request) => listFromQuery(ctx, request));
export const POST = apiKeyRoute("content:write", async (ctx, request) =>
  Response.json(await createSegment(ctx, await readBody(request, ZCreateSegment)), { status: 201 }),
);
