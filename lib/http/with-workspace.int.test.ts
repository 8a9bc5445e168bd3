/**
 * One handler, two URLs (lib/http/handler.ts withWorkspace): the same route answers a member's session at
 * /api/workspaces/<slug>/... and an API key at /api/v1/... (and at its own workspace's URL), and neither can reach
 * another workspace. Each case would fail if the check it names were removed from the wrapper.
 */
import { describe, expect, it } from "vitest";
import { GET as v1Journeys, POST as v1CreateJourney } from "@/app/api/v1/journeys/route";
import { GET as v1Members } from "@/app/api/v1/segments/[id]/members/route";
import { GET as v1Segment } from "@/app/api/v1/segments/[id]/route";
import { GET as v1Segments, POST as v1CreateSegment } from "@/app/api/v1/segments/route";
import { GET as v1Templates } from "@/app/api/v1/templates/route";
import { GET as wsJourneys, POST as wsCreateJourney } from "@/app/api/workspaces/[slug]/journeys/route";
import { GET as wsSegments, POST as wsCreateSegment } from "@/app/api/workspaces/[slug]/segments/route";
import { db } from "@/lib/db/client";
import { callRoute } from "@/lib/testing/call-route";
import { createWorkspaceWithTeam, sessionCookie } from "@/lib/testing/factories";
import { ingestFixture } from "@/lib/testing/ingest-helpers";

const pairs = [
  {
    name: "segments",
    v1: { GET: v1Segments, POST: v1CreateSegment },
    ws: { GET: wsSegments, POST: wsCreateSegment },
    extra: { kind: "manual" },
  },
  {
    name: "journeys",
    v1: { GET: v1Journeys, POST: v1CreateJourney },
    ws: { GET: wsJourneys, POST: wsCreateJourney },
    extra: {},
  },
] as const;

describe.each(pairs)("the $name routes", ({ name, v1, ws, extra }) => {
  it("are one implementation served at both URLs", () => {
    expect(ws.GET).toBe(v1.GET);
    expect(ws.POST).toBe(v1.POST);
  });

  it("answer a member's session at the workspace URL and an API key at /api/v1, recording who acted", async () => {
    const { team, bearer } = await ingestFixture("FULL");
    const cookie = await sessionCookie(team.members.EDITOR);
    const bySession = await callRoute(ws.POST, {
      method: "POST",
      params: { slug: team.slug },
      cookie,
      body: { name: `${name} by session`, ...extra },
    });
    expect(bySession.status).toBe(201);
    const byKey = await callRoute(v1.POST, {
      method: "POST",
      headers: bearer,
      body: { name: `${name} by key`, ...extra },
    });
    expect(byKey.status).toBe(201);
    const actors = await db().auditLog.findMany({
      where: { workspaceId: team.id, action: { endsWith: ".created" }, targetType: { not: "api_key" } },
      select: { actorUserId: true, actorApiKeyId: true },
      orderBy: { createdAt: "asc" },
    });
    expect(actors).toEqual([
      { actorUserId: team.members.EDITOR.id, actorApiKeyId: null },
      { actorUserId: null, actorApiKeyId: expect.any(String) },
    ]);
    expect((await callRoute(ws.GET, { params: { slug: team.slug }, cookie })).body[name]).toHaveLength(2);
    expect((await callRoute(v1.GET, { headers: bearer })).body[name]).toHaveLength(2);
  });

  it("take a key at its own workspace's URL but 404 at another's, as for a non-member", async () => {
    const { team, bearer } = await ingestFixture("FULL");
    const other = await createWorkspaceWithTeam("Other");
    expect((await callRoute(ws.GET, { params: { slug: team.slug }, headers: bearer })).status).toBe(200);
    const elsewhere = await callRoute(ws.GET, { params: { slug: other.slug }, headers: bearer });
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.error.message).toBe("No such workspace, or you are not a member of it.");
    const write = await callRoute(ws.POST, {
      method: "POST",
      params: { slug: other.slug },
      headers: bearer,
      body: { name: "planted", ...extra },
    });
    expect(write.status).toBe(404);
    expect(await db().auditLog.count({ where: { workspaceId: other.id } })).toBe(0);
  });

  it("keep a session to its own workspaces: 404 for another's slug, 401 at /api/v1 without a key", async () => {
    const team = await createWorkspaceWithTeam();
    const outsider = await sessionCookie((await createWorkspaceWithTeam("Outsiders")).members.OWNER);
    expect((await callRoute(ws.GET, { params: { slug: team.slug }, cookie: outsider })).status).toBe(404);
    const own = await sessionCookie(team.members.OWNER);
    const v1BySession = await callRoute(v1.GET, { cookie: own });
    expect(v1BySession.status).toBe(401);
    expect(v1BySession.body.error.message).toMatch(/Missing API key/);
  });

  it("check a role for a session and a scope for a key, with the same permission", async () => {
    const { team, bearer } = await ingestFixture("WRITE");
    const viewer = await sessionCookie(team.members.VIEWER);
    const asViewer = { method: "POST", params: { slug: team.slug }, cookie: viewer, body: { name: "no", ...extra } };
    expect((await callRoute(ws.POST, asViewer)).status).toBe(403);
    expect((await callRoute(ws.GET, { params: { slug: team.slug }, cookie: viewer })).status).toBe(200);
    const writeKey = await callRoute(ws.GET, { params: { slug: team.slug }, headers: bearer });
    expect(writeKey.status).toBe(403);
    expect(writeKey.body.error.message).toMatch(/write scope/);
    expect((await callRoute(v1.GET, { headers: bearer })).status).toBe(403);
  });

  it("refuse a cross-site write made with the cookie, not one made with a key", async () => {
    const { team, bearer } = await ingestFixture("FULL");
    const cookie = await sessionCookie(team.members.EDITOR);
    const crossSite = { origin: "https://evil.example" };
    const withCookie = await callRoute(ws.POST, {
      method: "POST",
      params: { slug: team.slug },
      cookie,
      headers: crossSite,
      body: { name: "forged", ...extra },
    });
    expect(withCookie.status).toBe(403);
    const withKey = await callRoute(ws.POST, {
      method: "POST",
      params: { slug: team.slug },
      headers: { ...crossSite, ...bearer },
      body: { name: "integration", ...extra },
    });
    expect(withKey.status).toBe(201);
  });

  it("use the session, not a reverse proxy's Basic credentials, when Authorization holds no Cairn key", async () => {
    const team = await createWorkspaceWithTeam();
    const cookie = await sessionCookie(team.members.VIEWER);
    const proxy = { authorization: `Basic ${Buffer.from("ops:secret").toString("base64")}` };
    expect((await callRoute(ws.GET, { params: { slug: team.slug }, cookie, headers: proxy })).status).toBe(200);
    expect((await callRoute(v1.GET, { headers: proxy })).status).toBe(401);
  });
});

