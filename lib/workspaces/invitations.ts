import { z } from "zod";
import { can, requirePermission, requireUser, type WorkspaceContext } from "../auth/context";
import { hashPassword } from "../auth/password";
import { ROLE_LABELS, type RoleName } from "../auth/permissions";
import { ZEmail, ZPassword, ZPersonName } from "../auth/schemas";
import { recordAudit } from "../audit/audit-log";
import { db } from "../db/client";
import { AppError, parseInput } from "../errors";
import { hashToken, randomToken } from "../security/tokens";
import {
  invitationLink,
  invitationLinkOrigin,
  sendInvitationEmail,
  type InvitationEmailOutcome,
} from "./invitation-email";
import { ZRole } from "./members";
import type { SessionUser } from "./workspaces";

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export const ZInviteMember = z.object({ email: ZEmail, role: ZRole }).strict();
export type TInviteMember = z.input<typeof ZInviteMember>;

export interface PendingInvitation {
  id: string;
  email: string;
  role: RoleName;
  invitedBy: string;
  createdAt: string;
  expiresAt: string;
}

/**
 * Invites someone by email with a role. The result carries the one-time token for the invitation link;
 * only its hash is stored. Inviting an address that has a pending invitation replaces that invitation
 * (its old link stops working), which is what "resend" means here.
 */
export async function inviteMember(
  ctx: WorkspaceContext,
  input: TInviteMember,
  now: Date = new Date(),
): Promise<{ invitation: PendingInvitation; token: string }> {
  requirePermission(ctx, "members:manage");
  const actor = requireUser(ctx);
  const { email, role } = parseInput(ZInviteMember, input);
  if (role === "OWNER" && !can(ctx, "owners:manage")) {
    throw new AppError("forbidden", "Only owners can invite someone as an owner.", {
      fields: [{ path: "role", message: "Only owners can invite owners" }],
    });
  }
  const existingMember = await db().membership.findFirst({
    where: { workspaceId: ctx.workspace.id, user: { email } },
    select: { id: true },
  });
  if (existingMember) throw AppError.field("email", `${email} is already a member of this workspace`);

  const token = randomToken();
  const invitation = await db().$transaction(async (tx) => {
    await tx.invitation.updateMany({
      where: { workspaceId: ctx.workspace.id, email, acceptedAt: null, revokedAt: null },
      data: { revokedAt: now },
    });
    const created = await tx.invitation.create({
      data: {
        workspaceId: ctx.workspace.id,
        email,
        role,
        tokenHash: hashToken(token),
        invitedById: actor.userId,
        expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
        createdAt: now,
      },
    });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "member.invited",
      targetType: "invitation",
      targetId: created.id,
      summary: `Invited ${email} as ${ROLE_LABELS[role]}`,
      metadata: { email, role },
    });
    return created;
  });
  return {
    token,
    invitation: {
      id: invitation.id,
      email,
      role,
      invitedBy: actor.email,
      createdAt: invitation.createdAt.toISOString(),
      expiresAt: invitation.expiresAt.toISOString(),
    },
  };
}

/**
 * Invites (committed first), then emails the invitee the accept link through the workspace's email channel.
 * The email's failure is an answer, not an error: the invitation stands, `email.reason` says why, and `url`
 * is the link to copy. `requestOrigin` is used for the link only when neither CAIRN_PUBLIC_URL nor
 * NEXTAUTH_URL is set.
 */
export async function inviteMemberAndEmail(
  ctx: WorkspaceContext,
  input: TInviteMember,
  requestOrigin: string,
  now: Date = new Date(),
): Promise<{ invitation: PendingInvitation; token: string; url: string; email: InvitationEmailOutcome }> {
  const { invitation, token } = await inviteMember(ctx, input, now);
  const url = invitationLink(invitationLinkOrigin(requestOrigin), token);
  const email = await sendInvitationEmail(ctx, invitation, url);
  return { invitation, token, url, email };
}

export async function listPendingInvitations(
  ctx: WorkspaceContext,
  now: Date = new Date(),
): Promise<PendingInvitation[]> {
  requirePermission(ctx, "members:manage");
  const rows = await db().invitation.findMany({
    where: { workspaceId: ctx.workspace.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
    orderBy: { createdAt: "desc" },
    select: { id: true, email: true, role: true, invitedById: true, createdAt: true, expiresAt: true },
  });
  const inviters = await db().user.findMany({
    where: { id: { in: rows.map((r) => r.invitedById) } },
    select: { id: true, email: true },
  });
  const emailOf = new Map(inviters.map((u) => [u.id, u.email]));
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    role: r.role,
    invitedBy: emailOf.get(r.invitedById) ?? "a former member",
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
  }));
}

