import { createApiKey, listApiKeys, ZCreateApiKey } from "@/lib/api-keys/api-keys";
import { readBody, workspaceRoute } from "@/lib/http/handler";

export const GET = workspaceRoute("api_keys:manage", async (ctx) => ({ apiKeys: await listApiKeys(ctx) }));

export const POST = workspaceRoute("api_keys:manage", async (ctx, request) =>
  Response.json(await createApiKey(ctx, await readBody(request, ZCreateApiKey)), {
    status: 201,
    headers: { "Cache-Control": "no-store" },
  }),
);
