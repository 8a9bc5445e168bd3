import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { GET as membersRoute } from "@/app/api/workspaces/[slug]/members/route";
import { sessionUserFromCookieHeader } from "@/lib/auth/session";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { db } from "@/lib/db/client";
import { callRoute } from "@/lib/testing/call-route";
import { createUser, createWorkspaceWithTeam, sessionCookie, TEST_PASSWORD } from "@/lib/testing/factories";
import { POST } from "./route";

const NEW_PASSWORD = "a brand new passphrase";

function changeOwnPassword(cookie: string, body: unknown, headers: Record<string, string> = {}) {
  return callRoute(POST, { method: "POST", path: "/api/account/password", cookie, body, headers });
}

/** Signs in with email and password from an address of its own, so no test counts against another's limit. */
function signIn(email: string, password: string) {
  return signInWithPassword({ email, password, ip: `password-route-${randomBytes(4).toString("hex")}` });
}

describe("POST /api/account/password", () => {
  it("with the right current password changes it: the old cookie is refused (401) and the new password signs in", async () => {
    const team = await createWorkspaceWithTeam();
    const viewer = team.members.VIEWER;
    const cookie = await sessionCookie(viewer);
    expect((await callRoute(membersRoute, { params: { slug: team.slug }, cookie })).status).toBe(200);

    const response = await changeOwnPassword(
      cookie,
      { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD },
      { origin: "http://localhost:3000" },
    );
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ok: true, signInAgain: true });

    expect((await callRoute(membersRoute, { params: { slug: team.slug }, cookie })).status).toBe(401);
    expect(
      (await changeOwnPassword(cookie, { currentPassword: NEW_PASSWORD, newPassword: "yet another passphrase" }))
        .status,
    ).toBe(401);
    await expect(signIn(viewer.email, TEST_PASSWORD)).rejects.toMatchObject({ code: "unauthenticated" });
    expect(await signIn(viewer.email, NEW_PASSWORD)).toMatchObject({ id: viewer.id });
  });

  it("with a wrong current password answers 422 naming currentPassword and changes nothing", async () => {
    const user = await createUser();
    const cookie = await sessionCookie(user);
    const before = await db().user.findUniqueOrThrow({
      where: { id: user.id },
      select: { passwordHash: true, sessionVersion: true },
    });

    const response = await changeOwnPassword(cookie, {
      currentPassword: "not the password",
      newPassword: NEW_PASSWORD,
    });
    expect(response.status).toBe(422);
    expect(response.body.error.fields).toEqual([{ path: "currentPassword", message: expect.any(String) }]);

    expect(
      await db().user.findUniqueOrThrow({
        where: { id: user.id },
        select: { passwordHash: true, sessionVersion: true },
      }),
    ).toEqual(before);
    expect(await sessionUserFromCookieHeader(cookie)).toEqual(user);
    expect(await signIn(user.email, TEST_PASSWORD)).toMatchObject({ id: user.id });
    expect(
      (await changeOwnPassword(cookie, { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD })).status,
    ).toBe(200);
  });

  it("counts wrong current passwords against the sign-in limit: a stolen cookie buys no unlimited guesses", async () => {
    const user = await createUser();
    const cookie = await sessionCookie(user);
    const from = { "x-forwarded-for": `198.51.100.${Math.floor(Math.random() * 250) + 1}` };
    for (let i = 0; i < 5; i++) {
      expect(
        (await changeOwnPassword(cookie, { currentPassword: `guess ${i}`, newPassword: NEW_PASSWORD }, from)).status,
      ).toBe(422);
    }
    // the sixth guess is refused before the password is looked at, even when it is right
    const limited = await changeOwnPassword(
      cookie,
      { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD },
      from,
    );
    expect(limited.status).toBe(429);
    expect(await db().user.findUniqueOrThrow({ where: { id: user.id }, select: { sessionVersion: true } })).toEqual({
      sessionVersion: 0,
    });
  });

  it.each([
    ["too short", "short one"],
    ["too common", "password123"],
    ["too uniform", "abababababab"],
  ])("refuses a weak new password (%s) with 422 naming newPassword, changing nothing", async (_case, newPassword) => {
    const user = await createUser();
    const cookie = await sessionCookie(user);
    const response = await changeOwnPassword(cookie, { currentPassword: TEST_PASSWORD, newPassword });
    expect(response.status).toBe(422);
    expect(response.body.error.fields).toEqual([expect.objectContaining({ path: "newPassword" })]);
    expect(await signIn(user.email, TEST_PASSWORD)).toMatchObject({ id: user.id });
    expect(
      (await changeOwnPassword(cookie, { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD })).status,
    ).toBe(200);
  });

  it("refuses a request without a session (401)", async () => {
    const response = await callRoute(POST, {
      method: "POST",
      body: { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD },
    });
    expect(response.status).toBe(401);
  });

  it("refuses a cross-site request (403) and changes nothing", async () => {
    const user = await createUser();
    const cookie = await sessionCookie(user);
    const response = await changeOwnPassword(
      cookie,
      { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD },
      { origin: "https://evil.example" },
    );
    expect(response.status).toBe(403);
    expect(await signIn(user.email, TEST_PASSWORD)).toMatchObject({ id: user.id });
    expect(
      (await changeOwnPassword(cookie, { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD })).status,
    ).toBe(200);
  });

  it("lets someone without a password (signed up with GitHub or Google) set one without a current password, ending their sessions", async () => {
    const user = await createUser();
    await db().user.update({ where: { id: user.id }, data: { passwordHash: null } });
    const cookie = await sessionCookie(user);
    const response = await changeOwnPassword(cookie, { currentPassword: "", newPassword: NEW_PASSWORD });
    expect(response.status).toBe(200);
    expect(
      (await changeOwnPassword(cookie, { currentPassword: NEW_PASSWORD, newPassword: "yet another passphrase" }))
        .status,
    ).toBe(401);
    expect(await signIn(user.email, NEW_PASSWORD)).toMatchObject({ id: user.id });
  });
});
