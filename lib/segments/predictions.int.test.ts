import { describe, expect, it } from "vitest";
import { GET as profileRoute } from "@/app/api/v1/profiles/[id]/route";
import { POST as v1CreateRoute } from "@/app/api/v1/segments/route";
import { callRoute } from "../testing/call-route";
import { walkBatch } from "../engine/walk-batch";
import type { TJourneyGraphInput } from "../journeys/graph";
import { validateWithReferences } from "../journeys/check-references";
import { predictionsOfProfile, predictionScoresOf } from "../predictions/store/profile-predictions";
import { enrollmentsOf, publishGraph } from "../testing/engine-driver";
import { createPredictionRow, profileIdOf, writeScores } from "../testing/prediction-fixtures";
import { updateSegment } from "./update-segment";
import { estimateSegment } from "./estimate-segment";
import { dispatchPredictionChanges } from "./prediction-changes";
import { SegmentDriver } from "./test-driver";
import { pgPool } from "../db/pool";

const T0 = new Date("2026-03-02T12:00:00.000Z");
const at = (x: number, y = 0) => ({ x, y });
const tierIs = (predictionId: string, tiers: string[]) => ({
  kind: "group",
  match: "all",
  conditions: [{ kind: "prediction", predictionId, test: { kind: "tier", tiers } }],
});
const scoreAtLeast = (predictionId: string, value: number) => ({
  kind: "group",
  match: "all",
  conditions: [{ kind: "prediction", predictionId, test: { kind: "score", operator: "gte", value } }],
});

async function people(d: SegmentDriver, userIds: string[]): Promise<Record<string, string>> {
  await d.send(userIds.map((userId) => ({ type: "identify", userId, traits: { plan: "pro" } })));
  const out: Record<string, string> = {};
  for (const u of userIds) out[u] = await profileIdOf(d.ctx.workspace.id, u);
  return out;
}

/** What the dispatcher function does for this workspace: dispatch, then walk the new enrollments. */
async function dispatch(d: SegmentDriver) {
  const result = await dispatchPredictionChanges(d.now, { workspaceId: d.ctx.workspace.id });
  await walkBatch(result.enrolled, d.now);
  return result;
}

