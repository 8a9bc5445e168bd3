import { getExperiment, updateExperimentSettings, ZExperimentSettings } from "@/lib/experiments/experiments";
import { readBody, workspaceRoute } from "@/lib/http/handler";

type Params = { slug: string; id: string; nodeId: string };

/** One split's stored results, cumulative lift over time and weight history; viewers too. */
export const GET = workspaceRoute<Params>("workspace:read", (ctx, _request, { id, nodeId }) =>
  getExperiment(ctx, id, nodeId),
);

/** Auto-winner and analysis settings: { autoWinner?: "off" | "winner" | "bandit", test?: "sequential" | "fixed", nStar? }. Editors and up. */
export const PUT = workspaceRoute<Params>("content:write", async (ctx, request, { id, nodeId }) =>
  updateExperimentSettings(ctx, id, nodeId, await readBody(request, ZExperimentSettings)),
);
