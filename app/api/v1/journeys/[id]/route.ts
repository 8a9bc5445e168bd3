import { apiKeyRoute } from "@/lib/http/handler";
import { getJourney } from "@/lib/journeys/journeys";

/** A journey with its draft (the export), the problems that block publishing, and its versions. */
export const GET = apiKeyRoute<{ id: string }>("workspace:read", async (ctx, _request, { id }) => getJourney(ctx, id));
