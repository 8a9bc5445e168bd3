import { describe, expect, it } from "vitest";
import {
  analyzeExperiment,
  DEFAULT_ANALYSIS_SETTINGS,
  type AnalysisSettings,
  type ArmData,
  type SplitDefinition,
} from "./analysis";
import { enrolmentRate, expectedLossPoints, summarizeExperiment } from "./summary";

const TWO: SplitDefinition = {
  nodeId: "ab",
  label: "Subject",
  arms: [
    { id: "a", label: "A", weight: 50 },
    { id: "b", label: "B", weight: 50 },
  ],
};

function arm(armId: string, assigned: number, converted: number): ArmData {
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
    matured: { assigned, converted },
  };
}

function run(
  data: ArmData[],
  options: { settings?: Partial<AnalysisSettings>; expected?: Record<string, number>; hasGoal?: boolean } = {},
) {
  const total = data.reduce((s, d) => s + d.assigned, 0);
  return analyzeExperiment({
    journeyId: "j",
    nodeId: "ab",
    computedAt: new Date("2026-03-01T00:00:00Z"),
    split: TWO,
    goal: { eventName: "purchase", attributionHours: 72, revenueProperty: null },
    hasGoal: options.hasGoal ?? true,
    data,
    expected: options.expected ?? { a: total / 2, b: total / 2 },
    currentWeights: { a: 50, b: 50 },
    settings: { ...DEFAULT_ANALYSIS_SETTINGS, ...options.settings },
  });
}

describe("summarizeExperiment", () => {
  it("no data: nobody has reached the split", () => {
    expect(summarizeExperiment(null, { peoplePerDay: 10 })).toMatchObject({
      state: "no_data",
      text: "No results yet: nobody has reached this split.",
    });
    expect(summarizeExperiment(run([]), { peoplePerDay: 10 }).state).toBe("no_data");
  });

  it("SRM: says not to act, whatever the lift", () => {
    // 1,000 against 800 where 900 each were expected: χ² p ≈ 2e-6.
    const result = run([arm("a", 1000, 100), arm("b", 800, 200)], { expected: { a: 900, b: 900 } });
    expect(result.srm?.mismatch).toBe(true);
    const summary = summarizeExperiment(result, { peoplePerDay: 100 });
    expect(summary.state).toBe("srm");
    expect(summary.text).toMatch(/^Do not act on these numbers: .*sample ratio mismatch/);
  });

  it("no goal: nothing to compare", () => {
    expect(
      summarizeExperiment(run([arm("a", 200, 0), arm("b", 200, 0)], { hasGoal: false }), { peoplePerDay: 10 }).state,
    ).toBe("no_goal");
  });

  it("winner: names the arm and its lift", () => {
    // 15% against 55% of 180 each: a sure winner on the sequential test.
    const summary = summarizeExperiment(run([arm("a", 180, 27), arm("b", 180, 99)], { settings: { nStar: 500 } }), {
      peoplePerDay: 50,
    });
    expect(summary).toMatchObject({ state: "winner", daysLeft: null });
    expect(summary.text).toBe(
      "B wins: it converts 266.7% better than A (55.0% against 15.0%), and the test is certain enough to act on.",
    );
  });

  it("control wins when the only other arm loses", () => {
    const summary = summarizeExperiment(run([arm("a", 180, 99), arm("b", 180, 27)], { settings: { nStar: 500 } }), {
      peoplePerDay: 50,
    });
    expect(summary).toMatchObject({ state: "winner", text: "A (the control) wins: every other arm converts worse." });
  });

  it("too few people: how many more, and the days at the current rate", () => {
    // 40 people and 4 conversions each (10%): each arm needs 20 / 0.10 = 200 people, so 400 in all, 320 more;
    // the lift is 0, so certainty adds nothing. At 40 a day: 8 days.
    const result = run([arm("a", 40, 4), arm("b", 40, 4)]);
    const summary = summarizeExperiment(result, { peoplePerDay: 40 });
    expect(summary).toMatchObject({ state: "too_few", morePeople: 320, daysLeft: 8 });
    expect(summary.text).toBe(
      "No winner yet: too few people (every arm needs 100 people and 20 conversions). About 8 more days at the current rate.",
    );
    // No rate known yet: the people, not days.
    expect(summarizeExperiment(result, { peoplePerDay: null }).text).toBe(
      "No winner yet: too few people (every arm needs 100 people and 20 conversions). About 320 more people needed.",
    );
  });

  it("ahead, not yet certain: the days until the current lift would clear the test", () => {
    // 10% against 12% of 1,000 each (fixed horizon): p ≈ 0.16; the lift holds and clears α = 0.05 at ≈ 2.2× the people.
    const result = run([arm("a", 1000, 100), arm("b", 1000, 120)], { settings: { test: "fixed" } });
    expect(result.winner).toBeNull();
    const summary = summarizeExperiment(result, { peoplePerDay: 200 });
    expect(summary.state).toBe("ahead");
    // p = 0.192 is z ≈ 1.304; z grows like √people, so (1.96 / 1.304)² ≈ 2.26 × 2,000 people: ≈ 2,520 more, 13 days at 200 a day.
    expect(summary.morePeople).toBeGreaterThan(2450);
    expect(summary.morePeople).toBeLessThan(2600);
    expect(summary.daysLeft).toBe(13);
    expect(summary.daysLeft).toBe(Math.ceil(summary.morePeople! / 200));
    expect(summary.text).toBe(
      `B is ahead (+20.0% against A), not yet certain: about ${summary.daysLeft} more days at the current rate.`,
    );
    // The certainty reached at that scale is real: the same rates with that many people clear the test.
    const k = (2000 + summary.morePeople!) / 2000;
    const at = (n: number) => Math.round(n * k);
    expect(
      run([arm("a", at(1000), at(100)), arm("b", at(1000), at(120))], { settings: { test: "fixed" } }).winner?.armId,
    ).toBe("b");
  });

  it("control ahead, not yet certain", () => {
    const summary = summarizeExperiment(
      run([arm("a", 1000, 120), arm("b", 1000, 100)], { settings: { test: "fixed" } }),
      { peoplePerDay: 200 },
    );
    expect(summary.state).toBe("ahead");
    expect(summary.text).toMatch(
      /^A \(the control\) is ahead \(B −16\.7%\), not yet certain: about \d+ more days at the current rate\.$/,
    );
  });

  it("no difference: the lift is too small to become certain within 60 days at the current rate", () => {
    // 10.0% against 10.1% of 5,000 each: certainty would need millions of people.
    const summary = summarizeExperiment(run([arm("a", 5000, 500), arm("b", 5000, 505)]), { peoplePerDay: 100 });
    expect(summary.state).toBe("no_difference");
    expect(summary.text).toMatch(
      /^No clear difference: the arms convert alike so far \(B −\d+\.\d% to \+\d+\.\d% against A\); certainty would take more than a year at the current rate\.$/,
    );
    // Exactly equal rates: nothing to scale.
    const equal = summarizeExperiment(run([arm("a", 5000, 500), arm("b", 5000, 500)]), { peoplePerDay: 100 });
    expect(equal).toMatchObject({ state: "no_difference", morePeople: null });
  });
});

