import { journeysApi } from "@/lib/api/operations";
import { withWorkspace } from "@/lib/http/handler";
import { previewPublish, publishJourney } from "@/lib/journeys/publish-journey";

/** GET: what publishing would change (diff against the live version) and what blocks it. POST: publish. */
export const GET = withWorkspace(journeysApi.previewPublish, (ctx, { params }) => previewPublish(ctx, params.id));
export const POST = withWorkspace(journeysApi.publish, (ctx, { params }) => publishJourney(ctx, params.id));
