import { readBody, workspaceRoute } from "@/lib/http/handler";
import { listFromQuery } from "@/lib/segments/http";
import { createSegment, ZCreateSegment } from "@/lib/segments/segments";

/** GET: { segments } (?q=, ?archived=true), or with ?profileId= { memberships }; POST { name, description?, kind?, definition? }: 201 with the segment. */
export const GET = workspaceRoute("workspace:read", (ctx, request) => listFromQuery(ctx, request));
export const POST = workspaceRoute("content:write", async (ctx, request) =>
  Response.json(await createSegment(ctx, await readBody(request, ZCreateSegment)), { status: 201 }),
);
