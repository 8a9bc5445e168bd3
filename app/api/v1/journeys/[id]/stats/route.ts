import { journeyStats } from "@/lib/engine/read-model";
import { apiKeyRoute } from "@/lib/http/handler";

/** Live counts: totals by status and, per node, how many entered, are there now, and moved on. */
export const GET = apiKeyRoute<{ id: string }>("workspace:read", (ctx, _request, { id }) => journeyStats(ctx, id));
