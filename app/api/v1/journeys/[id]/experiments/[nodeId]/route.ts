import { getExperiment, updateExperimentSettings, ZExperimentSettings } from "@/lib/experiments/experiments";
import { apiKeyRoute, readBody } from "@/lib/http/handler";

type Params = { id: string; nodeId: string };

/** One split's stored results, cumulative lift over time and weight history (full key). */
export const GET = apiKeyRoute<Params>("workspace:read", (ctx, _request, { id, nodeId }) =>
  getExperiment(ctx, id, nodeId),
);

/** Auto-winner and analysis settings (full key): { autoWinner?, test?, nStar? }. */
export const PUT = apiKeyRoute<Params>("content:write", async (ctx, request, { id, nodeId }) =>
  updateExperimentSettings(ctx, id, nodeId, await readBody(request, ZExperimentSettings)),
);
