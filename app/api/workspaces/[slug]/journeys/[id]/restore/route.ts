import { workspaceRoute } from "@/lib/http/handler";
import { restoreJourney } from "@/lib/journeys/change-journey-status";

export const POST = workspaceRoute<{ slug: string; id: string }>("content:write", (ctx, _request, { id }) =>
  restoreJourney(ctx, id),
);
