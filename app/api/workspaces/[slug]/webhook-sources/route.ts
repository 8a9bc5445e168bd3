import { readBody, workspaceRoute } from "@/lib/http/handler";
import { createWebhookSource, listWebhookSources, ZWebhookSourceInput } from "@/lib/ingest/webhook-sources";

export const GET = workspaceRoute("workspace:read", async (ctx) => ({ sources: await listWebhookSources(ctx) }));
export const POST = workspaceRoute("settings:manage", async (ctx, request) =>
  Response.json(await createWebhookSource(ctx, await readBody(request, ZWebhookSourceInput)), { status: 201 }),
);
