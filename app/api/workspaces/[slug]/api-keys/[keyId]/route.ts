import { revokeApiKey } from "@/lib/api-keys/api-keys";
import { workspaceRoute } from "@/lib/http/handler";

/** Revokes the key (it stays listed, marked revoked, so the audit trail keeps its name). */
export const DELETE = workspaceRoute<{ slug: string; keyId: string }>("api_keys:manage", async (ctx, _request, { keyId }) => ({
  apiKey: await revokeApiKey(ctx, keyId),
}));
