import { workspaceRoute } from "@/lib/http/handler";
import { archiveTemplate } from "@/lib/messaging/templates/archive-template";

export const POST = workspaceRoute<{ slug: string; id: string }>("content:write", (ctx, _request, { id }) =>
  archiveTemplate(ctx, id),
);
