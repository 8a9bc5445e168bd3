import { readBody, userRoute } from "@/lib/http/handler";
import { createWorkspace, ZCreateWorkspace } from "@/lib/workspaces/workspaces";

export const POST = userRoute(async (user, request) =>
  createWorkspace(user, await readBody(request, ZCreateWorkspace)),
);
