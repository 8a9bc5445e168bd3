import { readJson, workspaceRoute } from "@/lib/http/handler";
import { sendTestMessage } from "@/lib/messaging/test-send";

/** "Send a test to me": { channel: "email" | "sms", content, profileId?, to? (SMS) } from the template editor. */
export const POST = workspaceRoute("content:write", async (ctx, request) =>
  sendTestMessage(ctx, await readJson(request)),
);