describe("enrolmentRate", () => {
  const point = (computedAt: string, a: number, b: number) => ({
    computedAt,
    arms: [a, b].map((assigned, i) => ({
      armId: String(i),
      label: String(i),
      assigned,
      converted: 0,
      conversionRate: 0,
      estimate: null,
      ci: null,
      pValue: null,
    })),
  });
  it("people per day into the arms over the last week of evaluations", () => {
    expect(
      enrolmentRate([
        point("2026-03-01T00:00:00Z", 0, 0),
        point("2026-03-02T00:00:00Z", 50, 50),
        point("2026-03-03T00:00:00Z", 100, 100),
      ]),
    ).toBe(100);
    // Older than a week does not count: 10 a day lately, not the early burst.
    expect(
      enrolmentRate([
        point("2026-02-01T00:00:00Z", 0, 0),
        point("2026-02-02T00:00:00Z", 500, 500),
        point("2026-02-20T00:00:00Z", 500, 500),
        point("2026-02-27T00:00:00Z", 535, 535),
      ]),
    ).toBeCloseTo(10, 9);
  });
  it("unknown from less than an hour of history", () => {
    expect(enrolmentRate([point("2026-03-01T00:00:00Z", 10, 10)])).toBeNull();
    expect(enrolmentRate([])).toBeNull();
  });
});

describe("expectedLossPoints", () => {
  it("a relative expected loss as percentage points of conversion", () => {
    // 109% of a 4% control rate is 4.36 points, not "109%".
    expect(expectedLossPoints(1.09, 0.04)).toBeCloseTo(4.36, 12);
    expect(expectedLossPoints(0.02, 0.15)).toBeCloseTo(0.3, 12);
  });
});
