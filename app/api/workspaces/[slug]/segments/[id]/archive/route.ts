import { workspaceRoute } from "@/lib/http/handler";
import { archiveSegment } from "@/lib/segments/segments";

/** Archives the segment (409 while another segment or a live journey uses it). */
export const POST = workspaceRoute<{ slug: string; id: string }>("content:write", (ctx, _request, { id }) =>
  archiveSegment(ctx, id),
);
