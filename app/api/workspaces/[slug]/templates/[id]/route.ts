import { readBody, workspaceRoute } from "@/lib/http/handler";
import { getTemplate, renameTemplate, saveTemplate, ZRenameTemplate, ZSaveTemplate } from "@/lib/messaging/templates";

type Params = { slug: string; id: string };

export const GET = workspaceRoute<Params>("workspace:read", (ctx, _request, { id }) => getTemplate(ctx, id));
/** Saves { content } as the next version. */
export const PUT = workspaceRoute<Params>("content:write", async (ctx, request, { id }) =>
  saveTemplate(ctx, id, await readBody(request, ZSaveTemplate)),
);
export const PATCH = workspaceRoute<Params>("content:write", async (ctx, request, { id }) =>
  renameTemplate(ctx, id, await readBody(request, ZRenameTemplate)),
);
