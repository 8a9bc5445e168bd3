/**
 * Experiments end to end in lib/: evaluations stored, the auto-winner and the bandit changing the weights
 * (each change recorded with its reason), and the engine assigning new people with the new weights.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { pgPool } from "../db/pool";
import { pickArm, splitBucket } from "../engine/interpreter";
import { ZJourneyGraph } from "../journeys/graph";
import { EngineDriver, publishGraph } from "../testing/engine-driver";
import { seedAssignments, splitGraph, stableUuid } from "../testing/experiment-fixtures";
import { workspaceContextForApiKey } from "../api-keys/api-keys";
import { contextOf } from "../testing/factories";
import { ingestFixture } from "../testing/ingest-helpers";
import { splitConfigIn } from "./analysis";
import { evaluateAllExperiments, evaluateExperiment, evaluateExperimentNow } from "./evaluate-experiment";
import { getExperiment, listExperiments } from "./read-experiments";
import { updateExperimentSettings } from "./update-experiment-settings";
import { effectiveSplitWeights } from "./weights";

const HOUR = 3_600_000;
const T0 = new Date("2026-05-04T09:00:00.000Z");
const after = (hours: number) => new Date(T0.getTime() + hours * HOUR);

async function setup(options: { holdout?: number } = {}) {
  const fixture = await ingestFixture("FULL");
  const team = fixture.team;
  const editor = await contextOf(team, "EDITOR");
  // The engine driver ingests with an API key, as the ingestion API does.
  const keyCtx = await workspaceContextForApiKey(fixture.key);
  const run = randomUUID().slice(0, 8);
  const graph = ZJourneyGraph.parse(
    splitGraph({
      eventName: `signed_up_${run}`,
      holdout: options.holdout,
      goal: { eventName: `purchase_${run}`, attributionHours: 72 },
    }),
  );
  const { journeyId, versionId } = await publishGraph(editor, graph);
  const split = splitConfigIn(graph, "ab")!;
  return {
    team,
    editor,
    keyCtx,
    run,
    graph,
    journeyId,
    versionId,
    split,
    target: { workspaceId: team.id, journeyId, graph, split },
  };
}

async function assignmentsSince(journeyId: string, since: Date) {
  const { rows } = await pgPool().query<{ profileId: string; armId: string }>(
    `SELECT "profileId", "armId" FROM "SplitAssignment" WHERE "journeyId" = $1 AND "assignedAt" >= $2`,
    [journeyId, since],
  );
  return rows;
}

describe("the bandit", () => {
  it("re-weights no faster than the attribution window, keeps every arm above its floor and the holdout fixed, records why, and the engine assigns with the new weights", async () => {
    const { editor, keyCtx, run, journeyId, split, target } = await setup({ holdout: 10 });
    await updateExperimentSettings(editor, journeyId, "ab", { autoWinner: "bandit" }, T0);
    const engine = new EngineDriver(keyCtx, T0);
    const first = Array.from({ length: 200 }, (_, i) => `first-${run}-${i}`);
    await engine.send(first.map((userId) => ({ type: "track", userId, event: `signed_up_${run}` })));
    const assigned = new Map((await assignmentsSince(journeyId, T0)).map((r) => [r.profileId, r.armId]));
    const { rows: people } = await pgPool().query<{ id: string; userId: string }>(
      `SELECT id, "userId" FROM "Profile" WHERE "workspaceId" = $1`,
      [editor.workspace.id],
    );
    const armOfUser = new Map(people.map((p) => [p.userId, assigned.get(p.id)]));
    // Long subject converts far better: every b person buys, one in ten of a.
    engine.advanceTime(HOUR);
    const buyers = first.filter((u, i) => armOfUser.get(u) === "b" || (armOfUser.get(u) === "a" && i % 10 === 0));
    await engine.send(buyers.map((userId) => ({ type: "track", userId, event: `purchase_${run}` })));

    // Two hours in: nobody has had the whole 72-hour window yet, so the bandit has nothing to learn from.
    const early = await evaluateExperiment(target, after(2));
    expect(early.stored).toBe(true);
    expect(early.weightChange).toBeNull();

    const late = await evaluateExperiment(target, after(73));
    expect(late.weightChange).not.toBeNull();
    const weights = late.weightChange!.weights;
    expect(weights.holdout).toBe(10);
    expect(weights.a).toBe(1); // floored: 1% of all traffic, the holdout's 10% included
    expect(weights.a).toBeLessThan(5);
    expect(weights.a + weights.b).toBeCloseTo(90, 8);
    const view = await getExperiment(editor, journeyId, "ab");
    expect(view.weights).toMatchObject({
      source: "override",
      current: weights,
      published: { a: 45, b: 45, holdout: 10 },
    });
    expect(view.weightChanges).toHaveLength(1);
    expect(view.weightChanges[0]).toMatchObject({
      actorType: "system",
      actorLabel: "Auto-winner (bandit)",
      previousWeights: { a: 45, b: 45, holdout: 10 },
    });
    expect(view.weightChanges[0].reason).toMatch(
      /^Bandit re-weighting \(Thompson sampling, floor 1% of all traffic\): chance to be best Short subject .*from people assigned at least 72 h ago/,
    );
    expect(view.history.map((h) => h.computedAt)).toEqual([after(2).toISOString(), after(73).toISOString()]);

    // New people are assigned with the new weights, exactly as pickArm says for each of them.
    engine.advanceTime(73 * HOUR);
    const second = Array.from({ length: 150 }, (_, i) => `second-${run}-${i}`);
    await engine.send(second.map((userId) => ({ type: "track", userId, event: `signed_up_${run}` })));
    const effective = effectiveSplitWeights(split, weights);
    const newcomers = await assignmentsSince(journeyId, engine.now);
    expect(newcomers).toHaveLength(150);
    for (const { profileId, armId } of newcomers)
      expect(armId).toBe(pickArm(splitBucket(profileId, journeyId, "ab"), effective.arms, effective.holdout));
    const counts = newcomers.reduce<Record<string, number>>((c, r) => ({ ...c, [r.armId]: (c[r.armId] ?? 0) + 1 }), {});
    expect(counts.b).toBeGreaterThan(110);
    // The trace says which weights decided.
    const { rows: trace } = await pgPool().query<{ inputs: { weightsSource?: string } }>(
      `SELECT s.inputs FROM "EnrollmentStep" s JOIN "SplitAssignment" sa ON sa."enrollmentId" = s."enrollmentId" WHERE sa."journeyId" = $1 AND s."nodeId" = 'ab' AND sa."assignedAt" >= $2 LIMIT 1`,
      [journeyId, engine.now],
    );
    expect(trace[0].inputs.weightsSource).toBe("experiment");

    // One hour after the change: too soon to change again. The SRM check knows the weights changed.
    const again = await evaluateExperiment(target, after(74));
    expect(again.weightChange).toBeNull();
    expect(again.analysis.srm!.mismatch).toBe(false);
    expect(again.analysis.arms.find((a) => a.armId === "b")!.currentWeight).toBeCloseTo(weights.b, 8);

    // Turning the auto-winner off puts the published weights back, recorded with who did it.
    const off = await updateExperimentSettings(editor, journeyId, "ab", { autoWinner: "off" }, after(75));
    expect(off.weights).toMatchObject({ source: "published", current: { a: 45, b: 45, holdout: 10 } });
    expect(off.weightChanges[0]).toMatchObject({ actorType: "user", weights: { a: 45, b: 45, holdout: 10 } });
    expect(off.weightChanges[0].reason).toContain(
      'Auto-winner set to "off" (was "bandit"): back to the published weights',
    );
    const audit = await db().auditLog.findFirst({
      where: { workspaceId: editor.workspace.id, action: "experiment.settings_changed" },
      orderBy: { createdAt: "desc" },
    });
    expect(audit?.summary).toContain('autoWinner "off"');
  });
});

describe("the winner mode", () => {
  it("routes all new people to the winner once the sequential test is significant, once, and says why", async () => {
    const { editor, keyCtx, run, journeyId, versionId, target } = await setup();
    await updateExperimentSettings(editor, journeyId, "ab", { autoWinner: "winner" }, T0);
    // 1,000 people per arm: a converts 10%, b 20%.
    const rows = Array.from({ length: 2_000 }, (_, i) => ({
      profileId: stableUuid(`winner-${run}-${i}`),
      armId: i % 2 === 0 ? "a" : "b",
      assignedAt: T0,
      convertedAt: (i % 2 === 0 ? i % 20 === 0 : i % 10 === 1) ? after(5) : undefined,
    }));
    await seedAssignments({ workspaceId: editor.workspace.id, journeyId, versionId, nodeId: "ab" }, rows);

    const { analysis, weightChange } = await evaluateExperiment(target, after(6));
    expect(analysis.sequentialWinner?.armId).toBe("b");
    expect(analysis.winner?.armId).toBe("b");
    expect(weightChange?.weights).toEqual({ a: 0, b: 100 });
    expect(weightChange?.reason).toMatch(
      /^Auto-winner: "Long subject" beats "Short subject": conversion \+100\.0%, sequential \(always valid\) p = .* All new people go to "Long subject"\.$/,
    );
    const view = await getExperiment(editor, journeyId, "ab");
    expect(view.winnerArmId).toBe("b");
    expect(view.result?.arms.find((a) => a.armId === "a")!.currentWeight).toBe(0);
    expect((await evaluateExperiment(target, after(7))).weightChange).toBeNull();

    const engine = new EngineDriver(keyCtx, after(8));
    await engine.send(
      Array.from({ length: 60 }, (_, i) => ({ type: "track", userId: `late-${run}-${i}`, event: `signed_up_${run}` })),
    );
    const newcomers = await assignmentsSince(journeyId, after(8));
    expect(newcomers).toHaveLength(60);
    expect(newcomers.every((r) => r.armId === "b")).toBe(true);
  });
});

describe("evaluating every live journey", () => {
  it("stores a result for each split that has people, skips empty ones, and lists them with their headline", async () => {
    const { editor, keyCtx, run, journeyId, target } = await setup();
    const empty = await setup();
    const engine = new EngineDriver(keyCtx, T0);
    await engine.send(
      Array.from({ length: 30 }, (_, i) => ({ type: "track", userId: `all-${run}-${i}`, event: `signed_up_${run}` })),
    );
    const result = await evaluateAllExperiments(after(1));
    expect(result.failed).toEqual([]);
    expect(await db().experimentResult.count({ where: { journeyId } })).toBe(1);
    expect(await db().experimentResult.count({ where: { journeyId: empty.journeyId } })).toBe(0);
    expect(
      (await db().experiment.findUnique({ where: { journeyId_nodeId: { journeyId: empty.journeyId, nodeId: "ab" } } }))
        ?.lastEvaluatedAt,
    ).toEqual(after(1));

    const list = await listExperiments(editor, journeyId);
    expect(list.experiments).toEqual([
      expect.objectContaining({
        nodeId: "ab",
        label: "Subject line test",
        live: true,
        autoWinner: "off",
        assigned: 30,
        winner: null,
        enoughData: false,
        lastEvaluatedAt: after(1).toISOString(),
      }),
    ]);
    await engine.send(
      Array.from({ length: 10 }, (_, i) => ({ type: "track", userId: `more-${run}-${i}`, event: `signed_up_${run}` })),
    );
    await evaluateExperiment(target, after(2));
    // the list's headline is the newest of the stored results
    expect((await listExperiments(editor, journeyId)).experiments.map((e) => e.assigned)).toEqual([40]);
    const view = await getExperiment(editor, journeyId, "ab");
    expect(view.result?.computedAt).toBe(after(2).toISOString());
    expect(view.result?.banners.map((b) => b.kind)).toContain("too_little_data");
  });
});

describe("the lift history", () => {
  it("spans the whole experiment, thinned evenly, oldest first and always ending at the latest evaluation", async () => {
    const { editor, journeyId, team } = await setup();
    const experiment = await db().experiment.create({ data: { workspaceId: team.id, journeyId, nodeId: "ab" } });
    const summary = (i: number) => ({
      summary: {
        arms: [
          {
            armId: "a",
            label: "Short subject",
            assigned: i,
            converted: 0,
            conversionRate: 0,
            estimate: null,
            ci: null,
            pValue: null,
          },
        ],
      },
    });
    await db().experimentResult.createMany({
      data: Array.from({ length: 1_000 }, (_, i) => ({
        experimentId: experiment.id,
        journeyId,
        nodeId: "ab",
        computedAt: new Date(T0.getTime() + i * 15 * 60_000),
        result: summary(i),
      })),
    });
    const { history } = await getExperiment(editor, journeyId, "ab");
    expect(history.length).toBeLessThanOrEqual(401);
    expect(history.length).toBeGreaterThan(300);
    expect(history[0].computedAt).toBe(T0.toISOString());
    expect(history.at(-1)!.arms[0].assigned).toBe(999);
    expect(history.map((h) => h.computedAt)).toEqual([...history.map((h) => h.computedAt)].sort());
  });
});

describe("a split only in the draft", () => {
  it("has a page (not live, no results) and settings, but cannot be evaluated until published", async () => {
    const { editor, journeyId } = await setup();
    const graph = splitGraph({ eventName: "x" });
    const draft = {
      ...graph,
      nodes: graph.nodes.map((n) => (n.id === "ab" ? { ...n, id: "ab2", label: "New test" } : n)),
      edges: graph.edges.map((e) => ({
        ...e,
        source: e.source === "ab" ? "ab2" : e.source,
        target: e.target === "ab" ? "ab2" : e.target,
      })),
    };
    await db().journey.update({ where: { id: journeyId }, data: { draft: draft as object } });
    const view = await getExperiment(editor, journeyId, "ab2");
    expect(view).toMatchObject({ label: "New test", live: false, result: null });
    expect((await getExperiment(editor, journeyId, "ab")).live).toBe(true);
    expect((await listExperiments(editor, journeyId)).experiments.map((e) => [e.nodeId, e.live])).toEqual([
      ["ab", true],
      ["ab2", false],
    ]);
    await expect(evaluateExperimentNow(editor, journeyId, "ab2")).rejects.toThrow(/publish the journey first/);
    expect(
      (await updateExperimentSettings(editor, journeyId, "ab2", { autoWinner: "winner" })).settings.autoWinner,
    ).toBe("winner");
  });
});