export async function revokeInvitation(
  ctx: WorkspaceContext,
  invitationId: string,
  now: Date = new Date(),
): Promise<void> {
  requirePermission(ctx, "members:manage");
  if (!z.uuid().safeParse(invitationId).success)
    throw new AppError("not_found", "No such invitation in this workspace.");
  const invitation = await db().invitation.findFirst({
    where: { id: invitationId, workspaceId: ctx.workspace.id, acceptedAt: null, revokedAt: null },
    select: { id: true, email: true, role: true },
  });
  if (!invitation) throw new AppError("not_found", "No such pending invitation in this workspace.");
  if (invitation.role === "OWNER" && !can(ctx, "owners:manage"))
    throw new AppError("forbidden", "Only owners can revoke an owner invitation.");
  await db().$transaction(async (tx) => {
    await tx.invitation.update({ where: { id: invitation.id }, data: { revokedAt: now } });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "invitation.revoked",
      targetType: "invitation",
      targetId: invitation.id,
      summary: `Revoked the invitation of ${invitation.email}`,
    });
  });
}

export interface InvitationPreview {
  workspaceName: string;
  email: string;
  role: RoleName;
  /** Whether an account with the invited email exists (then the invitee signs in instead of signing up). */
  accountExists: boolean;
}

async function findUsableInvitation(token: string, now: Date) {
  if (typeof token !== "string" || token.length < 20 || token.length > 100) return null;
  const invitation = await db().invitation.findUnique({
    where: { tokenHash: hashToken(token) },
    select: {
      id: true,
      email: true,
      role: true,
      workspaceId: true,
      acceptedAt: true,
      revokedAt: true,
      expiresAt: true,
      workspace: { select: { name: true, slug: true } },
    },
  });
  if (!invitation) return null;
  if (invitation.acceptedAt)
    throw new AppError("conflict", "This invitation has already been accepted. Sign in to open the workspace.");
  if (invitation.revokedAt) throw new AppError("not_found", "This invitation was withdrawn. Ask for a new one.");
  if (invitation.expiresAt <= now) throw new AppError("not_found", "This invitation has expired. Ask for a new one.");
  return invitation;
}

export async function previewInvitation(token: string, now: Date = new Date()): Promise<InvitationPreview> {
  const invitation = await findUsableInvitation(token, now);
  if (!invitation)
    throw new AppError("not_found", "This invitation link is not valid. Check that you copied all of it.");
  const account = await db().user.findUnique({ where: { email: invitation.email }, select: { id: true } });
  return {
    workspaceName: invitation.workspace.name,
    email: invitation.email,
    role: invitation.role,
    accountExists: !!account,
  };
}

export const ZAcceptAsNewUser = z.object({ name: ZPersonName, password: ZPassword }).strict();
export type TAcceptAsNewUser = z.input<typeof ZAcceptAsNewUser>;

/**
 * Accepts an invitation. A signed-in user accepts for their own account, which must have the invited
 * email; someone without an account creates one with a name and password.
 */
export async function acceptInvitation(
  token: string,
  who: { user: SessionUser } | { newAccount: TAcceptAsNewUser },
  now: Date = new Date(),
): Promise<{ workspaceSlug: string; userId: string; email: string }> {
  const invitation = await findUsableInvitation(token, now);
  if (!invitation)
    throw new AppError("not_found", "This invitation link is not valid. Check that you copied all of it.");

  let passwordHash: string | null = null;
  let name = "";
  if ("newAccount" in who) {
    const data = parseInput(ZAcceptAsNewUser, who.newAccount);
    passwordHash = await hashPassword(data.password);
    name = data.name;
  } else if (who.user.email !== invitation.email) {
    throw new AppError(
      "forbidden",
      `This invitation is for ${invitation.email}, but you are signed in as ${who.user.email}. Sign out and open the link again.`,
    );
  }

  return db().$transaction(async (tx) => {
    // Claim the invitation first: of two concurrent acceptances only one updates the row.
    const claimed = await tx.invitation.updateMany({
      where: { id: invitation.id, acceptedAt: null, revokedAt: null },
      data: { acceptedAt: now },
    });
    if (claimed.count !== 1) throw new AppError("conflict", "This invitation has already been used.");

    let userId: string;
    if ("user" in who) {
      userId = who.user.id;
    } else {
      const existing = await tx.user.findUnique({ where: { email: invitation.email }, select: { id: true } });
      if (existing)
        throw new AppError(
          "conflict",
          `An account for ${invitation.email} exists already. Sign in to accept the invitation.`,
        );
      userId = (await tx.user.create({ data: { email: invitation.email, name, passwordHash }, select: { id: true } }))
        .id;
    }
    const alreadyMember = await tx.membership.findFirst({
      where: { workspaceId: invitation.workspaceId, userId },
      select: { id: true },
    });
    if (!alreadyMember)
      await tx.membership.create({ data: { workspaceId: invitation.workspaceId, userId, role: invitation.role } });
    await recordAudit(tx, {
      workspaceId: invitation.workspaceId,
      actor: { kind: "user", userId, email: invitation.email },
      action: "member.joined",
      targetType: "member",
      targetId: userId,
      summary: `${invitation.email} accepted the invitation and joined as ${ROLE_LABELS[invitation.role]}`,
    });
    return { workspaceSlug: invitation.workspace.slug, userId, email: invitation.email };
  });
}
