import { writeWorkspaceSettings } from "./write-workspace-settings";
import type { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { ROLE_LABELS, type RoleName } from "../auth/permissions";
import { ZBroadcastSettings } from "../broadcasts/schemas";
import { db } from "../db/client";
import { parseInput } from "../errors";

export interface BroadcastSettings {
  /** the zone of "send at 9:00" and of people whose own zone is unknown (IANA) */
  timezone: string;
  /** the lowest role that may send, schedule, pause, resume and cancel broadcasts */
  broadcastSendRole: Extract<RoleName, "EDITOR" | "ADMIN" | "OWNER">;
}

export async function getBroadcastSettings(ctx: WorkspaceContext): Promise<BroadcastSettings> {
  requirePermission(ctx, "workspace:read");
  const row = await db().workspace.findUniqueOrThrow({
    where: { id: ctx.workspace.id },
    select: { timezone: true, broadcastSendRole: true },
  });
  // VIEWER is never stored (the schema refuses it); read as the default if a hand-edited row has it
  const role = row.broadcastSendRole === "VIEWER" ? "ADMIN" : row.broadcastSendRole;
  return { timezone: row.timezone, broadcastSendRole: role };
}

/**
 * The workspace's zone and who may send broadcasts (Settings → General; admins and owners). A scheduled
 * broadcast keeps the zone it was scheduled in (Broadcast.timezone); the change applies to the next ones.
 */
export async function saveBroadcastSettings(
  ctx: WorkspaceContext,
  input: z.input<typeof ZBroadcastSettings>,
): Promise<BroadcastSettings> {
  requirePermission(ctx, "settings:manage");
  const changes = parseInput(ZBroadcastSettings, input);
  const before = await getBroadcastSettings(ctx);
  const after = { ...before, ...changes };
  const said = [
    after.timezone !== before.timezone ? `the time zone from ${before.timezone} to ${after.timezone}` : null,
    after.broadcastSendRole !== before.broadcastSendRole
      ? `who may send broadcasts from ${ROLE_LABELS[before.broadcastSendRole]} to ${ROLE_LABELS[after.broadcastSendRole]} and up`
      : null,
  ].filter(Boolean);
  if (!said.length) return before;
  await writeWorkspaceSettings(ctx, {
    data: after,
    action: "workspace.broadcast_settings_changed",
    summary: `Changed ${said.join(" and ")}`,
    metadata: { before: { ...before }, after: { ...after } },
  });
  return after;
}
