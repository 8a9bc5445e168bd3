import { readBody, workspaceRoute } from "@/lib/http/handler";
import { createJourney, listJourneys, ZCreateJourney } from "@/lib/journeys/journeys";

export const GET = workspaceRoute("workspace:read", async (ctx, request) => {
  const url = new URL(request.url);
  return {
    journeys: await listJourneys(ctx, {
      q: url.searchParams.get("q") ?? undefined,
      status: url.searchParams.get("status") ?? undefined,
    }),
  };
});
export const POST = workspaceRoute("content:write", async (ctx, request) =>
  Response.json(await createJourney(ctx, await readBody(request, ZCreateJourney)), { status: 201 }),
);
