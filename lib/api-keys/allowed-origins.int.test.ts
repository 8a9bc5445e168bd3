import { describe, expect, it } from "vitest";
import { GET as listRoute, POST as createRoute } from "@/app/api/workspaces/[slug]/api-keys/route";
import { PATCH as updateRoute } from "@/app/api/workspaces/[slug]/api-keys/[keyId]/route";
import { db } from "../db/client";
import { callRoute } from "../testing/call-route";
import { createWorkspaceWithTeam, sessionCookie } from "../testing/factories";
import { normalizeOrigin } from "./api-keys";

describe("an API key's allowed browser origins", () => {
  it("accept scheme://host[:port] only, stored as the browser sends the Origin header", () => {
    expect(normalizeOrigin("https://shop.example")).toBe("https://shop.example");
    expect(normalizeOrigin("HTTPS://Shop.Example:443/")).toBe("https://shop.example");
    expect(normalizeOrigin("http://127.0.0.1:8080")).toBe("http://127.0.0.1:8080");
    for (const bad of [
      "shop.example",
      "https://shop.example/path",
      "https://shop.example?x=1",
      "https://shop.example#top",
      "https://user@shop.example",
      "ftp://shop.example",
      "javascript:alert(1)",
      "*",
      "https://",
      "null",
    ]) {
      expect(normalizeOrigin(bad), bad).toBeNull();
    }
  });

  it("are set by admins when creating and editing a key (audited); a bad one is refused with 422 naming allowedOrigins.<i>, nothing changed", async () => {
    const team = await createWorkspaceWithTeam();
    const slug = team.slug;
    const admin = await sessionCookie(team.members.ADMIN);
    const created = await callRoute(createRoute, {
      method: "POST",
      path: `/api/workspaces/${slug}/api-keys`,
      params: { slug },
      cookie: admin,
      body: { name: "Website", scope: "WRITE", allowedOrigins: ["HTTPS://Shop.Example/", "https://shop.example"] },
    });
    expect(created.status).toBe(201);
    expect(created.body.apiKey.allowedOrigins).toEqual(["https://shop.example"]);
    const keyId = created.body.apiKey.id as string;
    const patch = (cookie: string, body: unknown) =>
      callRoute(updateRoute, {
        method: "PATCH",
        path: `/api/workspaces/${slug}/api-keys/${keyId}`,
        params: { slug, keyId },
        cookie,
        body,
      });

    const bad = await patch(admin, { allowedOrigins: ["https://ok.example", "https://shop.example/checkout", "nope"] });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path)).toEqual([
      "allowedOrigins.1",
      "allowedOrigins.2",
    ]);
    expect((await db().apiKey.findUniqueOrThrow({ where: { id: keyId } })).allowedOrigins).toEqual([
      "https://shop.example",
    ]);

    const badCreate = await callRoute(createRoute, {
      method: "POST",
      path: `/api/workspaces/${slug}/api-keys`,
      params: { slug },
      cookie: admin,
      body: { name: "X", scope: "WRITE", allowedOrigins: ["*"] },
    });
    expect(badCreate.status).toBe(422);
    expect(badCreate.body.error.fields[0].path).toBe("allowedOrigins.0");

    // another workspace's admin cannot reach the key
    const other = await createWorkspaceWithTeam();
    const foreign = await callRoute(updateRoute, {
      method: "PATCH",
      path: `/api/workspaces/${other.slug}/api-keys/${keyId}`,
      params: { slug: other.slug, keyId },
      cookie: await sessionCookie(other.members.ADMIN),
      body: { allowedOrigins: ["https://evil.example"] },
    });
    expect(foreign.status).toBe(404);
    // editors cannot manage keys
    expect(
      (await patch(await sessionCookie(team.members.EDITOR), { allowedOrigins: ["https://evil.example"] })).status,
    ).toBe(403);

    const saved = await patch(admin, { allowedOrigins: ["https://shop.example", "http://localhost:5173"] });
    expect(saved.status).toBe(200);
    expect(saved.body.apiKey.allowedOrigins).toEqual(["https://shop.example", "http://localhost:5173"]);
    const listed = await callRoute(listRoute, {
      path: `/api/workspaces/${slug}/api-keys`,
      params: { slug },
      cookie: admin,
    });
    expect(listed.body.apiKeys[0].allowedOrigins).toEqual(["https://shop.example", "http://localhost:5173"]);
    const audit = await db().auditLog.findMany({ where: { workspaceId: team.id, action: "api_key.origins_updated" } });
    expect(audit).toHaveLength(1);
    expect(audit[0].summary).toContain("http://localhost:5173");
  });
});
