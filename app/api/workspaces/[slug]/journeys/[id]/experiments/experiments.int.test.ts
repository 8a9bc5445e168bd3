/**
 * The experiment routes at the HTTP boundary: who may read and change them, validation with field paths,
 * other workspaces, and the public API with full and write keys.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { POST as v1EvaluateRoute } from "@/app/api/v1/journeys/[id]/experiments/[nodeId]/evaluate/route";
import {
  GET as v1ExperimentRoute,
  PUT as v1PutExperimentRoute,
} from "@/app/api/v1/journeys/[id]/experiments/[nodeId]/route";
import { GET as v1ListRoute } from "@/app/api/v1/journeys/[id]/experiments/route";
import { POST as evaluateRoute } from "@/app/api/workspaces/[slug]/journeys/[id]/experiments/[nodeId]/evaluate/route";
import {
  GET as experimentRoute,
  PUT as putExperimentRoute,
} from "@/app/api/workspaces/[slug]/journeys/[id]/experiments/[nodeId]/route";
import { GET as listRoute } from "@/app/api/workspaces/[slug]/journeys/[id]/experiments/route";
import { createApiKey } from "@/lib/api-keys/api-keys";
import { callRoute } from "@/lib/testing/call-route";
import { publishGraph } from "@/lib/testing/engine-driver";
import { seedAssignments, splitGraph, stableUuid } from "@/lib/testing/experiment-fixtures";
import { contextOf, createWorkspaceWithTeam, sessionCookie, type TestWorkspace } from "@/lib/testing/factories";

const T0 = new Date(Date.now() - 2 * 86_400_000);

async function journeyWithSplit(team: TestWorkspace) {
  const editor = await contextOf(team, "EDITOR");
  const { journeyId, versionId } = await publishGraph(
    editor,
    splitGraph({
      eventName: `e_${randomUUID().slice(0, 8)}`,
      holdout: 10,
      goal: { eventName: "purchase", attributionHours: 72 },
    }),
  );
  const rows = Array.from({ length: 400 }, (_, i) => ({
    profileId: stableUuid(`api-${journeyId}-${i}`),
    armId: i % 10 === 0 ? "holdout" : i % 2 ? "a" : "b",
    assignedAt: T0,
    convertedAt: i % 5 === 1 ? new Date(T0.getTime() + 3_600_000) : undefined,
  }));
  await seedAssignments({ workspaceId: team.id, journeyId, versionId, nodeId: "ab" }, rows);
  return { journeyId };
}

const params = (team: TestWorkspace, id: string, nodeId = "ab") => ({ slug: team.slug, id, nodeId });

describe("workspace experiment routes", () => {
  it("viewers read the list and the experiment; only editors and up change settings or evaluate", async () => {
    const team = await createWorkspaceWithTeam();
    const { journeyId } = await journeyWithSplit(team);
    const viewer = await sessionCookie(team.members.VIEWER);
    const editor = await sessionCookie(team.members.EDITOR);

    const list = await callRoute(listRoute, { params: { slug: team.slug, id: journeyId }, cookie: viewer });
    expect(list.status).toBe(200);
    expect(list.body.experiments).toEqual([
      expect.objectContaining({ nodeId: "ab", label: "Subject line test", autoWinner: "off", holdoutWeight: 10 }),
    ]);

    const read = await callRoute(experimentRoute, { params: params(team, journeyId), cookie: viewer });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      nodeId: "ab",
      live: true,
      result: null,
      settings: { autoWinner: "off", test: "sequential", nStar: 5000, correction: "holm", prior: null },
      weights: { source: "published", current: { a: 45, b: 45, holdout: 10 } },
    });

    for (const [handler, method, body] of [
      [putExperimentRoute, "PUT", { autoWinner: "winner" }],
      [evaluateRoute, "POST", undefined],
    ] as const) {
      const denied = await callRoute(handler as typeof putExperimentRoute, {
        method,
        params: params(team, journeyId),
        cookie: viewer,
        body,
      });
      expect(denied.status).toBe(403);
      expect(denied.body.error.message).toContain("can read but not change");
    }

    const evaluated = await callRoute(evaluateRoute, {
      method: "POST",
      params: params(team, journeyId),
      cookie: editor,
    });
    expect(evaluated.status).toBe(200);
    expect(evaluated.body.result.arms.map((a: { armId: string; assigned: number }) => [a.armId, a.assigned])).toEqual([
      ["a", 200],
      ["b", 160],
    ]);
    expect(evaluated.body.result.holdout).toMatchObject({ assigned: 40, messages: 0 });
    expect(evaluated.body.result.test.label).toBe("sequential (always valid)");
    expect(evaluated.body.history).toHaveLength(1);

    const saved = await callRoute(putExperimentRoute, {
      method: "PUT",
      params: params(team, journeyId),
      cookie: editor,
      body: { autoWinner: "bandit", test: "fixed", nStar: 2000, correction: "bh", prior: { mean: 0.02, sd: 0.1 } },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.settings).toEqual({
      autoWinner: "bandit",
      test: "fixed",
      nStar: 2000,
      alpha: 0.05,
      correction: "bh",
      prior: { mean: 0.02, sd: 0.1 },
    });
    // The next evaluation uses them, and says so.
    const again = await callRoute(evaluateRoute, { method: "POST", params: params(team, journeyId), cookie: editor });
    expect(again.body.result.test).toMatchObject({
      method: "fixed",
      correction: "bh",
      correctionLabel: "Benjamini–Hochberg",
      prior: { mean: 0.02, sd: 0.1 },
    });
    // null goes back to the flat prior; the rest stays.
    const flat = await callRoute(putExperimentRoute, {
      method: "PUT",
      params: params(team, journeyId),
      cookie: editor,
      body: { prior: null },
    });
    expect(flat.body.settings).toMatchObject({ correction: "bh", prior: null, test: "fixed" });
  });

  it("refuses invalid settings with 422 naming each field", async () => {
    const team = await createWorkspaceWithTeam();
    const { journeyId } = await journeyWithSplit(team);
    const editor = await sessionCookie(team.members.EDITOR);
    const put = (body: unknown) =>
      callRoute(putExperimentRoute, { method: "PUT", params: params(team, journeyId), cookie: editor, body });

    const bad = await put({ autoWinner: "always", test: "bayesian", nStar: 12.5 });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields).toEqual(
      expect.arrayContaining([
        { path: "autoWinner", message: 'must be "off", "winner" or "bandit"' },
        { path: "test", message: 'must be "sequential" or "fixed"' },
        { path: "nStar", message: "must be a whole number" },
      ]),
    );
    expect((await put({ nStar: 10 })).body.error.fields).toEqual([{ path: "nStar", message: "must be at least 100" }]);
    expect((await put({ correction: "bonferroni" })).body.error.fields).toEqual([
      { path: "correction", message: 'must be "holm" or "bh"' },
    ]);
    expect((await put({ prior: { mean: 0.1, sd: 0 } })).body.error.fields).toEqual([
      { path: "prior.sd", message: "must be more than 0" },
    ]);
    expect((await put({ prior: { sd: 0.1 } })).body.error.fields).toEqual([
      { path: "prior.mean", message: "must be a number" },
    ]);
    expect((await put({ prior: { mean: -2, sd: 20 } })).body.error.fields).toEqual([
      { path: "prior.mean", message: "must be at least -1 (a lift of −100%)" },
      { path: "prior.sd", message: "must be at most 10" },
    ]);
    expect((await put({ prior: 0.05 })).body.error.fields).toEqual([
      { path: "prior", message: "must be { mean, sd } or null" },
    ]);
    expect((await put({ prior: { mean: 0, sd: 0.1, df: 3 } })).status).toBe(422);
    const unknown = await put({ autoWinner: "off", weights: { a: 100 } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.fields[0].message).toMatch(/weights/);
    expect((await put({})).status).toBe(422);
    const malformed = await callRoute(putExperimentRoute, {
      method: "PUT",
      params: params(team, journeyId),
      cookie: editor,
      rawBody: "{",
      headers: { "content-type": "application/json" },
    });
    expect(malformed.status).toBe(400);
  });

  it("answers 404 for a node that is not a split, and for another workspace's journey", async () => {
    const team = await createWorkspaceWithTeam();
    const other = await createWorkspaceWithTeam();
    const { journeyId } = await journeyWithSplit(team);
    const owner = await sessionCookie(team.members.OWNER);
    expect(
      (await callRoute(experimentRoute, { params: params(team, journeyId, "trigger"), cookie: owner })).status,
    ).toBe(404);
    expect(
      (await callRoute(experimentRoute, { params: params(team, journeyId, "nope"), cookie: owner })).body.error.message,
    ).toBe('No A/B split "nope" in this journey.');
    const outsider = await sessionCookie(other.members.OWNER);
    expect(
      (
        await callRoute(experimentRoute, {
          params: { slug: other.slug, id: journeyId, nodeId: "ab" },
          cookie: outsider,
        })
      ).status,
    ).toBe(404);
    expect((await callRoute(experimentRoute, { params: params(team, journeyId), cookie: outsider })).status).toBe(404);
  });
});

describe("the public experiment API", () => {
  it("a full key reads, evaluates and changes settings; a write key cannot", async () => {
    const team = await createWorkspaceWithTeam();
    const { journeyId } = await journeyWithSplit(team);
    const owner = await contextOf(team, "OWNER");
    const full = {
      authorization: `Bearer ${(await createApiKey(owner, { name: "Automation", scope: "FULL" })).secret}`,
    };
    const write = {
      authorization: `Bearer ${(await createApiKey(owner, { name: "Website", scope: "WRITE" })).secret}`,
    };

    expect((await callRoute(v1ListRoute, { params: { id: journeyId }, headers: write })).status).toBe(403);
    expect((await callRoute(v1ListRoute, { params: { id: journeyId } })).status).toBe(401);
    const list = await callRoute(v1ListRoute, { params: { id: journeyId }, headers: full });
    expect(list.status).toBe(200);
    expect(list.body.experiments[0].nodeId).toBe("ab");

    const evaluated = await callRoute(v1EvaluateRoute, {
      method: "POST",
      params: { id: journeyId, nodeId: "ab" },
      headers: full,
    });
    expect(evaluated.status).toBe(200);
    expect(evaluated.body.result.arms[0].assigned).toBe(200);

    const bad = await callRoute(v1PutExperimentRoute, {
      method: "PUT",
      params: { id: journeyId, nodeId: "ab" },
      headers: full,
      body: { autoWinner: 3 },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields[0].path).toBe("autoWinner");
    const saved = await callRoute(v1PutExperimentRoute, {
      method: "PUT",
      params: { id: journeyId, nodeId: "ab" },
      headers: full,
      body: { autoWinner: "winner" },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.settings.autoWinner).toBe("winner");
    const read = await callRoute(v1ExperimentRoute, { params: { id: journeyId, nodeId: "ab" }, headers: full });
    expect(read.body).toMatchObject({
      settings: { autoWinner: "winner" },
      history: [expect.objectContaining({ arms: expect.any(Array) })],
    });
    expect(
      (
        await callRoute(v1PutExperimentRoute, {
          method: "PUT",
          params: { id: journeyId, nodeId: "ab" },
          headers: write,
          body: { autoWinner: "off" },
        })
      ).status,
    ).toBe(403);
  });
});
