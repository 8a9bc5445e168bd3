import { workspaceRoute } from "@/lib/http/handler";
import { templateUsage } from "@/lib/messaging/template-usage";

type Params = { slug: string; id: string };

/** The journeys (and their versions) that send this template, and which live ones send an older version. */
export const GET = workspaceRoute<Params>("workspace:read", (ctx, _request, { id }) => templateUsage(ctx, id));
