import { readBody, workspaceRoute } from "@/lib/http/handler";
import { estimateSegment, ZEstimateSegment } from "@/lib/segments/segments";

/** POST { definition, segmentId? }: the size of an unsaved definition and 10 matching people (the builder's live preview). */
export const POST = workspaceRoute("workspace:read", async (ctx, request) =>
  estimateSegment(ctx, await readBody(request, ZEstimateSegment)),
);
