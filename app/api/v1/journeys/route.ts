import { journeysApi } from "@/lib/api/operations";
import { withWorkspace } from "@/lib/http/handler";
import { createJourney } from "@/lib/journeys/create-journey";
import { listJourneys } from "@/lib/journeys/read-journeys";

/** Journeys as code: list with ?q= and ?status=, create (import) with { name, graph? }. */
export const GET = withWorkspace(journeysApi.list, async (ctx, { query }) => ({
  journeys: await listJourneys(ctx, query),
}));
export const POST = withWorkspace(journeysApi.create, async (ctx, { body }) =>
  Response.json(await createJourney(ctx, body), { status: 201 }),
);
