import { journeyStats } from "@/lib/engine/read-model";
import { workspaceRoute } from "@/lib/http/handler";

/** The canvas polls this for its live counts; viewers see them too. */
export const GET = workspaceRoute<{ slug: string; id: string }>("workspace:read", (ctx, _request, { id }) =>
  journeyStats(ctx, id),
);
