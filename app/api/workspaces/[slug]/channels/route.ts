import { workspaceRoute } from "@/lib/http/handler";
import { viewChannelConfigs } from "@/lib/messaging/channel-config";

/** Every member may read the channel settings (Settings → Channels is read-only below admin); secrets never leave the server. */
export const GET = workspaceRoute("workspace:read", async (ctx) => ({ channels: await viewChannelConfigs(ctx) }));
