import { readBody, workspaceRoute } from "@/lib/http/handler";
import { deleteChannelConfig, saveChannelConfig, ZChannelConfigInput } from "@/lib/messaging/channel-config";

type Params = { slug: string; provider: string };

/** `{ settings, secrets }`: a blank or missing secret keeps the stored one. */
export const PUT = workspaceRoute<Params>("settings:manage", async (ctx, request, { provider }) =>
  saveChannelConfig(ctx, provider, await readBody(request, ZChannelConfigInput)),
);
export const DELETE = workspaceRoute<Params>("settings:manage", async (ctx, _request, { provider }) => {
  await deleteChannelConfig(ctx, provider);
  return { ok: true };
});
