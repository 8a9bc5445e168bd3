import { revokeApiKey, updateApiKey, ZUpdateApiKey } from "@/lib/api-keys/api-keys";
import { readBody, workspaceRoute } from "@/lib/http/handler";

/** Sets the browser origins the key may be used from: `{ allowedOrigins: ["https://www.example.com"] }`. */
export const PATCH = workspaceRoute<{ slug: string; keyId: string }>(
  "api_keys:manage",
  async (ctx, request, { keyId }) => ({
    apiKey: await updateApiKey(ctx, keyId, await readBody(request, ZUpdateApiKey)),
  }),
);

/** Revokes the key (it stays listed, marked revoked, so the audit trail keeps its name). */
export const DELETE = workspaceRoute<{ slug: string; keyId: string }>(
  "api_keys:manage",
  async (ctx, _request, { keyId }) => ({
    apiKey: await revokeApiKey(ctx, keyId),
  }),
);
