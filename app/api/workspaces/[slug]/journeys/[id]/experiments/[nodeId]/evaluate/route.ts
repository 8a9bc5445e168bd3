import { evaluateExperimentNow } from "@/lib/experiments/experiments";
import { workspaceRoute } from "@/lib/http/handler";

/** "Evaluate now": the cron's evaluation for this split, at once. Editors and up. */
export const POST = workspaceRoute<{ slug: string; id: string; nodeId: string }>(
  "content:write",
  (ctx, _request, { id, nodeId }) => evaluateExperimentNow(ctx, id, nodeId),
);
