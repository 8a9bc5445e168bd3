import { apiKeyRoute } from "@/lib/http/handler";
import { resumeJourney } from "@/lib/journeys/journeys";

export const POST = apiKeyRoute<{ id: string }>("content:write", async (ctx, _request, { id }) =>
  resumeJourney(ctx, id),
);
