import { describe, expect, it } from "vitest";
import { analyzeBroadcast, chooseWinner, type StatisticsInput, type VariantArmCounts } from "./broadcast-statistics";

const arm = (key: string, assigned: number, over: Partial<VariantArmCounts> = {}): VariantArmCounts => ({
  key,
  assigned,
  sent: assigned,
  delivered: assigned,
  opened: 0,
  clicked: 0,
  converted: 0,
  revenue: 0,
  revenueSquares: 0,
  unsubscribed: 0,
  bounced: 0,
  complained: 0,
  ...over,
});

const input = (over: Partial<StatisticsInput> = {}): StatisticsInput => ({
  broadcastId: "b",
  name: "Sale",
  variants: [
    { key: "A", name: "Plain", weight: 50 },
    { key: "B", name: "", weight: 50 },
  ],
  holdoutPercent: 0,
  testPercent: null,
  metric: "conversion",
  conversionEvent: "Order Completed",
  conversionWindowHours: 72,
  revenueProperty: "revenue",
  counts: [],
  holdout: null,
  now: new Date("2026-03-02T00:00:00Z"),
  ...over,
});

describe("a broadcast's variants as a split", () => {
  it("compares the chosen metric: opens, clicks or conversions", () => {
    const counts = [
      arm("A", 500, { opened: 100, clicked: 10, converted: 5 }),
      arm("B", 500, { opened: 150, clicked: 30, converted: 6 }),
    ];
    expect(analyzeBroadcast(input({ counts, metric: "open" })).arms.map((a) => a.converted)).toEqual([100, 150]);
    expect(analyzeBroadcast(input({ counts, metric: "click" })).arms.map((a) => a.converted)).toEqual([10, 30]);
    expect(analyzeBroadcast(input({ counts })).arms.map((a) => a.converted)).toEqual([5, 6]);
  });

  it("expects the holdout's share among the test group's people, so a correct assignment shows no mismatch", () => {
    // 10% held out of everyone, 20% of the rest tested: of 10,000 people, 1,000 held out and 1,800 tested
    const analysis = analyzeBroadcast(
      input({
        holdoutPercent: 10,
        testPercent: 20,
        counts: [arm("A", 900, { converted: 90 }), arm("B", 900, { converted: 95 })],
        holdout: { assigned: 1000, converted: 80, revenue: 0, revenueSquares: 0 },
      }),
    );
    expect(analysis.srm!.expected.map(Math.round)).toEqual([900, 900, 1000]);
    expect(analysis.srm!.mismatch).toBe(false);
    expect(analysis.incrementality).toMatchObject({ holdoutAssigned: 1000, treatedAssigned: 1800 });
  });

  it("flags a mismatch when the variants are far from their weights", () => {
    const analysis = analyzeBroadcast(input({ counts: [arm("A", 1000), arm("B", 500)] }));
    expect(analysis.srm!.mismatch).toBe(true);
    expect(analysis.banners.map((b) => b.kind)).toContain("srm");
  });

  it('keeps a variant keyed "holdout" apart from the holdout', () => {
    const analysis = analyzeBroadcast(
      input({
        variants: [
          { key: "holdout", name: "", weight: 50 },
          { key: "B", name: "", weight: 50 },
        ],
        holdoutPercent: 10,
        counts: [arm("holdout", 100, { converted: 30 }), arm("B", 100, { converted: 20 })],
        holdout: { assigned: 20, converted: 2, revenue: 0, revenueSquares: 0 },
      }),
    );
    expect(analysis.arms.map((a) => [a.armId, a.assigned])).toEqual([
      ["variant:holdout", 100],
      ["B", 100],
    ]);
    expect(analysis.holdout!.assigned).toBe(20);
  });
});

describe("choosing the winner when the test time is up", () => {
  it("takes the sequential test's winner", () => {
    const analysis = analyzeBroadcast(
      input({ metric: "click", counts: [arm("A", 2000, { clicked: 100 }), arm("B", 2000, { clicked: 400 })] }),
    );
    const choice = chooseWinner(analysis, "click", 4);
    expect(choice).toMatchObject({ key: "B", significant: true });
    expect(choice.reason).toMatch(/click rate \+300\.0%/);
  });

  it("takes the control when every other variant is significantly worse", () => {
    const analysis = analyzeBroadcast(
      input({ metric: "open", counts: [arm("A", 2000, { opened: 800 }), arm("B", 2000, { opened: 200 })] }),
    );
    expect(chooseWinner(analysis, "open", 4)).toMatchObject({ key: "A", significant: true });
  });

  it("otherwise the best observed rate, the first of equals, and says the difference was not significant", () => {
    const close = analyzeBroadcast(
      input({ metric: "open", counts: [arm("A", 200, { opened: 40 }), arm("B", 200, { opened: 43 })] }),
    );
    const choice = chooseWinner(close, "open", 6);
    expect(choice).toMatchObject({ key: "B", significant: false });
    expect(choice.reason).toMatch(
      /^After 6 h no variant was significantly better on open rate \(sequential test\); sending "Variant B"/,
    );
    const tie = analyzeBroadcast(
      input({ metric: "open", counts: [arm("A", 10, { opened: 1 }), arm("B", 10, { opened: 1 })] }),
    );
    expect(chooseWinner(tie, "open", 6).key).toBe("A");
    const nothing = analyzeBroadcast(input({ metric: "open" }));
    expect(chooseWinner(nothing, "open", 6).key).toBe("A");
  });

  it("does not trust a test whose sample ratio is off", () => {
    const broken = analyzeBroadcast(
      input({ metric: "open", counts: [arm("A", 3000, { opened: 300 }), arm("B", 1000, { opened: 500 })] }),
    );
    const choice = chooseWinner(broken, "open", 4);
    expect(choice.significant).toBe(false);
    expect(choice.reason).toMatch(/sample-ratio check failed/);
  });
});
