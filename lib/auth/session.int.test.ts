import { decode, encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { GET as membersRoute } from "@/app/api/workspaces/[slug]/members/route";
import { db } from "../db/client";
import { callRoute } from "../testing/call-route";
import { contextOf, createUser, createWorkspaceWithTeam, sessionCookie, TEST_PASSWORD } from "../testing/factories";
import { removeMember } from "../workspaces/members";
import { changePassword } from "./change-password";
import { authOptions } from "./next-auth-options";
import {
  authSecret,
  issueSessionToken,
  SESSION_COOKIE,
  SESSION_MAX_AGE_SECONDS,
  sessionUserFromCookieHeader,
} from "./session";

/** Signs in the way next-auth does: the jwt callback shapes the token, next-auth encodes it into the cookie. */
async function signInCookie(userId: string): Promise<string> {
  const token = await authOptions().callbacks!.jwt!({
    token: { sub: userId },
    user: { id: userId },
    account: { provider: "credentials", type: "credentials", providerAccountId: userId },
  });
  return `${SESSION_COOKIE}=${await encode({ token, secret: authSecret(), maxAge: SESSION_MAX_AGE_SECONDS })}`;
}

/** What next-auth does on POST /api/auth/signout: decode the cookie and fire events.signOut with it. */
async function signOut(cookie: string): Promise<void> {
  const token = await decode({ token: cookie.slice(cookie.indexOf("=") + 1), secret: authSecret() });
  await authOptions().events!.signOut!({ token: token!, session: undefined as never });
}

describe("sessions", () => {
  it("resolve a valid cookie to its user", async () => {
    const user = await createUser();
    expect(await sessionUserFromCookieHeader(await sessionCookie(user))).toEqual(user);
  });

  it("reject an expired cookie", async () => {
    const user = await createUser();
    const expired = await issueSessionToken(user.id, -3600);
    expect(await sessionUserFromCookieHeader(`${SESSION_COOKIE}=${expired}`)).toBeNull();
  });

  it("reject a cookie encrypted with another secret (forged)", async () => {
    const user = await createUser();
    const forged = await encode({ token: { sub: user.id }, secret: "an attacker's own secret" });
    expect(await sessionUserFromCookieHeader(`${SESSION_COOKIE}=${forged}`)).toBeNull();
  });

  it("reject a tampered cookie", async () => {
    const user = await createUser();
    const token = await issueSessionToken(user.id);
    const tampered = token.slice(0, -4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
    expect(await sessionUserFromCookieHeader(`${SESSION_COOKIE}=${tampered}`)).toBeNull();
    expect(await sessionUserFromCookieHeader(`${SESSION_COOKIE}=not-a-jwt`)).toBeNull();
  });

  it("end when the user is deleted", async () => {
    const user = await createUser();
    const cookie = await sessionCookie(user);
    await db().user.delete({ where: { id: user.id } });
    expect(await sessionUserFromCookieHeader(cookie)).toBeNull();
  });

  it.each([
    ["no cookie", async () => ""],
    ["an expired cookie", async (userId: string) => `${SESSION_COOKIE}=${await issueSessionToken(userId, -60)}`],
    [
      "a forged cookie",
      async (userId: string) => `${SESSION_COOKIE}=${await encode({ token: { sub: userId }, secret: "forger" })}`,
    ],
  ])("make the API answer 401 for %s", async (_case, cookieFor) => {
    const team = await createWorkspaceWithTeam();
    const response = await callRoute(membersRoute, {
      params: { slug: team.slug },
      cookie: await cookieFor(team.members.OWNER.id),
    });
    expect(response.status).toBe(401);
    expect(response.body.error.message).toMatch(/Sign in/);
  });

  it("end at sign-out: the old cookie is no session afterwards, and signing in again works", async () => {
    const user = await createUser();
    const cookie = await signInCookie(user.id);
    expect(await sessionUserFromCookieHeader(cookie)).toEqual(user);
    await signOut(cookie);
    expect(await sessionUserFromCookieHeader(cookie)).toBeNull();
    const again = await signInCookie(user.id);
    expect(await sessionUserFromCookieHeader(again)).toEqual(user);
  });

  it("refuse a signed-out cookie at the API too (401)", async () => {
    const team = await createWorkspaceWithTeam();
    const cookie = await signInCookie(team.members.OWNER.id);
    expect((await callRoute(membersRoute, { params: { slug: team.slug }, cookie })).status).toBe(200);
    await signOut(cookie);
    expect((await callRoute(membersRoute, { params: { slug: team.slug }, cookie })).status).toBe(401);
  });

  it("are not ended by replaying an already revoked cookie at sign-out", async () => {
    const user = await createUser();
    const old = await signInCookie(user.id);
    await signOut(old);
    const current = await signInCookie(user.id);
    await signOut(old);
    expect(await sessionUserFromCookieHeader(current)).toEqual(user);
  });

  it("end when the password changes", async () => {
    const user = await createUser();
    const cookie = await signInCookie(user.id);
    await changePassword(user.id, { currentPassword: TEST_PASSWORD, newPassword: "a different long passphrase" });
    expect(await sessionUserFromCookieHeader(cookie)).toBeNull();
    expect(await sessionUserFromCookieHeader(await signInCookie(user.id))).toEqual(user);
  });

  it("do not end on a refused password change (wrong current password), which changes nothing", async () => {
    const user = await createUser();
    const cookie = await signInCookie(user.id);
    await expect(
      changePassword(user.id, { currentPassword: "not the password", newPassword: "a different long passphrase" }),
    ).rejects.toMatchObject({
      code: "validation",
      fields: [{ path: "currentPassword" }],
    });
    expect(await sessionUserFromCookieHeader(cookie)).toEqual(user);
  });

  it("end when the person is removed from a workspace", async () => {
    const team = await createWorkspaceWithTeam();
    const viewer = team.members.VIEWER;
    const cookie = await signInCookie(viewer.id);
    const membership = await db().membership.findFirstOrThrow({
      where: { workspaceId: team.id, userId: viewer.id },
      select: { id: true },
    });
    await removeMember(await contextOf(team, "OWNER"), membership.id);
    expect(await sessionUserFromCookieHeader(cookie)).toBeNull();
  });
});
