import { workspaceRoute } from "@/lib/http/handler";
import { requestRecompute } from "@/lib/segments/segments";

/** Recomputes the segment for everyone in the background: 202 with the segment (its `recompute` shows the progress). */
export const POST = workspaceRoute<{ slug: string; id: string }>("content:write", async (ctx, _request, { id }) =>
  Response.json(await requestRecompute(ctx, id), { status: 202 }),
);
