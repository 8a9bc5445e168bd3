import { evaluateExperimentNow } from "@/lib/experiments/experiments";
import { apiKeyRoute } from "@/lib/http/handler";

/** Evaluates this split now, as the 15-minute cron does (full key). */
export const POST = apiKeyRoute<{ id: string; nodeId: string }>("content:write", (ctx, _request, { id, nodeId }) =>
  evaluateExperimentNow(ctx, id, nodeId),
);
