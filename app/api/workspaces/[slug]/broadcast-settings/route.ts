import { ZBroadcastSettings } from "@/lib/broadcasts/schemas";
import { readBody, workspaceRoute } from "@/lib/http/handler";
import { getBroadcastSettings, saveBroadcastSettings } from "@/lib/workspaces/broadcast-settings";

/** The workspace's zone and broadcast send role (Settings → General). */
export const GET = workspaceRoute("workspace:read", (ctx) => getBroadcastSettings(ctx));
export const PATCH = workspaceRoute("settings:manage", async (ctx, request) =>
  saveBroadcastSettings(ctx, await readBody(request, ZBroadcastSettings)),
);
