import { describe, expect, it } from "vitest";
import { decideNode, pickArm, splitBucket, type NodeInput } from "../engine/interpreter";
import type { TNode } from "../journeys/graph";
import { analyzeExperiment, DEFAULT_ANALYSIS_SETTINGS, type ArmData, type SplitDefinition } from "./analysis";
import { decideWeights, type AutoWinnerState } from "./auto-winner";
import { effectiveSplitWeights, publishedWeights, roundWeights, toWeightMap } from "./weights";

const SPLIT: SplitDefinition = {
  nodeId: "ab",
  label: "Subject line",
  arms: [
    { id: "a", label: "Short", weight: 45 },
    { id: "b", label: "Long", weight: 45 },
  ],
  holdout: { weight: 10 },
};

describe("split weights", () => {
  it("uses the published weights without an override, or with one that does not fit the arms", () => {
    expect(effectiveSplitWeights(SPLIT)).toEqual({
      arms: [
        { id: "a", weight: 45 },
        { id: "b", weight: 45 },
      ],
      holdout: 10,
      source: "published",
    });
    for (const stale of [
      { a: 50 },
      { a: 50, c: 50 },
      { a: -1, b: 91 },
      { a: 0, b: 0 },
      [1, 2],
      "x",
      { a: "50", b: 40 },
    ]) {
      expect(effectiveSplitWeights(SPLIT, stale).source).toBe("published");
    }
  });

  it("scales an override's arms to what the holdout leaves, and never moves the holdout", () => {
    const w = effectiveSplitWeights(SPLIT, { a: 1, b: 3, holdout: 50 });
    expect(w.source).toBe("override");
    expect(w.holdout).toBe(10);
    expect(w.arms[0].weight).toBeCloseTo(22.5, 10);
    expect(w.arms[1].weight).toBeCloseTo(67.5, 10);
    expect(toWeightMap(w)).toMatchObject({ holdout: 10 });
    expect(publishedWeights(SPLIT)).toEqual({ a: 45, b: 45, holdout: 10 });
  });

  it("rounds to 4 decimals keeping the arms' total", () => {
    const rounded = roundWeights(SPLIT, { a: 30.000049, b: 59.99995 });
    expect(rounded.a + rounded.b).toBeCloseTo(90, 10);
    expect(rounded.holdout).toBe(10);
  });

  it("the interpreter assigns with the override, deterministically for a given weight set, and an arm at 0 gets nobody", () => {
    const node = {
      id: "ab",
      type: "split",
      position: { x: 0, y: 0 },
      config: { arms: SPLIT.arms, holdout: SPLIT.holdout },
    } as TNode;
    const input = (profileId: string, splitWeights?: unknown): NodeInput => ({
      journeyId: "j1",
      enrollmentId: "e1",
      person: { profileId, userId: null, email: null, phone: null, timezone: null, traits: {} },
      trigger: { name: "t", properties: {}, timestamp: "2026-01-01T00:00:00Z" },
      facts: { performed: () => false, inSegment: () => false },
      now: new Date("2026-01-01T00:00:00Z"),
      splitWeights,
    });
    const counts: Record<string, number> = { a: 0, b: 0, holdout: 0 };
    for (let i = 0; i < 5_000; i++) {
      const first = decideNode(node, input(`p${i}`, { a: 0, b: 90, holdout: 10 }));
      expect(decideNode(node, input(`p${i}`, { a: 0, b: 90, holdout: 10 }))).toEqual(first);
      if (first.kind !== "split") throw new Error("not a split");
      counts[first.armId]++;
      // Same bucket, same weight set, same arm as pickArm says.
      expect(first.armId).toBe(
        pickArm(
          splitBucket(`p${i}`, "j1", "ab"),
          [
            { id: "a", weight: 0 },
            { id: "b", weight: 90 },
          ],
          10,
        ),
      );
      if (i === 0)
        expect(first.inputs).toMatchObject({ weightsSource: "experiment", weights: { a: 0, b: 90 }, holdout: 10 });
    }
    expect(counts.a).toBe(0);
    expect(counts.holdout / 5_000).toBeCloseTo(0.1, 1);
    // Without a holdout, floating-point leftovers past the arms' total go to the last arm that takes traffic.
    expect(
      pickArm(99.9999999, [
        { id: "a", weight: 99.99999 },
        { id: "b", weight: 0 },
      ]),
    ).toBe("a");
  });
});

function arm(
  armId: string,
  assigned: number,
  converted: number,
  matured?: { assigned: number; converted: number },
): ArmData {
  return {
    armId,
    assigned,
    messages: 0,
    sent: 0,
    delivered: 0,
    opened: 0,
    clicked: 0,
    converted,
    revenue: 0,
    revenueSquares: 0,
    unsubscribed: 0,
    bounced: 0,
    complained: 0,
    matured: matured ?? { assigned, converted },
  };
}

