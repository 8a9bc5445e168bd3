import { describe, expect, it } from "vitest";
import { GET as previewRoute, POST as acceptRoute } from "@/app/api/invitations/[token]/route";
import { db } from "../db/client";
import { callRoute } from "../testing/call-route";
import { contextOf, createUser, createWorkspaceWithTeam, sessionCookie, uniqueEmail } from "../testing/factories";
import {
  acceptInvitation,
  INVITATION_TTL_MS,
  inviteMember,
  listPendingInvitations,
  revokeInvitation,
} from "./invitations";

describe("invitations", () => {
  it("let a new person join with the invited role by creating an account", async () => {
    const team = await createWorkspaceWithTeam();
    const email = uniqueEmail("newcomer");
    const { token } = await inviteMember(await contextOf(team, "ADMIN"), { email, role: "VIEWER" });

    const preview = await callRoute(previewRoute, { params: { token } });
    expect(preview.body).toEqual({ workspaceName: team.name, email, role: "VIEWER", accountExists: false });

    const accepted = await callRoute(acceptRoute, {
      method: "POST",
      params: { token },
      body: { name: "New Comer", password: "a good long password" },
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.workspaceSlug).toBe(team.slug);
    const user = await db().user.findUniqueOrThrow({ where: { email } });
    const membership = await db().membership.findFirstOrThrow({ where: { userId: user.id, workspaceId: team.id } });
    expect(membership.role).toBe("VIEWER");
    expect(
      await db().auditLog.count({
        where: { workspaceId: team.id, action: { in: ["member.invited", "member.joined"] } },
      }),
    ).toBe(2);
  });

  it("cannot be used twice", async () => {
    const team = await createWorkspaceWithTeam();
    const { token } = await inviteMember(await contextOf(team, "OWNER"), { email: uniqueEmail(), role: "EDITOR" });
    await acceptInvitation(token, { newAccount: { name: "First", password: "a good long password" } });
    const again = await callRoute(acceptRoute, {
      method: "POST",
      params: { token },
      body: { name: "Second", password: "a good long password" },
    });
    expect(again.status).toBe(409);
  });

  it("reject a weak password or a smuggled role with 422 and create nothing", async () => {
    const team = await createWorkspaceWithTeam();
    const email = uniqueEmail();
    const { token } = await inviteMember(await contextOf(team, "OWNER"), { email, role: "VIEWER" });
    const weak = await callRoute(acceptRoute, {
      method: "POST",
      params: { token },
      body: { name: "Weak", password: "short" },
    });
    expect(weak.status).toBe(422);
    expect(weak.body.error.fields).toEqual([{ path: "password", message: "Use at least 10 characters" }]);
    const forged = await callRoute(acceptRoute, {
      method: "POST",
      params: { token },
      body: { name: "Sneaky", password: "a good long password", role: "OWNER" },
    });
    expect(forged.status).toBe(422);
    expect(await db().user.findUnique({ where: { email } })).toBeNull();
    // The invitation is still usable afterwards, with the role it was created with.
    await acceptInvitation(token, { newAccount: { name: "Honest", password: "a good long password" } });
    const user = await db().user.findUniqueOrThrow({ where: { email } });
    expect((await db().membership.findFirstOrThrow({ where: { userId: user.id } })).role).toBe("VIEWER");
  });

  it("expire after seven days", async () => {
    const team = await createWorkspaceWithTeam();
    const sent = new Date("2030-03-01T12:00:00Z");
    const { token } = await inviteMember(
      await contextOf(team, "OWNER"),
      { email: uniqueEmail(), role: "EDITOR" },
      sent,
    );
    const expired = new Date(sent.getTime() + INVITATION_TTL_MS + 1000);
    await expect(
      acceptInvitation(token, { newAccount: { name: "Late", password: "a good long password" } }, expired),
    ).rejects.toMatchObject({
      code: "not_found",
      message: "This invitation has expired. Ask for a new one.",
    });
  });

  it("stop working when revoked or replaced by a new invitation to the same address", async () => {
    const team = await createWorkspaceWithTeam();
    const ctx = await contextOf(team, "OWNER");
    const email = uniqueEmail();
    const first = await inviteMember(ctx, { email, role: "EDITOR" });
    const second = await inviteMember(ctx, { email, role: "VIEWER" });
    await expect(
      acceptInvitation(first.token, { newAccount: { name: "X", password: "a good long password" } }),
    ).rejects.toMatchObject({ code: "not_found" });
    expect((await listPendingInvitations(ctx)).map((i) => i.role)).toEqual(["VIEWER"]);
    await revokeInvitation(ctx, second.invitation.id);
    await expect(
      acceptInvitation(second.token, { newAccount: { name: "X", password: "a good long password" } }),
    ).rejects.toMatchObject({
      message: "This invitation was withdrawn. Ask for a new one.",
    });
  });

  it("refuse an unknown token with 404", async () => {
    const response = await callRoute(previewRoute, { params: { token: "x".repeat(43) } });
    expect(response.status).toBe(404);
  });

  it("let a signed-in user with the invited email join, and refuse another signed-in user", async () => {
    const team = await createWorkspaceWithTeam();
    const invitee = await createUser("Existing Person");
    const stranger = await createUser("Someone Else");
    const { token } = await inviteMember(await contextOf(team, "OWNER"), { email: invitee.email, role: "EDITOR" });
    expect((await callRoute(previewRoute, { params: { token } })).body.accountExists).toBe(true);

    const wrong = await callRoute(acceptRoute, {
      method: "POST",
      params: { token },
      cookie: await sessionCookie(stranger),
    });
    expect(wrong.status).toBe(403);
    expect(await db().membership.count({ where: { workspaceId: team.id, userId: stranger.id } })).toBe(0);

    const right = await callRoute(acceptRoute, {
      method: "POST",
      params: { token },
      cookie: await sessionCookie(invitee),
    });
    expect(right.status).toBe(200);
    expect((await contextOf({ ...team, members: { ...team.members, EDITOR: invitee } }, "EDITOR")).role).toBe("EDITOR");
  });

  it("refuse to create a second account for an email that has one (409), and create nothing", async () => {
    const team = await createWorkspaceWithTeam();
    const existing = await createUser("Already Here");
    const { token } = await inviteMember(await contextOf(team, "OWNER"), { email: existing.email, role: "EDITOR" });
    const response = await callRoute(acceptRoute, {
      method: "POST",
      params: { token },
      body: { name: "Impostor", password: "a good long password" },
    });
    expect(response.status).toBe(409);
    expect(response.body.error.message).toBe(
      `An account for ${existing.email} exists already. Sign in to accept the invitation.`,
    );
    expect(await db().user.count({ where: { email: existing.email } })).toBe(1);
    expect(await db().membership.count({ where: { workspaceId: team.id, userId: existing.id } })).toBe(0);
    // The failed attempt did not use up the invitation.
    expect((await callRoute(previewRoute, { params: { token } })).status).toBe(200);
  });

  it("refuse to invite someone who is already a member", async () => {
    const team = await createWorkspaceWithTeam();
    await expect(
      inviteMember(await contextOf(team, "OWNER"), { email: team.members.EDITOR.email, role: "ADMIN" }),
    ).rejects.toMatchObject({
      code: "validation",
      fields: [{ path: "email", message: `${team.members.EDITOR.email} is already a member of this workspace` }],
    });
  });
});
