import { apiKeyRoute, readBody } from "@/lib/http/handler";
import { getTemplate, saveTemplate, ZSaveTemplate } from "@/lib/messaging/templates";

/** A template with its newest content and its versions; PUT { content } saves the next version. */
export const GET = apiKeyRoute<{ id: string }>("workspace:read", async (ctx, _request, { id }) => getTemplate(ctx, id));
export const PUT = apiKeyRoute<{ id: string }>("content:write", async (ctx, request, { id }) =>
  saveTemplate(ctx, id, await readBody(request, ZSaveTemplate)),
);
