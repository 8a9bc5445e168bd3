import { workspaceRoute } from "@/lib/http/handler";
import { listMembers } from "@/lib/workspaces/members";

export const GET = workspaceRoute("workspace:read", async (ctx) => ({ members: await listMembers(ctx) }));
