import { workspaceRoute } from "@/lib/http/handler";
import { restoreTemplate } from "@/lib/messaging/templates/archive-template";

export const POST = workspaceRoute<{ slug: string; id: string }>("content:write", (ctx, _request, { id }) =>
  restoreTemplate(ctx, id),
);
