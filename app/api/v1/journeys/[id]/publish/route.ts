import { apiKeyRoute } from "@/lib/http/handler";
import { previewPublish, publishJourney } from "@/lib/journeys/journeys";

/** GET: what publishing would change (diff against the live version) and what blocks it. POST: publish. */
export const GET = apiKeyRoute<{ id: string }>("workspace:read", async (ctx, _request, { id }) =>
  previewPublish(ctx, id),
);
export const POST = apiKeyRoute<{ id: string }>("content:write", async (ctx, _request, { id }) =>
  publishJourney(ctx, id),
);
