import { journeysApi } from "@/lib/api/operations";
import { withWorkspace } from "@/lib/http/handler";
import { pauseJourney } from "@/lib/journeys/change-journey-status";

/** Also served at /api/workspaces/[slug]/journeys/[id]/pause for members' sessions. */
export const POST = withWorkspace(journeysApi.pause, (ctx, { params }) => pauseJourney(ctx, params.id));
