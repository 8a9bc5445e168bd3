import { workspaceRoute } from "@/lib/http/handler";
import { archiveJourney } from "@/lib/journeys/change-journey-status";

export const POST = workspaceRoute<{ slug: string; id: string }>("content:write", (ctx, _request, { id }) =>
  archiveJourney(ctx, id),
);
