import { apiKeyRoute, readBody } from "@/lib/http/handler";
import { saveDraft, ZSaveDraft } from "@/lib/journeys/journeys";

export const PUT = apiKeyRoute<{ id: string }>("content:write", async (ctx, request, { id }) =>
  saveDraft(ctx, id, await readBody(request, ZSaveDraft)),
);
