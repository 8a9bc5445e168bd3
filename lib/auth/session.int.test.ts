import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { GET as membersRoute } from "@/app/api/workspaces/[slug]/members/route";
import { db } from "../db/client";
import { callRoute } from "../testing/call-route";
import { createUser, createWorkspaceWithTeam, sessionCookie } from "../testing/factories";
import { issueSessionToken, SESSION_COOKIE, sessionUserFromCookieHeader } from "./session";

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
    ["a forged cookie", async (userId: string) => `${SESSION_COOKIE}=${await encode({ token: { sub: userId }, secret: "forger" })}`],
  ])("make the API answer 401 for %s", async (_case, cookieFor) => {
    const team = await createWorkspaceWithTeam();
    const response = await callRoute(membersRoute, { params: { slug: team.slug }, cookie: await cookieFor(team.members.OWNER.id) });
    expect(response.status).toBe(401);
    expect(response.body.error.message).toMatch(/Sign in/);
  });
});
