import { readBody, workspaceRoute } from "@/lib/http/handler";
import { describePolicy, getPolicy, savePolicy, ZMessagingPolicy } from "@/lib/messaging/policy";

export const GET = workspaceRoute("workspace:read", async (ctx) => {
  const policy = await getPolicy(ctx);
  return { policy, summary: describePolicy(policy) };
});
export const PUT = workspaceRoute("settings:manage", async (ctx, request) => {
  const policy = await savePolicy(ctx, await readBody(request, ZMessagingPolicy));
  return { policy, summary: describePolicy(policy) };
});
