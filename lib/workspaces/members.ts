import { z } from "zod";
import { can, requirePermission, type WorkspaceContext } from "../auth/context";
import { ROLE_LABELS, ROLES, type RoleName } from "../auth/permissions";
import { revokeSessions } from "../auth/session";
import { recordAudit } from "../audit/audit-log";
import { db } from "../db/client";
import { AppError, parseInput } from "../errors";
import { prismaQueryable } from "../db/sql";
import { selectOwnerMembershipIdsForUpdate } from "./store/workspace-locks";

export interface Member {
  id: string; // membership id
  userId: string;
  name: string;
  email: string;
  role: RoleName;
  joinedAt: string;
}

export async function listMembers(ctx: WorkspaceContext): Promise<Member[]> {
  requirePermission(ctx, "workspace:read");
  const rows = await db().membership.findMany({
    where: { workspaceId: ctx.workspace.id },
    orderBy: { createdAt: "asc" },
    select: { id: true, role: true, createdAt: true, user: { select: { id: true, name: true, email: true } } },
  });
  return rows.map((r) => ({
    id: r.id,
    userId: r.user.id,
    name: r.user.name,
    email: r.user.email,
    role: r.role,
    joinedAt: r.createdAt.toISOString(),
  }));
}

export const ZRole = z.enum(ROLES, { error: `Choose one of: ${ROLES.map((r) => r.toLowerCase()).join(", ")}` });

export const ZChangeRole = z.object({ role: ZRole }).strict();
export type TChangeRole = z.input<typeof ZChangeRole>;

/** Admins manage editors and viewers (and other admins); only owners touch the owner role. */
function assertMayAssign(ctx: WorkspaceContext, currentRole: RoleName | null, newRole: RoleName | null): void {
  requirePermission(ctx, "members:manage");
  if ((currentRole === "OWNER" || newRole === "OWNER") && !can(ctx, "owners:manage")) {
    throw new AppError("forbidden", "Only owners can grant, change or remove the owner role.");
  }
}

async function loadMembership(ctx: WorkspaceContext, membershipId: string) {
  if (!z.uuid().safeParse(membershipId).success) throw new AppError("not_found", "No such member in this workspace.");
  const membership = await db().membership.findFirst({
    where: { id: membershipId, workspaceId: ctx.workspace.id },
    select: { id: true, role: true, userId: true, user: { select: { email: true } } },
  });
  if (!membership) throw new AppError("not_found", "No such member in this workspace.");
  return membership;
}

type Tx = Parameters<Parameters<ReturnType<typeof db>["$transaction"]>[0]>[0];

/** A workspace always keeps at least one owner; checked inside the transaction that would remove one. */
async function assertAnotherOwnerRemains(tx: Tx, workspaceId: string, leavingMembershipId: string): Promise<void> {
  // Lock the owners' rows so two concurrent demotions cannot both see "another owner remains".
  const owners = await selectOwnerMembershipIdsForUpdate(prismaQueryable(tx), workspaceId);
  if (!owners.some((id) => id !== leavingMembershipId)) {
    throw new AppError("conflict", "A workspace needs at least one owner. Make someone else an owner first.");
  }
}

export async function changeMemberRole(
  ctx: WorkspaceContext,
  membershipId: string,
  input: TChangeRole,
): Promise<Member> {
  const { role } = parseInput(ZChangeRole, input);
  const membership = await loadMembership(ctx, membershipId);
  assertMayAssign(ctx, membership.role, role);
  if (membership.role === role) return (await listMembers(ctx)).find((m) => m.id === membershipId)!;
  await db().$transaction(async (tx) => {
    if (membership.role === "OWNER") await assertAnotherOwnerRemains(tx, ctx.workspace.id, membership.id);
    await tx.membership.update({ where: { id: membership.id }, data: { role } });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "member.role_changed",
      targetType: "member",
      targetId: membership.userId,
      summary: `Changed ${membership.user.email} from ${ROLE_LABELS[membership.role]} to ${ROLE_LABELS[role]}`,
      metadata: { from: membership.role, to: role },
    });
  });
  return (await listMembers(ctx)).find((m) => m.id === membershipId)!;
}

export async function removeMember(ctx: WorkspaceContext, membershipId: string): Promise<void> {
  const membership = await loadMembership(ctx, membershipId);
  assertMayAssign(ctx, membership.role, null);
  await db().$transaction(async (tx) => {
    if (membership.role === "OWNER") await assertAnotherOwnerRemains(tx, ctx.workspace.id, membership.id);
    await tx.membership.delete({ where: { id: membership.id } });
    // A removed person's open sessions end now, not when their cookie expires.
    await revokeSessions(membership.userId, tx);
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "member.removed",
      targetType: "member",
      targetId: membership.userId,
      summary: `Removed ${membership.user.email} (${ROLE_LABELS[membership.role]}) from the workspace`,
    });
  });
}
