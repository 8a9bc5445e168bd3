import { workspaceRoute } from "@/lib/http/handler";
import { generateWebPushKeys } from "@/lib/messaging/channel-config";

/** A fresh VAPID key pair for the form, not stored: the private key is shown this once, in the secret field. */
export const POST = workspaceRoute("settings:manage", async (ctx) => generateWebPushKeys(ctx));
