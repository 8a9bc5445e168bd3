import { readBody, workspaceRoute } from "@/lib/http/handler";
import { createTemplate, listTemplates, ZCreateTemplate } from "@/lib/messaging/templates";

export const GET = workspaceRoute("workspace:read", async (ctx, request) => {
  const params = new URL(request.url).searchParams;
  return {
    templates: await listTemplates(ctx, {
      channel: params.get("channel") ?? undefined,
      q: params.get("q") ?? undefined,
      archived: params.get("archived") === "true",
    }),
  };
});
export const POST = workspaceRoute("content:write", async (ctx, request) =>
  Response.json(await createTemplate(ctx, await readBody(request, ZCreateTemplate)), { status: 201 }),
);