describe("query strings", () => {
  it("are parsed by the route's schema: 422 naming the parameter for a wrong type, range or enum value", async () => {
    const { team, bearer } = await ingestFixture("FULL");
    const cookie = await sessionCookie(team.members.VIEWER);
    const journeys = await callRoute(wsJourneys, { path: "/?status=SOMEDAY", params: { slug: team.slug }, cookie });
    expect(journeys.status).toBe(422);
    expect(journeys.body.error).toMatchObject({
      code: "validation",
      fields: [{ path: "status", message: "must be one of DRAFT, LIVE, PAUSED, ARCHIVED" }],
    });
    const templates = await callRoute(v1Templates, { path: "/?channel=pigeon", headers: bearer });
    expect(templates.status).toBe(422);
    expect(templates.body.error.fields.map((f: { path: string }) => f.path)).toEqual(["channel"]);

    const created = await callRoute(v1CreateSegment, {
      method: "POST",
      headers: bearer,
      body: { name: "VIPs", kind: "manual" },
    });
    const params = { slug: team.slug, id: created.body.id };
    const cases: [string, typeof v1Segment | typeof v1Members, string, string][] = [
      ["days=0", v1Segment, "days", "must be at least 1"],
      ["days=366", v1Segment, "days", "must be at most 365"],
      ["days=soon", v1Segment, "days", "must be a number"],
      ["limit=abc", v1Members, "limit", "must be a number"],
      ["limit=1.5", v1Members, "limit", "must be a whole number"],
    ];
    for (const [query, handler, path, message] of cases) {
      const bad = await callRoute(handler, { path: `/?${query}`, params, cookie });
      expect(bad.status, query).toBe(422);
      expect(bad.body.error.fields, query).toEqual([{ path, message }]);
    }
    expect((await callRoute(v1Segment, { path: "/?days=7", params, cookie })).status).toBe(200);
    expect((await callRoute(v1Segments, { path: "/?archived=true&q=x&_=1", headers: bearer })).status).toBe(200);
  });
});
