import { apiKeyRoute, readBody } from "@/lib/http/handler";
import { estimateSegment, ZEstimateSegment } from "@/lib/segments/segments";

/** POST { definition, segmentId? }: size and 10 matching people for a definition, without saving it. */
export const POST = apiKeyRoute("workspace:read", async (ctx, request) =>
  estimateSegment(ctx, await readBody(request, ZEstimateSegment)),
);
