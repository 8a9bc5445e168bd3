import { requirePermission, type WorkspaceContext } from "../auth/context";
import { ROLE_LABELS, type RoleName, roleAtLeast } from "../auth/permissions";
import { db } from "../db/client";
import { AppError } from "../errors";
import type { Channel } from "../messaging/liquid";
import { loadProviderConfigs } from "../messaging/channel-config";

/**
 * Sending, scheduling, pausing, resuming and cancelling a broadcast need the role the workspace chose
 * (`Workspace.broadcastSendRole`, default admin; editors only draft). A full API key may: whoever holds one can
 * already change every journey that sends. Answers the workspace's zone, which a send records.
 */
export async function requireSendRole(ctx: WorkspaceContext): Promise<{ timezone: string }> {
  requirePermission(ctx, "content:write");
  const workspace = await db().workspace.findUniqueOrThrow({
    where: { id: ctx.workspace.id },
    select: { broadcastSendRole: true, timezone: true },
  });
  const lowest = workspace.broadcastSendRole as RoleName;
  if (ctx.role && !roleAtLeast(ctx.role, lowest))
    throw new AppError(
      "forbidden",
      `Sending broadcasts needs the ${ROLE_LABELS[lowest]} role${lowest === "OWNER" ? "" : " or higher"} in this workspace; your role is ${ROLE_LABELS[ctx.role]}.`,
    );
  return { timezone: workspace.timezone };
}

const SETUP: Record<Channel, string> = {
  email: "Email isn't set up: configure an SMTP server in Settings → Channels.",
  sms: "SMS isn't set up: configure a Twilio-compatible provider in Settings → Channels.",
  push: "Push isn't set up: configure Web Push or FCM in Settings → Channels.",
  in_app: "",
};

/** Refuses (409) a channel whose provider is not configured; in-app and webhooks (the broadcast's own URL) need none. */
export async function requireChannelSetUp(workspaceId: string, channel: Channel | "webhook"): Promise<void> {
  if (channel === "in_app" || channel === "webhook") return;
  const configs = await loadProviderConfigs(workspaceId);
  const ready =
    channel === "email" ? !!configs.email : channel === "sms" ? !!configs.sms : !!(configs.web_push || configs.fcm);
  if (!ready) throw new AppError("conflict", SETUP[channel]);
}
