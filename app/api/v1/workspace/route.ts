import { workspaceApi } from "@/lib/api/operations";
import { withWorkspace } from "@/lib/http/handler";

/** Which workspace a key belongs to and what it may do: a quick check that an integration is wired right. */
export const GET = withWorkspace(workspaceApi.get, async (ctx) => ({
  workspace: ctx.workspace,
  apiKey: ctx.actor.kind === "api_key" ? { id: ctx.actor.apiKeyId, name: ctx.actor.name } : null,
  permissions: [...ctx.permissions].sort(),
}));
