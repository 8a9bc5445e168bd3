/**
 * Roles and workspace isolation, through the real route handlers. Each case would fail if the check it
 * names were removed from lib/auth or lib/http.
 */
import { describe, expect, it } from "vitest";
import { GET as auditRoute } from "@/app/api/workspaces/[slug]/audit-log/route";
import { DELETE as revokeKeyRoute } from "@/app/api/workspaces/[slug]/api-keys/[keyId]/route";
import { GET as listKeysRoute, POST as createKeyRoute } from "@/app/api/workspaces/[slug]/api-keys/route";
import { GET as listInvitationsRoute, POST as inviteRoute } from "@/app/api/workspaces/[slug]/invitations/route";
import {
  DELETE as removeMemberRoute,
  PATCH as changeRoleRoute,
} from "@/app/api/workspaces/[slug]/members/[memberId]/route";
import { GET as membersRoute } from "@/app/api/workspaces/[slug]/members/route";
import { GET as workspaceRoute, PATCH as renameRoute } from "@/app/api/workspaces/[slug]/route";
import { createApiKey } from "@/lib/api-keys/api-keys";
import type { RoleName } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { callRoute } from "@/lib/testing/call-route";
import {
  contextOf,
  createWorkspaceWithTeam,
  sessionCookie,
  uniqueEmail,
  type TestWorkspace,
} from "@/lib/testing/factories";

async function snapshot(workspaceId: string) {
  const [memberships, invitations, apiKeys, audit, workspace] = await Promise.all([
    db().membership.findMany({ where: { workspaceId }, select: { id: true, role: true }, orderBy: { id: "asc" } }),
    db().invitation.count({ where: { workspaceId } }),
    db().apiKey.findMany({ where: { workspaceId }, select: { id: true, revokedAt: true }, orderBy: { id: "asc" } }),
    db().auditLog.count({ where: { workspaceId } }),
    db().workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { name: true } }),
  ]);
  return { memberships, invitations, apiKeys, audit, workspace };
}

async function membershipId(team: TestWorkspace, role: RoleName) {
  return (await db().membership.findFirstOrThrow({ where: { workspaceId: team.id, userId: team.members[role].id } }))
    .id;
}

describe("a viewer", () => {
  it("can read the workspace and its members", async () => {
    const team = await createWorkspaceWithTeam();
    const cookie = await sessionCookie(team.members.VIEWER);
    expect((await callRoute(workspaceRoute, { params: { slug: team.slug }, cookie })).body.role).toBe("VIEWER");
    const members = await callRoute(membersRoute, { params: { slug: team.slug }, cookie });
    expect(members.status).toBe(200);
    expect(members.body.members).toHaveLength(4);
  });

  it("gets 403 for every write, and nothing changes", async () => {
    const team = await createWorkspaceWithTeam();
    const cookie = await sessionCookie(team.members.VIEWER);
    const { apiKey } = await createApiKey(await contextOf(team, "OWNER"), { name: "Website", scope: "WRITE" });
    const before = await snapshot(team.id);
    const slug = team.slug;
    const editorMembership = await membershipId(team, "EDITOR");
    const ownMembership = await membershipId(team, "VIEWER");

    const attempts = [
      callRoute(inviteRoute, {
        method: "POST",
        params: { slug },
        cookie,
        body: { email: uniqueEmail(), role: "VIEWER" },
      }),
      callRoute(createKeyRoute, { method: "POST", params: { slug }, cookie, body: { name: "Mine", scope: "FULL" } }),
      callRoute(revokeKeyRoute, { method: "DELETE", params: { slug, keyId: apiKey.id }, cookie }),
      callRoute(changeRoleRoute, {
        method: "PATCH",
        params: { slug, memberId: editorMembership },
        cookie,
        body: { role: "VIEWER" },
      }),
      // A forged role in the body: the viewer tries to make itself owner.
      callRoute(changeRoleRoute, {
        method: "PATCH",
        params: { slug, memberId: ownMembership },
        cookie,
        body: { role: "OWNER" },
      }),
      callRoute(removeMemberRoute, { method: "DELETE", params: { slug, memberId: editorMembership }, cookie }),
      callRoute(renameRoute, { method: "PATCH", params: { slug }, cookie, body: { name: "Mine now" } }),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe("forbidden");
    }
    expect(await snapshot(team.id)).toEqual(before);
  });

  it("cannot list API keys, invitations or the audit log", async () => {
    const team = await createWorkspaceWithTeam();
    const cookie = await sessionCookie(team.members.VIEWER);
    for (const handler of [listKeysRoute, listInvitationsRoute, auditRoute]) {
      expect((await callRoute(handler, { params: { slug: team.slug }, cookie })).status).toBe(403);
    }
  });
});

