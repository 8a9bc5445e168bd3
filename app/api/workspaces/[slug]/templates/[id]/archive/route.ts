import { workspaceRoute } from "@/lib/http/handler";
import { archiveTemplate } from "@/lib/messaging/templates";

export const POST = workspaceRoute<{ slug: string; id: string }>("content:write", (ctx, _request, { id }) =>
  archiveTemplate(ctx, id),
);
