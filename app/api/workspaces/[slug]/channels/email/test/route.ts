import { readBody, workspaceRoute } from "@/lib/http/handler";
import { testEmailConnection, ZChannelConfigInput } from "@/lib/messaging/channel-config";

/** "Test connection": the SMTP settings in the body (a blank password uses the stored one) → `{ ok, message | error }`. */
export const POST = workspaceRoute("settings:manage", async (ctx, request) =>
  testEmailConnection(ctx, await readBody(request, ZChannelConfigInput)),
);
