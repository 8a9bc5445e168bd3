import { describe, expect, it } from "vitest";
import { GET as v1WorkspaceRoute } from "@/app/api/v1/workspace/route";
import { db } from "../db/client";
import { callRoute } from "../testing/call-route";
import { contextOf, createWorkspaceWithTeam } from "../testing/factories";
import { createApiKey, listApiKeys, revokeApiKey, workspaceContextForApiKey } from "./api-keys";

const basic = (key: string) => ({ authorization: `Basic ${Buffer.from(`${key}:`).toString("base64")}` });
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe("API keys", () => {
  it("are shown once and stored only as a hash", async () => {
    const team = await createWorkspaceWithTeam();
    const { apiKey, secret } = await createApiKey(await contextOf(team, "ADMIN"), { name: "Website", scope: "WRITE" });
    expect(secret).toMatch(/^cairn_[\w-]{43}$/);
    expect(apiKey.prefix).toBe(secret.slice(0, 12));
    const stored = await db().apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    expect(stored.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect(JSON.stringify(await listApiKeys(await contextOf(team, "OWNER")))).not.toContain(secret.slice(12));
  });

  it("authenticate the public API by Basic and by Bearer, and record when they were last used", async () => {
    const team = await createWorkspaceWithTeam();
    const { apiKey, secret } = await createApiKey(await contextOf(team, "OWNER"), { name: "Backend", scope: "FULL" });
    for (const headers of [basic(secret), bearer(secret)]) {
      const response = await callRoute(v1WorkspaceRoute, { headers });
      expect(response.status).toBe(200);
      expect(response.body.workspace).toEqual({ id: team.id, slug: team.slug, name: team.name });
      expect(response.body.apiKey).toEqual({ id: apiKey.id, name: "Backend" });
    }
    expect((await db().apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).lastUsedAt).not.toBeNull();
  });

  it("touch lastUsedAt at most once a minute, and never for a revoked key", async () => {
    const team = await createWorkspaceWithTeam();
    const ctx = await contextOf(team, "OWNER");
    const { apiKey, secret } = await createApiKey(ctx, { name: "Backend", scope: "FULL" });
    const lastUsed = async () =>
      (await db().apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).lastUsedAt?.toISOString();
    const t0 = new Date("2026-03-01T10:00:00.000Z");
    await workspaceContextForApiKey(secret, t0);
    expect(await lastUsed()).toBe(t0.toISOString());
    await workspaceContextForApiKey(secret, new Date(t0.getTime() + 59_000));
    expect(await lastUsed()).toBe(t0.toISOString());
    const t1 = new Date(t0.getTime() + 60_000);
    await workspaceContextForApiKey(secret, t1);
    expect(await lastUsed()).toBe(t1.toISOString());
    await revokeApiKey(ctx, apiKey.id);
    await expect(workspaceContextForApiKey(secret, new Date(t1.getTime() + 120_000))).rejects.toThrow(
      "Invalid or revoked API key.",
    );
    expect(await lastUsed()).toBe(t1.toISOString());
  });

  it("with the write scope cannot use the management API (403)", async () => {
    const team = await createWorkspaceWithTeam();
    const { secret } = await createApiKey(await contextOf(team, "OWNER"), { name: "Website", scope: "WRITE" });
    const response = await callRoute(v1WorkspaceRoute, { headers: bearer(secret) });
    expect(response.status).toBe(403);
    expect(response.body.error.message).toMatch(/write scope/);
  });

  it.each([
    ["no key", {}],
    ["an unknown key", bearer("cairn_" + "A".repeat(43))],
    ["a key without the prefix", bearer("sk_live_whatever")],
  ])("answer 401 for %s", async (_case, headers) => {
    const response = await callRoute(v1WorkspaceRoute, { headers });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Basic realm="Cairn"');
  });

  it("stop working the moment they are revoked, and the revocation is audited", async () => {
    const team = await createWorkspaceWithTeam();
    const ctx = await contextOf(team, "OWNER");
    const { apiKey, secret } = await createApiKey(ctx, { name: "Temp", scope: "FULL" });
    expect((await callRoute(v1WorkspaceRoute, { headers: bearer(secret) })).status).toBe(200);
    const revoked = await revokeApiKey(ctx, apiKey.id);
    expect(revoked.revokedAt).not.toBeNull();
    const response = await callRoute(v1WorkspaceRoute, { headers: bearer(secret) });
    expect(response.status).toBe(401);
    expect(response.body.error.message).toBe("Invalid or revoked API key.");
    const actions = (
      await db().auditLog.findMany({ where: { workspaceId: team.id }, orderBy: { createdAt: "asc" } })
    ).map((e) => e.action);
    expect(actions).toEqual(["api_key.created", "api_key.revoked"]);
  });

  it("belong to one workspace: a key of A only ever acts in A", async () => {
    const a = await createWorkspaceWithTeam("A");
    const b = await createWorkspaceWithTeam("B");
    const { secret } = await createApiKey(await contextOf(a, "OWNER"), { name: "A key", scope: "FULL" });
    const ctx = await workspaceContextForApiKey(secret);
    expect(ctx.workspace.id).toBe(a.id);
    expect(ctx.workspace.id).not.toBe(b.id);
    await expect(
      revokeApiKey(
        await contextOf(b, "OWNER"),
        (await db().apiKey.findFirstOrThrow({ where: { workspaceId: a.id } })).id,
      ),
    ).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it.each([
    [{ name: "", scope: "WRITE" }, "name"],
    [{ name: "x".repeat(81), scope: "WRITE" }, "name"],
    [{ name: "Website", scope: "ADMIN" }, "scope"],
    [{ name: "Website" }, "scope"],
  ])("reject invalid input %j naming the field, and create nothing", async (input, path) => {
    const team = await createWorkspaceWithTeam();
    await expect(createApiKey(await contextOf(team, "OWNER"), input as never)).rejects.toMatchObject({
      code: "validation",
      fields: [expect.objectContaining({ path })],
    });
    expect(await db().apiKey.count({ where: { workspaceId: team.id } })).toBe(0);
  });
});
