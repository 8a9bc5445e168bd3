import { readBody, workspaceRoute } from "@/lib/http/handler";
import { deleteWebhookSource, updateWebhookSource, ZWebhookSourceInput } from "@/lib/ingest/webhook-sources";

type Params = { slug: string; sourceId: string };

export const PUT = workspaceRoute<Params>("settings:manage", async (ctx, request, { sourceId }) =>
  updateWebhookSource(ctx, sourceId, await readBody(request, ZWebhookSourceInput)),
);
export const DELETE = workspaceRoute<Params>("settings:manage", async (ctx, _request, { sourceId }) => {
  await deleteWebhookSource(ctx, sourceId);
  return { ok: true };
});
