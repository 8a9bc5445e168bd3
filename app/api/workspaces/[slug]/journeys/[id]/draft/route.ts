import { readBody, workspaceRoute } from "@/lib/http/handler";
import { saveDraft, ZSaveDraft } from "@/lib/journeys/journeys";

export const PUT = workspaceRoute<{ slug: string; id: string }>("content:write", async (ctx, request, { id }) =>
  saveDraft(ctx, id, await readBody(request, ZSaveDraft)),
);