function analysis(data: ArmData[], split = SPLIT) {
  const total = data.reduce((s, d) => s + d.assigned, 0);
  const weights = publishedWeights(split);
  const expected = Object.fromEntries(Object.entries(weights).map(([id, w]) => [id, (total * w) / 100]));
  return analyzeExperiment({
    journeyId: "j1",
    nodeId: split.nodeId,
    computedAt: new Date("2026-03-01T00:00:00Z"),
    split,
    goal: { eventName: "purchase", attributionHours: 72, revenueProperty: null },
    hasGoal: true,
    data,
    expected,
    currentWeights: weights,
    settings: DEFAULT_ANALYSIS_SETTINGS,
  });
}

describe("the auto-winner", () => {
  const state = (mode: AutoWinnerState["mode"], extra: Partial<AutoWinnerState> = {}): AutoWinnerState => ({
    mode,
    weights: null,
    weightsChangedAt: null,
    winnerArmId: null,
    ...extra,
  });
  const now = new Date("2026-03-01T00:00:00Z");

  it('"winner" routes 100% of the arms\' traffic to a sequential winner, keeps the holdout, and does it once', () => {
    const clear = analysis([arm("a", 450, 45), arm("b", 450, 180), arm("holdout", 100, 5)]);
    expect(clear.sequentialWinner?.armId).toBe("b");
    const decision = decideWeights(SPLIT, clear, state("winner"), now);
    expect(decision).toMatchObject({ weights: { a: 0, b: 90, holdout: 10 }, winnerArmId: "b" });
    expect(decision!.reason).toMatch(/Auto-winner: "Long" beats "Short".*sequential \(always valid\) p = /);
    expect(
      decideWeights(SPLIT, clear, state("winner", { winnerArmId: "b", weights: decision!.weights }), now),
    ).toBeNull();
    // Not significant yet: nothing.
    expect(
      decideWeights(
        SPLIT,
        analysis([arm("a", 450, 45), arm("b", 450, 50), arm("holdout", 100, 5)]),
        state("winner"),
        now,
      ),
    ).toBeNull();
    expect(decideWeights(SPLIT, clear, state("off"), now)).toBeNull();
  });

  it("the bandit never puts an arm below its 1% floor, waits an attribution window between updates, and keeps the holdout", () => {
    const lopsided = analysis([arm("a", 450, 2), arm("b", 450, 300), arm("holdout", 100, 1)]);
    const decision = decideWeights(SPLIT, lopsided, state("bandit"), now)!;
    expect(decision.weights.holdout).toBe(10);
    expect(decision.weights.a).toBe(1); // floored at 1% of all traffic (not of the arms' 90%)
    expect(decision.weights.a + decision.weights.b).toBeCloseTo(90, 8);
    expect(decision.reason).toMatch(/Bandit re-weighting .*chance to be best Short 0\.0%, Long 100\.0%/);
    // Three arms, two hopeless: both floored, none below.
    const three: SplitDefinition = {
      ...SPLIT,
      arms: [...SPLIT.arms, { id: "c", label: "Emoji", weight: 0 }].map((a) => ({ ...a, weight: 30 })),
      holdout: { weight: 10 },
    };
    const d3 = decideWeights(
      three,
      analysis([arm("a", 300, 1), arm("b", 300, 250), arm("c", 300, 0), arm("holdout", 100, 1)], three),
      state("bandit"),
      now,
    )!;
    expect(d3.weights.a).toBe(1);
    expect(d3.weights.c).toBe(1);
    expect(d3.weights.b).toBe(88);
    // A holdout so large the floors cannot each be 1 of all traffic: the arms split what is left evenly at most.
    const huge: SplitDefinition = {
      ...SPLIT,
      arms: SPLIT.arms.map((a) => ({ ...a, weight: 0.5 })),
      holdout: { weight: 99 },
    };
    const dh = decideWeights(
      huge,
      analysis([arm("a", 450, 2), arm("b", 450, 300), arm("holdout", 100_000, 1)], huge),
      state("bandit"),
      now,
    );
    expect(dh).toBeNull(); // already even: nothing to change (and no error from floors that do not fit)
    // Changed 71 hours ago: too soon for a 72-hour window.
    expect(
      decideWeights(
        SPLIT,
        lopsided,
        state("bandit", { weightsChangedAt: new Date(now.getTime() - 71 * 3_600_000) }),
        now,
      ),
    ).toBeNull();
    expect(
      decideWeights(
        SPLIT,
        lopsided,
        state("bandit", { weightsChangedAt: new Date(now.getTime() - 73 * 3_600_000) }),
        now,
      ),
    ).not.toBeNull();
    // No matured data yet: nothing to learn from.
    expect(
      decideWeights(
        SPLIT,
        analysis([arm("a", 450, 2, { assigned: 0, converted: 0 }), arm("b", 450, 300, { assigned: 0, converted: 0 })]),
        state("bandit"),
        now,
      ),
    ).toBeNull();
  });
});
