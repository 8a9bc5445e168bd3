import { describe, expect, it } from "vitest";
import { createApiKey, revokeApiKey } from "../api-keys/api-keys";
import { db } from "../db/client";
import { contextOf, createWorkspaceWithTeam, uniqueEmail } from "../testing/factories";
import { changeMemberRole } from "../workspaces/members";
import { inviteMember } from "../workspaces/invitations";
import { renameWorkspace } from "../workspaces/workspaces";
import { listAuditLog } from "./audit-log";

describe("the audit log", () => {
  it("records who changed what, newest first, with a readable summary", async () => {
    const team = await createWorkspaceWithTeam("Audited");
    const owner = await contextOf(team, "OWNER");
    const admin = await contextOf(team, "ADMIN");
    const email = uniqueEmail("invitee");
    await inviteMember(admin, { email, role: "VIEWER" });
    const editor = await db().membership.findFirstOrThrow({
      where: { workspaceId: team.id, userId: team.members.EDITOR.id },
    });
    await changeMemberRole(owner, editor.id, { role: "VIEWER" });
    const { apiKey } = await createApiKey(owner, { name: "CI", scope: "FULL" });
    await revokeApiKey(admin, apiKey.id);
    await renameWorkspace(owner, { name: "Audited Inc" });

    const { entries } = await listAuditLog(owner);
    expect(entries.map((e) => [e.action, e.actorLabel])).toEqual([
      ["workspace.renamed", team.members.OWNER.email],
      ["api_key.revoked", team.members.ADMIN.email],
      ["api_key.created", team.members.OWNER.email],
      ["member.role_changed", team.members.OWNER.email],
      ["member.invited", team.members.ADMIN.email],
    ]);
    expect(entries[4].summary).toBe(`Invited ${email} as Viewer`);
    expect(entries[0].summary).toBe('Renamed the workspace from "Audited" to "Audited Inc"');
  });

  it("pages backwards with a cursor", async () => {
    const team = await createWorkspaceWithTeam();
    const owner = await contextOf(team, "OWNER");
    for (let i = 0; i < 5; i++) await createApiKey(owner, { name: `key ${i}`, scope: "WRITE" });
    const first = await listAuditLog(owner, { limit: 2 });
    const second = await listAuditLog(owner, { limit: 2, before: first.nextBefore! });
    const third = await listAuditLog(owner, { limit: 2, before: second.nextBefore! });
    const ids = [...first.entries, ...second.entries, ...third.entries].map((e) => e.id);
    expect(new Set(ids).size).toBe(5);
    expect(third.nextBefore).toBeNull();
  });

  it("is for admins and owners only", async () => {
    const team = await createWorkspaceWithTeam();
    await expect(listAuditLog(await contextOf(team, "EDITOR"))).rejects.toMatchObject({ code: "forbidden" });
    await expect(listAuditLog(await contextOf(team, "VIEWER"))).rejects.toMatchObject({ code: "forbidden" });
  });

  it("rejects a malformed cursor with 422", async () => {
    const team = await createWorkspaceWithTeam();
    await expect(listAuditLog(await contextOf(team, "OWNER"), { before: "'; DROP TABLE" })).rejects.toMatchObject({
      code: "validation",
      fields: [expect.objectContaining({ path: "before" })],
    });
  });
});
