import { apiKeyRoute } from "@/lib/http/handler";
import { pauseJourney } from "@/lib/journeys/journeys";

export const POST = apiKeyRoute<{ id: string }>("content:write", async (ctx, _request, { id }) =>
  pauseJourney(ctx, id),
);
