import { cookies } from "next/headers";
import { notFound, redirect } from "next/navigation";
import type { WorkspaceContext } from "../auth/context";
import { sessionUserFromCookieHeader } from "../auth/session";
import { AppError } from "../errors";
import { workspaceContextForUser, type SessionUser } from "../workspaces/workspaces";

/** For server components: the same session check as the API routes, with page-style answers. */
export async function currentUser(): Promise<SessionUser | null> {
  const store = await cookies();
  const header = store
    .getAll()
    .map((c) => `${c.name}=${c.value}`)
    .join("; ");
  return sessionUserFromCookieHeader(header);
}

export async function requirePageUser(returnTo: string): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect(`/login?callbackUrl=${encodeURIComponent(returnTo)}`);
  return user;
}

export async function requirePageWorkspace(
  slug: string,
  returnTo: string,
): Promise<{ user: SessionUser; ctx: WorkspaceContext }> {
  const user = await requirePageUser(returnTo);
  try {
    return { user, ctx: await workspaceContextForUser(user, slug) };
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  }
}
