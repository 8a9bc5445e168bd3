import { describe, expect, it } from "vitest";
import { POST as createWorkspaceRoute } from "@/app/api/workspaces/route";
import { db } from "../db/client";
import { callRoute } from "../testing/call-route";
import { contextOf, createUser, createWorkspaceWithTeam, sessionCookie } from "../testing/factories";
import { listWorkspacesOf, renameWorkspace } from "./workspaces";

describe("workspaces", () => {
  it("can be created by any signed-in user, who becomes the owner", async () => {
    const user = await createUser();
    const response = await callRoute(createWorkspaceRoute, {
      method: "POST",
      cookie: await sessionCookie(user),
      body: { name: "Acme EU" },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      name: "Acme EU",
      role: "OWNER",
      slug: expect.stringMatching(/^acme-eu-[0-9a-f]{6}$/),
    });
    expect((await listWorkspacesOf(user.id)).map((w) => w.name)).toEqual(["Acme EU"]);
  });

  it("need a signed-in user (401) and a valid name (422), and store nothing otherwise", async () => {
    const user = await createUser();
    const before = await db().workspace.count();
    expect((await callRoute(createWorkspaceRoute, { method: "POST", body: { name: "Anonymous" } })).status).toBe(401);
    const invalid = await callRoute(createWorkspaceRoute, {
      method: "POST",
      cookie: await sessionCookie(user),
      body: { name: "x" },
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.fields).toEqual([
      { path: "name", message: "A workspace name has at least 2 characters" },
    ]);
    expect(await db().workspace.count()).toBe(before);
    expect(await listWorkspacesOf(user.id)).toEqual([]);
  });

  it("can be renamed by admins; the address stays the same", async () => {
    const team = await createWorkspaceWithTeam("Before");
    const renamed = await renameWorkspace(await contextOf(team, "ADMIN"), { name: "After" });
    expect(renamed).toEqual({ id: team.id, slug: team.slug, name: "After" });
    await expect(renameWorkspace(await contextOf(team, "EDITOR"), { name: "Editor's" })).rejects.toMatchObject({
      code: "forbidden",
    });
  });
});
