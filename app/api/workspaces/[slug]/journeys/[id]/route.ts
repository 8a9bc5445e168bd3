import { readBody, workspaceRoute } from "@/lib/http/handler";
import { getJourney, renameJourney, ZRenameJourney } from "@/lib/journeys/journeys";

type Params = { slug: string; id: string };

export const GET = workspaceRoute<Params>("workspace:read", (ctx, _request, { id }) => getJourney(ctx, id));
export const PATCH = workspaceRoute<Params>("content:write", async (ctx, request, { id }) =>
  renameJourney(ctx, id, await readBody(request, ZRenameJourney)),
);
