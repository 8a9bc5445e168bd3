import { listExperiments } from "@/lib/experiments/experiments";
import { apiKeyRoute } from "@/lib/http/handler";

/** The journey's A/B splits with their latest results (full key). */
export const GET = apiKeyRoute<{ id: string }>("workspace:read", (ctx, _request, { id }) => listExperiments(ctx, id));
