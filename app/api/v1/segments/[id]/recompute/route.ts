import { apiKeyRoute } from "@/lib/http/handler";
import { requestRecompute } from "@/lib/segments/segments";

export const POST = apiKeyRoute<{ id: string }>("content:write", async (ctx, _request, { id }) =>
  Response.json(await requestRecompute(ctx, id), { status: 202 }),
);
