import { describe, expect, it } from "vitest";
import { workspaceContextForApiKey } from "../api-keys/api-keys";
import { sessionUserFromCookieHeader } from "../auth/session";
import { signInWithPassword } from "../auth/sign-in";
import { db } from "../db/client";
import { sessionCookie } from "../testing/factories";
import { DEMO_WORKSPACE_SLUG, seedDemoWorkspace } from "./seed";

describe("npm run seed", () => {
  const input = {
    email: "seed-admin@example.test",
    password: "seed password 123",
    apiKey: "cairn_seed_key_for_tests_0123456789abcdef",
  };

  it("creates a demo workspace whose owner can sign in and whose key works; running it again changes nothing", async () => {
    const first = await seedDemoWorkspace(input);
    const second = await seedDemoWorkspace(input);
    expect(second).toEqual(first);
    expect(first.workspace.slug).toBe(DEMO_WORKSPACE_SLUG);
    const user = await signInWithPassword({ email: input.email, password: input.password, ip: "seed-test" });
    const membership = await db().membership.findFirstOrThrow({
      where: { userId: user.id, workspace: { slug: DEMO_WORKSPACE_SLUG } },
    });
    expect(membership.role).toBe("OWNER");
    const ctx = await workspaceContextForApiKey(input.apiKey);
    expect(ctx.workspace.slug).toBe(DEMO_WORKSPACE_SLUG);
    expect(ctx.permissions.has("content:write")).toBe(true);
    expect(await db().apiKey.count({ where: { workspace: { slug: DEMO_WORKSPACE_SLUG } } })).toBe(1);
  });

  it("ends the owner's earlier sessions when it resets the password, and keeps them when it leaves the password alone", async () => {
    const email = "seed-reset@example.test";
    await seedDemoWorkspace({ ...input, email });
    const user = await db().user.findUniqueOrThrow({ where: { email }, select: { id: true, email: true, name: true } });
    const cookie = await sessionCookie(user);
    await seedDemoWorkspace({ ...input, email, password: undefined });
    expect(await sessionUserFromCookieHeader(cookie)).toEqual(user);
    await seedDemoWorkspace({ ...input, email, password: "another seed password" });
    expect(await sessionUserFromCookieHeader(cookie)).toBeNull();
    await expect(signInWithPassword({ email, password: input.password, ip: "seed-reset-test" })).rejects.toMatchObject({
      code: "unauthenticated",
    });
    expect(await signInWithPassword({ email, password: "another seed password", ip: "seed-reset-test" })).toMatchObject(
      { id: user.id },
    );
  });

  it.each([
    [{ email: "nope" }, "email"],
    [{ password: "short" }, "password"],
    [{ apiKey: "sk_live_123" }, "apiKey"],
  ])("rejects bad input %j naming the setting", async (bad, path) => {
    await expect(seedDemoWorkspace({ ...input, ...bad })).rejects.toMatchObject({
      code: "validation",
      fields: [expect.objectContaining({ path })],
    });
  });
});
