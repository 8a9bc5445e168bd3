/**
 * The dashboard endpoints at the HTTP boundary: session routes (every role may read, viewers included) and
 * the public API (full keys only), query validation with field paths, and workspace isolation.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { GET as v1JourneyAnalytics } from "@/app/api/v1/journeys/[id]/analytics/route";
import { GET as v1Overview } from "@/app/api/v1/dashboards/overview/route";
import { GET as journeyAnalytics } from "@/app/api/workspaces/[slug]/journeys/[id]/analytics/route";
import { rollupWorkspace } from "@/lib/analytics/rollups";
import { createApiKey, workspaceContextForApiKey } from "@/lib/api-keys/api-keys";
import { callRoute } from "@/lib/testing/call-route";
import { EngineDriver, publishGraph } from "@/lib/testing/engine-driver";
import { contextOf, createWorkspaceWithTeam, sessionCookie, type TestWorkspace } from "@/lib/testing/factories";
import { ingestFixture, type IngestFixture } from "@/lib/testing/ingest-helpers";
import { GET as overview } from "./route";

const today = new Date().toISOString().slice(0, 10);

let fixture: IngestFixture;
let team: TestWorkspace;
let journeyId: string;

beforeAll(async () => {
  fixture = await ingestFixture("FULL");
  team = fixture.team;
  const ctx = await workspaceContextForApiKey(fixture.key);
  ({ journeyId } = await publishGraph(ctx, {
    nodes: [
      {
        id: "trigger",
        type: "trigger.event",
        position: { x: 0, y: 0 },
        label: "Signed up",
        config: { eventName: "signed_up", filters: [] },
      },
      { id: "done", type: "exit", position: { x: 0, y: 100 }, config: {} },
    ],
    edges: [{ id: "e1", source: "trigger", target: "done" }],
  }));
  const driver = new EngineDriver(ctx, new Date());
  await driver.track("ada", "signed_up");
  await driver.track("bob", "signed_up");
  await rollupWorkspace(team.id, driver.now);
});

describe("GET /api/workspaces/<slug>/dashboards/overview and …/journeys/<id>/analytics", () => {
  it.each(["VIEWER", "EDITOR", "ADMIN", "OWNER"] as const)("%s can read both", async (role) => {
    const cookie = await sessionCookie(team.members[role]);
    const o = await callRoute(overview, {
      cookie,
      params: { slug: team.slug },
      path: `/api/workspaces/${team.slug}/dashboards/overview`,
    });
    expect(o.status, JSON.stringify(o.body)).toBe(200);
    expect(o.body.totals).toMatchObject({ entered: 2 });
    expect(o.body.range).toMatchObject({ to: today, days: 30 });
    const j = await callRoute(journeyAnalytics, {
      cookie,
      params: { slug: team.slug, id: journeyId },
      path: `/api/workspaces/${team.slug}/journeys/${journeyId}/analytics?from=${today}&to=${today}`,
    });
    expect(j.status, JSON.stringify(j.body)).toBe(200);
    expect(j.body.range).toEqual({ from: today, to: today, days: 1 });
    expect(j.body.funnel.map((s: { nodeId: string; entered: number }) => [s.nodeId, s.entered])).toEqual([
      ["trigger", 2],
      ["done", 2],
    ]);
  });

  it("answers 422 naming the field for a bad range", async () => {
    const cookie = await sessionCookie(team.members.VIEWER);
    const call = (query: string) =>
      callRoute(overview, {
        cookie,
        params: { slug: team.slug },
        path: `/api/workspaces/${team.slug}/dashboards/overview?${query}`,
      });
    const cases: [string, string, RegExp][] = [
      ["from=2026-03-10&to=2026-03-01", "from", /on or before "to" \(2026-03-01\)/],
      ["from=2025-01-01&to=2026-01-02", "to", /covers 367 days; at most 366/],
      ["from=2026-02-30", "from", /YYYY-MM-DD/],
      ["to=yesterday", "to", /YYYY-MM-DD/],
    ];
    for (const [query, path, message] of cases) {
      const response = await call(query);
      expect(response.status, query).toBe(422);
      expect(response.body.error.code).toBe("validation");
      expect(response.body.error.fields).toEqual([{ path, message: expect.stringMatching(message) }]);
    }
    expect((await call("from=2025-01-02&to=2026-01-02")).status).toBe(200); // exactly 366 days
  });

  it("answers 401 without a session and 404 for another workspace or an unknown journey", async () => {
    expect((await callRoute(overview, { params: { slug: team.slug } })).status).toBe(401);
    const outsider = await createWorkspaceWithTeam("Outsiders");
    const cookie = await sessionCookie(outsider.members.OWNER);
    expect((await callRoute(overview, { cookie, params: { slug: team.slug } })).status).toBe(404);
    const own = await sessionCookie(team.members.OWNER);
    expect(
      (await callRoute(journeyAnalytics, { cookie: own, params: { slug: team.slug, id: "not-a-uuid" } })).status,
    ).toBe(404);
    const theirs = await callRoute(journeyAnalytics, { cookie, params: { slug: outsider.slug, id: journeyId } });
    expect(theirs.status).toBe(404);
  });
});

describe("GET /api/v1/dashboards/overview and /api/v1/journeys/<id>/analytics", () => {
  it("answers a full key, and refuses a write key with 403", async () => {
    const o = await callRoute(v1Overview, {
      headers: fixture.bearer,
      path: "/api/v1/dashboards/overview?from=" + today,
    });
    expect(o.status, JSON.stringify(o.body)).toBe(200);
    expect(o.body).toMatchObject({ range: { from: today, to: today, days: 1 }, totals: { entered: 2, activeNow: 0 } });
    const j = await callRoute(v1JourneyAnalytics, {
      headers: fixture.bearer,
      params: { id: journeyId },
      path: `/api/v1/journeys/${journeyId}/analytics`,
    });
    expect(j.status).toBe(200);
    expect(j.body).toMatchObject({
      journey: { id: journeyId, version: 1, status: "LIVE" },
      totals: { entered: 2, completed: 2 },
    });

    const { secret } = await createApiKey(await contextOf(team, "OWNER"), { name: "Website", scope: "WRITE" });
    const refused = await callRoute(v1Overview, { headers: { authorization: `Bearer ${secret}` } });
    expect(refused.status).toBe(403);
    const bad = await callRoute(v1JourneyAnalytics, {
      headers: fixture.bearer,
      params: { id: journeyId },
      path: `/api/v1/journeys/${journeyId}/analytics?from=2026-05-01&to=2026-04-01`,
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields[0].path).toBe("from");
  });
});
