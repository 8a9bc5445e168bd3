import { workspaceRoute } from "@/lib/http/handler";
import { duplicateJourney } from "@/lib/journeys/create-journey";

export const POST = workspaceRoute<{ slug: string; id: string }>("content:write", async (ctx, _request, { id }) =>
  Response.json(await duplicateJourney(ctx, id), { status: 201 }),
);
