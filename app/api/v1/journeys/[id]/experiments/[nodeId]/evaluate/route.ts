import { experimentsApi } from "@/lib/api/operations";
import { evaluateExperimentNow } from "@/lib/experiments/evaluate-experiment";
import { withWorkspace } from "@/lib/http/handler";

/** Also served at /api/workspaces/[slug]/journeys/[id]/experiments/[nodeId]/evaluate ("Evaluate now"). */
export const POST = withWorkspace(experimentsApi.evaluate, (ctx, { params }) =>
  evaluateExperimentNow(ctx, params.id, params.nodeId),
);
