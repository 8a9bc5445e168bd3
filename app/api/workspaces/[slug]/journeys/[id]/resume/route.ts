import { workspaceRoute } from "@/lib/http/handler";
import { resumeJourney } from "@/lib/journeys/journeys";

export const POST = workspaceRoute<{ slug: string; id: string }>("content:write", (ctx, _request, { id }) =>
  resumeJourney(ctx, id),
);
