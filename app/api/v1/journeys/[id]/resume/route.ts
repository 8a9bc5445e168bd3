import { journeysApi } from "@/lib/api/operations";
import { withWorkspace } from "@/lib/http/handler";
import { resumeJourney } from "@/lib/journeys/change-journey-status";

/** Also served at /api/workspaces/[slug]/journeys/[id]/resume for members' sessions. */
export const POST = withWorkspace(journeysApi.resume, (ctx, { params }) => resumeJourney(ctx, params.id));
