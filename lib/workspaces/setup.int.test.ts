import { describe, expect, it } from "vitest";
import { POST as setupRoute } from "@/app/api/setup/route";
import { db } from "../db/client";
import { callRoute } from "../testing/call-route";
import { setUpFreshDatabase } from "../testing/fresh-database";
import { createOwnerAccount, isSetUp } from "./setup";

// First run needs a database without any user, so this file has one of its own.
setUpFreshDatabase();

async function counts() {
  const [users, workspaces, memberships, audit] = await Promise.all([
    db().user.count(),
    db().workspace.count(),
    db().membership.count(),
    db().auditLog.count(),
  ]);
  return { users, workspaces, memberships, audit };
}
const NOTHING = { users: 0, workspaces: 0, memberships: 0, audit: 0 };
const valid = {
  name: "Ada Lovelace",
  email: "Ada@Example.com",
  password: "correct horse battery",
  workspaceName: "Acme Marketing",
};

describe("first run: creating the owner account", () => {
  it.each([
    [
      "an invalid email",
      { ...valid, email: "ada-at-example" },
      "email",
      "Enter a valid email address, like name@example.com",
    ],
    [
      "a weak password",
      { ...valid, password: "password12" },
      "password",
      "This password is too common; choose another",
    ],
    ["a short password", { ...valid, password: "short" }, "password", "Use at least 10 characters"],
    ["a missing name", { ...valid, name: "  " }, "name", "Enter your name"],
    ["a missing workspace name", { ...valid, workspaceName: undefined }, "workspaceName", "Enter a workspace name"],
  ])("rejects %s with 422 naming the field, and stores nothing", async (_case, body, path, message) => {
    const response = await callRoute(setupRoute, { method: "POST", body });
    expect(response.status).toBe(422);
    expect(response.body.error.fields).toContainEqual({ path, message });
    expect(await counts()).toEqual(NOTHING);
  });

  it("rejects a role smuggled into the body", async () => {
    const response = await callRoute(setupRoute, { method: "POST", body: { ...valid, role: "VIEWER" } });
    expect(response.status).toBe(422);
    expect(await counts()).toEqual(NOTHING);
  });

  it("rejects malformed JSON with 400", async () => {
    const response = await callRoute(setupRoute, {
      method: "POST",
      rawBody: '{"name": "Ada",',
      headers: { "content-type": "application/json" },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("invalid_json");
    expect(await counts()).toEqual(NOTHING);
  });

  it("creates the owner, the workspace, the membership and an audit entry", async () => {
    expect(await isSetUp()).toBe(false);
    const response = await callRoute(setupRoute, { method: "POST", body: valid });
    expect(response.status).toBe(200);
    expect(response.body.workspaceSlug).toMatch(/^acme-marketing-[0-9a-f]{6}$/);
    const user = await db().user.findUniqueOrThrow({ where: { email: "ada@example.com" } });
    expect(user.passwordHash).toMatch(/^scrypt\$/);
    const membership = await db().membership.findFirstOrThrow({
      where: { userId: user.id },
      include: { workspace: true },
    });
    expect(membership.role).toBe("OWNER");
    expect(membership.workspace.name).toBe("Acme Marketing");
    const audit = await db().auditLog.findFirstOrThrow({ where: { workspaceId: membership.workspaceId } });
    expect(audit).toMatchObject({ action: "workspace.created", actorUserId: user.id, actorLabel: "ada@example.com" });
    expect(await isSetUp()).toBe(true);
  });

  it("refuses a second owner account once set up (409) and changes nothing", async () => {
    const before = await counts();
    const response = await callRoute(setupRoute, { method: "POST", body: { ...valid, email: "mallory@example.com" } });
    expect(response.status).toBe(409);
    expect(response.body.error.message).toMatch(/already set up/);
    expect(await counts()).toEqual(before);
    expect(await db().user.findUnique({ where: { email: "mallory@example.com" } })).toBeNull();
  });
});

describe("first run under concurrency", () => {
  setUpFreshDatabase();

  it("lets exactly one of several simultaneous setups win", async () => {
    const attempts = await Promise.allSettled(
      [1, 2, 3].map((i) =>
        createOwnerAccount({ ...valid, email: `owner${i}@example.com`, workspaceName: `Workspace ${i}` }),
      ),
    );
    expect(attempts.filter((a) => a.status === "fulfilled")).toHaveLength(1);
    expect(
      attempts.filter((a) => a.status === "rejected").map((a) => (a as PromiseRejectedResult).reason.code),
    ).toEqual(["conflict", "conflict"]);
    expect(await counts()).toMatchObject({ users: 1, workspaces: 1, memberships: 1 });
  });
});
