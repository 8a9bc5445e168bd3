import { workspaceRoute } from "@/lib/http/handler";
import { previewPublish, publishJourney } from "@/lib/journeys/journeys";

type Params = { slug: string; id: string };

export const GET = workspaceRoute<Params>("workspace:read", (ctx, _request, { id }) => previewPublish(ctx, id));
export const POST = workspaceRoute<Params>("content:write", (ctx, _request, { id }) => publishJourney(ctx, id));
