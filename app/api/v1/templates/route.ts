import { apiKeyRoute, readBody } from "@/lib/http/handler";
import { createTemplate, listTemplates, ZCreateTemplate } from "@/lib/messaging/templates";

/** Templates as code (full key): list with ?channel= and ?q=, create with { name, channel, content? } (content given: v1). */
export const GET = apiKeyRoute("workspace:read", async (ctx, request) => {
  const params = new URL(request.url).searchParams;
  return {
    templates: await listTemplates(ctx, {
      channel: params.get("channel") ?? undefined,
      q: params.get("q") ?? undefined,
      archived: params.get("archived") === "true",
    }),
  };
});
export const POST = apiKeyRoute("content:write", async (ctx, request) =>
  Response.json(await createTemplate(ctx, await readBody(request, ZCreateTemplate)), { status: 201 }),
);
