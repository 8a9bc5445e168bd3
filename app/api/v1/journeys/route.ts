import { apiKeyRoute, readBody } from "@/lib/http/handler";
import { createJourney, listJourneys, ZCreateJourney } from "@/lib/journeys/journeys";

/** Journeys as code (full key): list with ?q= and ?status=, create (import) with { name, graph? }. */
export const GET = apiKeyRoute("workspace:read", async (ctx, request) => {
  const params = new URL(request.url).searchParams;
  return {
    journeys: await listJourneys(ctx, { q: params.get("q") ?? undefined, status: params.get("status") ?? undefined }),
  };
});
export const POST = apiKeyRoute("content:write", async (ctx, request) =>
  Response.json(await createJourney(ctx, await readBody(request, ZCreateJourney)), { status: 201 }),
);
