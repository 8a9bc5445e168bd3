import { apiKeyRoute } from "@/lib/http/handler";

/** Which workspace a key belongs to and what it may do: a quick check that an integration is wired right. */
export const GET = apiKeyRoute("workspace:read", async (ctx) => ({
  workspace: ctx.workspace,
  apiKey: ctx.actor.kind === "api_key" ? { id: ctx.actor.apiKeyId, name: ctx.actor.name } : null,
  permissions: [...ctx.permissions].sort(),
}));