describe("prediction scores in segments", () => {
  it("tier and score conditions match the current score, a person without one matches neither, and estimates count them", async () => {
    const d = await SegmentDriver.start(T0);
    const ids = await people(d, ["ada", "bob", "cy", "dee"]);
    const churn = await createPredictionRow(d.ctx.workspace.id);
    await writeScores(
      churn,
      d.ctx.workspace.id,
      [
        { profileId: ids.ada, score: 91 },
        { profileId: ids.bob, score: 55 },
        { profileId: ids.cy, score: 12 },
      ],
      d.now,
    );
    expect(await d.matching(tierIs(churn.id, ["high"]))).toEqual(["ada"]);
    expect(await d.matching(tierIs(churn.id, ["low", "medium"]))).toEqual(["bob", "cy"]);
    expect(await d.matching(scoreAtLeast(churn.id, 55))).toEqual(["ada", "bob"]);
    expect(
      await d.matching({
        kind: "group",
        match: "all",
        conditions: [
          { kind: "prediction", predictionId: churn.id, test: { kind: "score", operator: "lt", value: 55 } },
        ],
      }),
    ).toEqual(["cy"]);
    // dee has no score: not "not high" either
    expect(
      await d.matching({
        kind: "group",
        match: "all",
        conditions: [{ kind: "not", condition: tierIs(churn.id, ["high"]) }],
      }),
    ).toEqual(["bob", "cy", "dee"]);

    const estimate = await estimateSegment(d.ctx, { definition: scoreAtLeast(churn.id, 50) }, { now: d.now });
    expect(estimate).toMatchObject({ size: 2, exact: true });

    // saved: computed for everyone by the recompute, with the prediction in the reference index
    const segmentId = await d.segment(tierIs(churn.id, ["high"]));
    const { recomputeSegment } = await import("./membership");
    await recomputeSegment(segmentId, { now: () => d.now });
    expect(await d.members(segmentId)).toEqual(["ada"]);
    const refs = await pgPool().query(`SELECT kind, value FROM "SegmentReference" WHERE "segmentId" = $1`, [segmentId]);
    expect(refs.rows).toEqual([{ kind: "prediction", value: churn.id }]);
  });

  it("the dispatcher moves people in and out of segments that read the prediction, directly or through another segment, and marks each change once", async () => {
    const d = await SegmentDriver.start(T0);
    const ids = await people(d, ["ada", "bob"]);
    const churn = await createPredictionRow(d.ctx.workspace.id);
    const high = await d.segment(tierIs(churn.id, ["high"]));
    const viaHigh = await d.segment({
      kind: "group",
      match: "all",
      conditions: [{ kind: "segment", segmentId: high }],
    });
    expect(await d.members(high)).toEqual([]);

    await writeScores(
      churn,
      d.ctx.workspace.id,
      [
        { profileId: ids.ada, score: 80 },
        { profileId: ids.bob, score: 20 },
      ],
      d.now,
    );
    const first = await dispatch(d);
    expect(first.claimed).toBe(2);
    expect(first.segmentChanges.map((c) => [c.segmentId === high ? "high" : "via", c.kind]).sort()).toEqual([
      ["high", "entered"],
      ["via", "entered"],
    ]);
    expect(await d.members(high)).toEqual(["ada"]);
    expect(await d.members(viaHigh)).toEqual(["ada"]);
    // nothing left to dispatch
    expect((await dispatch(d)).claimed).toBe(0);

    d.advance(86_400_000);
    await writeScores(
      churn,
      d.ctx.workspace.id,
      [
        { profileId: ids.ada, score: 40 },
        { profileId: ids.bob, score: 75 },
      ],
      d.now,
    );
    await dispatch(d);
    expect(await d.members(high)).toEqual(["bob"]);
    expect(
      (await d.changes(high)).sort((a, b) => a.at.localeCompare(b.at) || a.userId.localeCompare(b.userId)),
    ).toEqual([
      { userId: "ada", kind: "entered", at: T0.toISOString() },
      { userId: "ada", kind: "exited", at: d.now.toISOString() },
      { userId: "bob", kind: "entered", at: d.now.toISOString() },
    ]);
    // leaving the audience (no score any more) is an exit
    d.advance(1_000);
    await writeScores(churn, d.ctx.workspace.id, [{ profileId: ids.bob, score: null }], d.now);
    await dispatch(d);
    expect(await d.members(high)).toEqual([]);
    const left = await pgPool().query(
      `SELECT count(*)::int AS n FROM "PredictionScoreChange" WHERE "workspaceId" = $1 AND "dispatchedAt" IS NULL`,
      [d.ctx.workspace.id],
    );
    expect(left.rows[0].n).toBe(0);
  });

  it("refuses, naming the field, a prediction that is unknown, archived or another workspace's", async () => {
    const d = await SegmentDriver.start(T0);
    const other = await SegmentDriver.start(T0);
    const theirs = await createPredictionRow(other.ctx.workspace.id);
    const archived = await createPredictionRow(d.ctx.workspace.id, { archived: true });
    const ours = await createPredictionRow(d.ctx.workspace.id);
    const fields = async (definition: unknown) => {
      try {
        await d.segment(definition);
        return null;
      } catch (error) {
        return (error as { fields?: unknown }).fields ?? error;
      }
    };
    expect(await fields(tierIs(theirs.id, ["high"]))).toEqual([
      {
        path: "definition.conditions.0.predictionId",
        message: `no prediction with the id "${theirs.id}" in this workspace`,
      },
    ]);
    expect(await fields(tierIs(archived.id, ["high"]))).toEqual([
      {
        path: "definition.conditions.0.predictionId",
        message: "is archived: choose a prediction that is still scored",
      },
    ]);
    expect(await fields(tierIs(ours.id, []))).toEqual([
      { path: "definition.conditions.0.test.tiers", message: "needs at least one tier" },
    ]);
    expect(await fields(tierIs(ours.id, ["extreme"]))).toEqual([
      { path: "definition.conditions.0.test.tiers.0", message: "must be one of low, medium, high" },
    ]);
    expect(await fields(scoreAtLeast(ours.id, 101))).toEqual([
      { path: "definition.conditions.0.test.value", message: "must be from 0 to 100" },
    ]);
    expect(
      await fields({
        kind: "group",
        match: "all",
        conditions: [{ kind: "prediction", predictionId: "churn", test: { kind: "tier", tiers: ["high"] } }],
      }),
    ).toEqual([{ path: "definition.conditions.0.predictionId", message: "must be a prediction id" }]);
    // over HTTP: a 422 naming the field
    const refused = await callRoute(v1CreateRoute, {
      method: "POST",
      headers: d.bearer,
      body: { name: "Theirs", definition: tierIs(theirs.id, ["high"]) },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.fields).toEqual([
      {
        path: "definition.conditions.0.predictionId",
        message: `no prediction with the id "${theirs.id}" in this workspace`,
      },
    ]);
    // an update is checked too, and the estimate; nothing was stored by the refusals
    const ok = await d.segment(tierIs(ours.id, ["high"]));
    await expect(updateSegment(d.ctx, ok, { definition: tierIs(theirs.id, ["high"]) as never })).rejects.toMatchObject({
      fields: [{ path: "definition.conditions.0.predictionId" }],
    });
    await expect(estimateSegment(d.ctx, { definition: tierIs(archived.id, ["low"]) as never })).rejects.toMatchObject({
      fields: [{ path: "definition.conditions.0.predictionId" }],
    });
    const stored = await pgPool().query(`SELECT count(*)::int AS n FROM "Segment" WHERE "workspaceId" = $1`, [
      d.ctx.workspace.id,
    ]);
    expect(stored.rows[0].n).toBe(1);
  });
});

function tierJourney(predictionId: string, tier: string, rulePrediction = predictionId): TJourneyGraphInput {
  return {
    nodes: [
      { id: "trigger", type: "trigger.prediction", position: at(0), config: { predictionId, tier } },
      {
        id: "branch",
        type: "branch",
        position: at(0, 100),
        config: {
          branches: [
            {
              id: "very",
              label: "Very likely",
              rules: {
                match: "all",
                rules: [
                  {
                    kind: "prediction",
                    predictionId: rulePrediction,
                    test: { kind: "score", operator: "gte", value: 90 },
                  },
                ],
              },
            },
          ],
        },
      },
      {
        id: "check",
        type: "condition",
        position: at(100, 200),
        config: {
          rules: {
            match: "all",
            rules: [{ kind: "prediction", predictionId: rulePrediction, test: { kind: "tier", tiers: ["high"] } }],
          },
        },
      },
      {
        id: "wait_very",
        type: "delay.duration",
        position: at(0, 200),
        config: { duration: { amount: 1, unit: "hours" } },
      },
      {
        id: "wait_high",
        type: "delay.duration",
        position: at(100, 300),
        config: { duration: { amount: 1, unit: "hours" } },
      },
      { id: "end", type: "exit", position: at(0, 400), config: {} },
    ],
    edges: [
      { id: "e1", source: "trigger", target: "branch" },
      { id: "e2", source: "branch", target: "wait_very", branch: "very" },
      { id: "e3", source: "branch", target: "check", branch: "else" },
      { id: "e4", source: "check", target: "wait_high", branch: "yes" },
      { id: "e5", source: "check", target: "end", branch: "no" },
      { id: "e6", source: "wait_very", target: "end" },
      { id: "e7", source: "wait_high", target: "end" },
    ],
    settings: { reentry: { mode: "always" } },
  };
}

describe("prediction scores in journeys", () => {
  it("trigger.prediction enrolls a person entering the tier once, even when the dispatch is retried; branch and condition rules read the score", async () => {
    const d = await SegmentDriver.start(T0);
    const ids = await people(d, ["ada", "bob", "cy"]);
    const churn = await createPredictionRow(d.ctx.workspace.id);
    const { journeyId } = await publishGraph(d.ctx, tierJourney(churn.id, "high"));

    await writeScores(
      churn,
      d.ctx.workspace.id,
      [
        { profileId: ids.ada, score: 95 },
        { profileId: ids.bob, score: 72 },
        { profileId: ids.cy, score: 40 },
      ],
      d.now,
    );
    // A dispatch that crashes before committing: its enrollments roll back with it, the changes stay undispatched.
    const { withTransaction } = await import("../db/pool");
    const { claimPredictionChanges } = await import("./store/prediction-changes");
    const { enrollPredictionEntries } = await import("../engine/prediction-entries");
    await expect(
      withTransaction(async (client) => {
        const changes = await claimPredictionChanges(client, 100, d.ctx.workspace.id);
        expect(await enrollPredictionEntries(client, d.ctx.workspace.id, changes, d.now)).toHaveLength(2);
        throw new Error("crash before commit");
      }),
    ).rejects.toThrow("crash before commit");
    expect(await enrollmentsOf(journeyId)).toEqual([]);

    const first = await dispatch(d);
    expect(first.enrolled).toHaveLength(2);
    // the same changes enrolled again (a retry that re-reads them) enroll nobody: the entry key is the change id
    const again = await pgPool().connect();
    try {
      const rows = await again.query(
        `SELECT id::text, "workspaceId", "predictionId", "profileId", "fromTier", "toTier", "toScore", at, NULL AS "predictionName", true AS "profileExists" FROM "PredictionScoreChange" WHERE "predictionId" = $1`,
        [churn.id],
      );
      expect(await enrollPredictionEntries(again, d.ctx.workspace.id, rows.rows, d.now)).toEqual([]);
    } finally {
      again.release();
    }
    const enrolled = await enrollmentsOf(journeyId);
    expect(enrolled.map((e) => [e.userId, e.currentNodeId])).toEqual([
      ["ada", "wait_very"],
      ["bob", "wait_high"],
    ]);

    // a profile deleted since it was scored: its change is dispatched and enrolls nobody (no failing batch)
    const { randomUUID } = await import("node:crypto");
    await writeScores(churn, d.ctx.workspace.id, [{ profileId: randomUUID(), score: 99 }], d.now);
    expect(await dispatch(d)).toMatchObject({ claimed: 1, enrolled: [] });

    // staying high (a new score, same tier) is no new entry; leaving and coming back is
    d.advance(3_600_000);
    await writeScores(churn, d.ctx.workspace.id, [{ profileId: ids.ada, score: 88 }], d.now);
    expect((await dispatch(d)).enrolled).toEqual([]);
    await writeScores(churn, d.ctx.workspace.id, [{ profileId: ids.bob, score: 50 }], d.now);
    await dispatch(d);
    await writeScores(churn, d.ctx.workspace.id, [{ profileId: ids.bob, score: 71 }], d.now);
    expect((await dispatch(d)).enrolled).toHaveLength(1);
    expect((await enrollmentsOf(journeyId)).filter((e) => e.userId === "bob")).toHaveLength(2);
  });

  it("publishing refuses an unknown, archived or other workspace's prediction, naming the field", async () => {
    const d = await SegmentDriver.start(T0);
    const other = await SegmentDriver.start(T0);
    const theirs = await createPredictionRow(other.ctx.workspace.id);
    const archived = await createPredictionRow(d.ctx.workspace.id, { archived: true });
    const ours = await createPredictionRow(d.ctx.workspace.id);
    const { problems } = await validateWithReferences(d.ctx, tierJourney(theirs.id, "high", archived.id));
    expect(problems).toEqual([
      {
        nodeId: "trigger",
        path: "config.predictionId",
        message: `no prediction with id "${theirs.id}" in this workspace`,
      },
      {
        nodeId: "branch",
        path: "config.branches.0.rules.rules.0.predictionId",
        message: expect.stringMatching(/is archived/),
      },
      { nodeId: "check", path: "config.rules.rules.0.predictionId", message: expect.stringMatching(/is archived/) },
    ]);
    expect((await validateWithReferences(d.ctx, tierJourney(ours.id, "high"))).problems).toEqual([]);
    const badTier = await validateWithReferences(d.ctx, tierJourney(ours.id, "extreme"));
    expect(badTier.problems).toEqual([
      expect.objectContaining({ nodeId: "trigger", path: "config.tier", message: "must be one of low, medium, high" }),
    ]);
  });
});

describe("a person's predictions", () => {
  it("by key for the profile page, and for a batch of recipients in one read, archived predictions left out", async () => {
    const d = await SegmentDriver.start(T0);
    const ids = await people(d, ["ada", "bob"]);
    const churn = await createPredictionRow(d.ctx.workspace.id, { key: "churn" });
    const old = await createPredictionRow(d.ctx.workspace.id, { key: "old", archived: true });
    await writeScores(churn, d.ctx.workspace.id, [{ profileId: ids.ada, score: 81 }], d.now);
    await writeScores(old, d.ctx.workspace.id, [{ profileId: ids.ada, score: 10 }], d.now);
    const mine = await predictionsOfProfile(d.ctx.workspace.id, ids.ada);
    expect(Object.keys(mine)).toEqual(["churn"]);
    expect(mine.churn).toMatchObject({ predictionId: churn.id, score: 81, tier: "high", probability: 0.81 });
    expect(mine.churn.reasons[0]).toMatchObject({ feature: "recency_days" });
    // another workspace reads nothing
    const other = await SegmentDriver.start(T0);
    expect(await predictionsOfProfile(other.ctx.workspace.id, ids.ada)).toEqual({});
    const batch = await predictionScoresOf(d.ctx.workspace.id, [ids.ada, ids.bob]);
    expect(batch.get(ids.ada)).toEqual({
      churn: { score: 81, tier: "high", probability: 0.81, scored_at: T0.toISOString() },
    });
    expect(batch.get(ids.bob)).toEqual({});

    // GET /api/v1/profiles/{id} carries them; another workspace's key does not find the person
    const read = await callRoute(profileRoute, { headers: d.bearer, params: { id: "ada" } });
    expect(read.status).toBe(200);
    expect(read.body.predictions).toEqual({
      churn: {
        predictionId: churn.id,
        name: expect.any(String),
        kind: "churn",
        score: 81,
        tier: "high",
        probability: 0.81,
        scoredAt: T0.toISOString(),
        reasons: [{ feature: "recency_days", label: "Days since last seen", value: 12, contribution: 0.8 }],
      },
    });
    expect((await callRoute(profileRoute, { headers: other.bearer, params: { id: "ada" } })).status).toBe(404);
  });
});
