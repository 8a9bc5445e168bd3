import { randomBytes } from "node:crypto";
import type { WorkspaceContext } from "../auth/context";
import { hashPassword } from "../auth/password";
import type { RoleName } from "../auth/permissions";
import { issueSessionToken, SESSION_COOKIE } from "../auth/session";
import { db } from "../db/client";
import { workspaceContextForUser, type SessionUser } from "../workspaces/workspaces";

export const TEST_PASSWORD = "plenty-long passphrase";
let passwordHash: Promise<string> | undefined;

export function uniqueEmail(prefix = "person"): string {
  return `${prefix}-${randomBytes(4).toString("hex")}@example.test`;
}

export async function createUser(name = "Test Person", email = uniqueEmail()): Promise<SessionUser> {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  return db().user.create({
    data: { name, email, passwordHash: await passwordHash },
    select: { id: true, email: true, name: true },
  });
}

export interface TestWorkspace {
  id: string;
  slug: string;
  name: string;
  members: Record<RoleName, SessionUser>;
}

/** A workspace with one member of each role. */
export async function createWorkspaceWithTeam(name = "Test workspace"): Promise<TestWorkspace> {
  const workspace = await db().workspace.create({
    data: { name, slug: `test-${randomBytes(5).toString("hex")}` },
    select: { id: true, slug: true, name: true },
  });
  const members = {} as Record<RoleName, SessionUser>;
  for (const role of ["OWNER", "ADMIN", "EDITOR", "VIEWER"] as const) {
    const user = await createUser(`${role.toLowerCase()} of ${name}`, uniqueEmail(role.toLowerCase()));
    await db().membership.create({ data: { workspaceId: workspace.id, userId: user.id, role } });
    members[role] = user;
  }
  return { ...workspace, members };
}

export function contextOf(workspace: TestWorkspace, role: RoleName): Promise<WorkspaceContext> {
  return workspaceContextForUser(workspace.members[role], workspace.slug);
}

export async function sessionCookie(user: SessionUser): Promise<string> {
  return `${SESSION_COOKIE}=${await issueSessionToken(user.id)}`;
}
