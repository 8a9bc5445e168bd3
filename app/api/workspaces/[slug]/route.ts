import { readBody, workspaceRoute } from "@/lib/http/handler";
import { renameWorkspace, ZRenameWorkspace } from "@/lib/workspaces/workspaces";

export const GET = workspaceRoute("workspace:read", async (ctx) => ({ ...ctx.workspace, role: ctx.role }));
export const PATCH = workspaceRoute("settings:manage", async (ctx, request) =>
  renameWorkspace(ctx, await readBody(request, ZRenameWorkspace)),
);
