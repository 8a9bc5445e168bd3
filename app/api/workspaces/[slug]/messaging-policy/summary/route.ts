import { readBody, workspaceRoute } from "@/lib/http/handler";
import { describeCap, describePolicy, ZMessagingPolicy } from "@/lib/messaging/policy";

/**
 * The words for a draft policy, for the live summary on Settings → Messaging rules (policy.ts reaches the
 * database, so the browser cannot import its describe functions). Stores nothing; an invalid draft is a 422.
 */
export const POST = workspaceRoute("workspace:read", async (_ctx, request) => {
  const policy = await readBody(request, ZMessagingPolicy);
  return { summary: describePolicy(policy), caps: policy.frequencyCaps.map(describeCap) };
});
