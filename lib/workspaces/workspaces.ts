import { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { permissionsOfRole, type RoleName } from "../auth/permissions";
import { ZWorkspaceName } from "../auth/schemas";
import { recordAudit } from "../audit/audit-log";
import { db } from "../db/client";
import { AppError, parseInput } from "../errors";
import { uniqueSlug } from "./slug";

export interface SessionUser {
  id: string;
  email: string;
  name: string;
}

export interface WorkspaceSummary {
  id: string;
  slug: string;
  name: string;
  role: RoleName;
}

export async function listWorkspacesOf(userId: string): Promise<WorkspaceSummary[]> {
  const memberships = await db().membership.findMany({
    where: { userId },
    orderBy: { createdAt: "asc" },
    select: { role: true, workspace: { select: { id: true, slug: true, name: true } } },
  });
  return memberships.map((m) => ({ ...m.workspace, role: m.role }));
}

/**
 * The context for a signed-in user acting in the workspace named by `slug`. A workspace the user is not
 * a member of answers "not found", exactly like one that does not exist, so nobody can probe for others.
 */
export async function workspaceContextForUser(user: SessionUser, slug: string): Promise<WorkspaceContext> {
  const membership = await db().membership.findFirst({
    where: { userId: user.id, workspace: { slug } },
    select: { role: true, workspace: { select: { id: true, slug: true, name: true } } },
  });
  if (!membership) throw new AppError("not_found", "No such workspace, or you are not a member of it.");
  return {
    workspace: membership.workspace,
    role: membership.role,
    actor: { kind: "user", userId: user.id, email: user.email },
    permissions: permissionsOfRole(membership.role),
  };
}

export const ZCreateWorkspace = z.object({ name: ZWorkspaceName }).strict();
export type TCreateWorkspace = z.input<typeof ZCreateWorkspace>;

/** Any signed-in user may start a new workspace; they become its owner. */
export async function createWorkspace(user: SessionUser, input: TCreateWorkspace): Promise<WorkspaceSummary> {
  const { name } = parseInput(ZCreateWorkspace, input);
  return db().$transaction(async (tx) => {
    const workspace = await tx.workspace.create({
      data: { name, slug: uniqueSlug(name) },
      select: { id: true, slug: true, name: true },
    });
    await tx.membership.create({ data: { workspaceId: workspace.id, userId: user.id, role: "OWNER" } });
    await recordAudit(tx, {
      workspaceId: workspace.id,
      actor: { kind: "user", userId: user.id, email: user.email },
      action: "workspace.created",
      targetType: "workspace",
      targetId: workspace.id,
      summary: `Created the workspace "${name}"`,
    });
    return { ...workspace, role: "OWNER" as const };
  });
}

export const ZRenameWorkspace = z.object({ name: ZWorkspaceName }).strict();
export type TRenameWorkspace = z.input<typeof ZRenameWorkspace>;

/** Renames the workspace. The slug (and so every link) stays the same. */
export async function renameWorkspace(
  ctx: WorkspaceContext,
  input: TRenameWorkspace,
): Promise<{ id: string; slug: string; name: string }> {
  requirePermission(ctx, "settings:manage");
  const { name } = parseInput(ZRenameWorkspace, input);
  if (name === ctx.workspace.name) return ctx.workspace;
  return db().$transaction(async (tx) => {
    const updated = await tx.workspace.update({
      where: { id: ctx.workspace.id },
      data: { name },
      select: { id: true, slug: true, name: true },
    });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "workspace.renamed",
      targetType: "workspace",
      targetId: ctx.workspace.id,
      summary: `Renamed the workspace from "${ctx.workspace.name}" to "${name}"`,
    });
    return updated;
  });
}