describe("an editor", () => {
  it("cannot manage members or keys", async () => {
    const team = await createWorkspaceWithTeam();
    const cookie = await sessionCookie(team.members.EDITOR);
    const before = await snapshot(team.id);
    expect(
      (
        await callRoute(inviteRoute, {
          method: "POST",
          params: { slug: team.slug },
          cookie,
          body: { email: uniqueEmail(), role: "EDITOR" },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await callRoute(createKeyRoute, {
          method: "POST",
          params: { slug: team.slug },
          cookie,
          body: { name: "k", scope: "WRITE" },
        })
      ).status,
    ).toBe(403);
    expect(await snapshot(team.id)).toEqual(before);
  });
});

describe("an admin", () => {
  it("invites editors and creates keys", async () => {
    const team = await createWorkspaceWithTeam();
    const cookie = await sessionCookie(team.members.ADMIN);
    const invited = await callRoute(inviteRoute, {
      method: "POST",
      params: { slug: team.slug },
      cookie,
      body: { email: uniqueEmail(), role: "EDITOR" },
    });
    expect(invited.status).toBe(201);
    expect(invited.body.url).toMatch(/^http:\/\/localhost:3000\/invite\/[\w-]{43}$/);
    const key = await callRoute(createKeyRoute, {
      method: "POST",
      params: { slug: team.slug },
      cookie,
      body: { name: "Backend", scope: "FULL" },
    });
    expect(key.status).toBe(201);
  });

  it("cannot grant, change or remove the owner role", async () => {
    const team = await createWorkspaceWithTeam();
    const cookie = await sessionCookie(team.members.ADMIN);
    const before = await snapshot(team.id);
    const ownerMembership = await membershipId(team, "OWNER");
    const editorMembership = await membershipId(team, "EDITOR");
    const inviteOwner = await callRoute(inviteRoute, {
      method: "POST",
      params: { slug: team.slug },
      cookie,
      body: { email: uniqueEmail(), role: "OWNER" },
    });
    expect(inviteOwner.status).toBe(403);
    expect(
      (
        await callRoute(changeRoleRoute, {
          method: "PATCH",
          params: { slug: team.slug, memberId: editorMembership },
          cookie,
          body: { role: "OWNER" },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await callRoute(changeRoleRoute, {
          method: "PATCH",
          params: { slug: team.slug, memberId: ownerMembership },
          cookie,
          body: { role: "VIEWER" },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await callRoute(removeMemberRoute, {
          method: "DELETE",
          params: { slug: team.slug, memberId: ownerMembership },
          cookie,
        })
      ).status,
    ).toBe(403);
    expect(await snapshot(team.id)).toEqual(before);
  });

  it("gets 422 naming the field for an unknown role, and nothing changes", async () => {
    const team = await createWorkspaceWithTeam();
    const cookie = await sessionCookie(team.members.ADMIN);
    const before = await snapshot(team.id);
    const response = await callRoute(inviteRoute, {
      method: "POST",
      params: { slug: team.slug },
      cookie,
      body: { email: "not an email", role: "SUPERUSER" },
    });
    expect(response.status).toBe(422);
    expect(response.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(["email", "role"]);
    expect(await snapshot(team.id)).toEqual(before);
  });
});

describe("workspace isolation", () => {
  it("answers 404 for every route of a workspace the user is not a member of, and changes nothing there", async () => {
    const a = await createWorkspaceWithTeam("A");
    const b = await createWorkspaceWithTeam("B");
    const { apiKey } = await createApiKey(await contextOf(b, "OWNER"), { name: "B's key", scope: "FULL" });
    const before = await snapshot(b.id);
    const cookie = await sessionCookie(a.members.OWNER); // owner of A, stranger to B
    const slug = b.slug;
    const bMember = await membershipId(b, "EDITOR");
    const responses = await Promise.all([
      callRoute(workspaceRoute, { params: { slug }, cookie }),
      callRoute(membersRoute, { params: { slug }, cookie }),
      callRoute(listKeysRoute, { params: { slug }, cookie }),
      callRoute(auditRoute, { params: { slug }, cookie }),
      callRoute(listInvitationsRoute, { params: { slug }, cookie }),
      callRoute(inviteRoute, {
        method: "POST",
        params: { slug },
        cookie,
        body: { email: uniqueEmail(), role: "OWNER" },
      }),
      callRoute(revokeKeyRoute, { method: "DELETE", params: { slug, keyId: apiKey.id }, cookie }),
      callRoute(changeRoleRoute, {
        method: "PATCH",
        params: { slug, memberId: bMember },
        cookie,
        body: { role: "VIEWER" },
      }),
      callRoute(renameRoute, { method: "PATCH", params: { slug }, cookie, body: { name: "Taken over" } }),
    ]);
    for (const response of responses) expect(response.status).toBe(404);
    expect(await snapshot(b.id)).toEqual(before);
  });

  it("does not let ids of workspace B be used through workspace A's address", async () => {
    const a = await createWorkspaceWithTeam("A");
    const b = await createWorkspaceWithTeam("B");
    const { apiKey } = await createApiKey(await contextOf(b, "OWNER"), { name: "B's key", scope: "FULL" });
    const bMember = await membershipId(b, "EDITOR");
    const before = await snapshot(b.id);
    const cookie = await sessionCookie(a.members.OWNER);
    expect(
      (await callRoute(revokeKeyRoute, { method: "DELETE", params: { slug: a.slug, keyId: apiKey.id }, cookie }))
        .status,
    ).toBe(404);
    expect(
      (
        await callRoute(changeRoleRoute, {
          method: "PATCH",
          params: { slug: a.slug, memberId: bMember },
          cookie,
          body: { role: "VIEWER" },
        })
      ).status,
    ).toBe(404);
    expect(
      (await callRoute(removeMemberRoute, { method: "DELETE", params: { slug: a.slug, memberId: bMember }, cookie }))
        .status,
    ).toBe(404);
    expect(await snapshot(b.id)).toEqual(before);
  });

  it("refuses cookie-authenticated writes from another site's page", async () => {
    const team = await createWorkspaceWithTeam();
    const cookie = await sessionCookie(team.members.OWNER);
    const before = await snapshot(team.id);
    const response = await callRoute(renameRoute, {
      method: "PATCH",
      params: { slug: team.slug },
      cookie,
      body: { name: "Hijacked" },
      headers: { origin: "https://evil.example" },
    });
    expect(response.status).toBe(403);
    expect(await snapshot(team.id)).toEqual(before);

    const sameSite = await callRoute(renameRoute, {
      method: "PATCH",
      params: { slug: team.slug },
      cookie,
      body: { name: "Renamed here" },
      headers: { origin: "http://localhost:3000" },
    });
    expect(sameSite.status).toBe(200);
    expect(sameSite.body.name).toBe("Renamed here");
  });
});
