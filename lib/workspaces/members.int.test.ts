import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { contextOf, createWorkspaceWithTeam, type TestWorkspace } from "../testing/factories";
import { changeMemberRole, listMembers, removeMember } from "./members";

async function membershipOf(team: TestWorkspace, role: keyof TestWorkspace["members"]) {
  return db().membership.findFirstOrThrow({ where: { workspaceId: team.id, userId: team.members[role].id } });
}

describe("members", () => {
  it("lists members with their roles, oldest first", async () => {
    const team = await createWorkspaceWithTeam();
    const members = await listMembers(await contextOf(team, "VIEWER"));
    expect(members.map((m) => m.role)).toEqual(["OWNER", "ADMIN", "EDITOR", "VIEWER"]);
  });

  it("lets an owner change roles and records it in the audit log", async () => {
    const team = await createWorkspaceWithTeam();
    const editor = await membershipOf(team, "EDITOR");
    const updated = await changeMemberRole(await contextOf(team, "OWNER"), editor.id, { role: "ADMIN" });
    expect(updated.role).toBe("ADMIN");
    const entry = await db().auditLog.findFirstOrThrow({
      where: { workspaceId: team.id, action: "member.role_changed" },
    });
    expect(entry).toMatchObject({ actorUserId: team.members.OWNER.id, targetId: team.members.EDITOR.id });
    expect(entry.summary).toBe(`Changed ${team.members.EDITOR.email} from Editor to Admin`);
  });

  it("never leaves a workspace without an owner", async () => {
    const team = await createWorkspaceWithTeam();
    const owner = await membershipOf(team, "OWNER");
    const ctx = await contextOf(team, "OWNER");
    await expect(changeMemberRole(ctx, owner.id, { role: "ADMIN" })).rejects.toMatchObject({ code: "conflict" });
    await expect(removeMember(ctx, owner.id)).rejects.toMatchObject({ code: "conflict" });
    expect((await membershipOf(team, "OWNER")).role).toBe("OWNER");
  });

  it("lets an owner step down once another owner exists", async () => {
    const team = await createWorkspaceWithTeam();
    const ctx = await contextOf(team, "OWNER");
    await changeMemberRole(ctx, (await membershipOf(team, "ADMIN")).id, { role: "OWNER" });
    await changeMemberRole(ctx, (await membershipOf(team, "OWNER")).id, { role: "EDITOR" });
    expect((await membershipOf(team, "OWNER")).role).toBe("EDITOR");
  });

  it("removes a member, who then loses access at once", async () => {
    const team = await createWorkspaceWithTeam();
    await removeMember(await contextOf(team, "ADMIN"), (await membershipOf(team, "EDITOR")).id);
    await expect(contextOf(team, "EDITOR")).rejects.toMatchObject({ code: "not_found" });
    expect(await db().auditLog.count({ where: { workspaceId: team.id, action: "member.removed" } })).toBe(1);
  });

  it("answers 404 for a malformed member id", async () => {
    const team = await createWorkspaceWithTeam();
    await expect(removeMember(await contextOf(team, "OWNER"), "../../etc")).rejects.toMatchObject({
      code: "not_found",
    });
  });
});
