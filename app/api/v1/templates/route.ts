import { templatesApi } from "@/lib/api/operations";
import { withWorkspace } from "@/lib/http/handler";
import { createTemplate } from "@/lib/messaging/templates/create-template";
import { listTemplates } from "@/lib/messaging/templates/read-templates";

/** Templates as code: list with ?channel=, ?q= and ?archived=true; create with { name, channel, content? }. */
export const GET = withWorkspace(templatesApi.list, async (ctx, { query }) => ({
  templates: await listTemplates(ctx, query),
}));
export const POST = withWorkspace(templatesApi.create, async (ctx, { body }) =>
  Response.json(await createTemplate(ctx, body), { status: 201 }),
);
