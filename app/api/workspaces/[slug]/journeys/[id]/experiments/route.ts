import { listExperiments } from "@/lib/experiments/experiments";
import { workspaceRoute } from "@/lib/http/handler";

/** The journey's A/B splits with their latest results; viewers too. */
export const GET = workspaceRoute<{ slug: string; id: string }>("workspace:read", (ctx, _request, { id }) =>
  listExperiments(ctx, id),
);
