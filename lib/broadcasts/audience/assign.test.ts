import { describe, expect, it } from "vitest";
import { type AssignmentPlan, decideFor, hash01, isHeldOut, isInTestGroup, variantFor } from "./assign";

const BROADCAST = "6f1c0c3e-8a55-4a0b-9d0e-2b1f4a7c9e01";
// Sequential ids, fixed so the bounds cannot flake, and the hardest input for a hash to scatter.
const ids = Array.from({ length: 100_000 }, (_, i) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`);

/** Pearson's chi-square of observed counts against expected proportions. */
function chiSquare(observed: number[], proportions: number[]): number {
  const n = observed.reduce((a, b) => a + b, 0);
  return observed.reduce((sum, o, i) => sum + (o - n * proportions[i]) ** 2 / (n * proportions[i]), 0);
}

describe("hash01", () => {
  it("is deterministic, in [0, 1), and depends on the salt and the id", () => {
    const id = ids[0];
    expect(hash01("a", id)).toBe(hash01("a", id));
    expect(hash01("a", id)).not.toBe(hash01("b", id));
    expect(hash01("a", id)).not.toBe(hash01("a", ids[1]));
    for (const x of ids.slice(0, 1000)) {
      const u = hash01("a", x);
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
    }
  });

  it("is uniform over 100,000 ids (chi-square over 20 bins below the 0.1 % critical value, 43.8)", () => {
    const bins = new Array(20).fill(0);
    for (const id of ids) bins[Math.floor(hash01(`${BROADCAST}:variant`, id) * 20)]++;
    expect(chiSquare(bins, new Array(20).fill(1 / 20))).toBeLessThan(43.8);
  });

  it("draws holdout, test and variant independently (2×2 tables below the 0.1 % critical value, 10.83)", () => {
    const salts = [`${BROADCAST}:holdout`, `${BROADCAST}:test`, `${BROADCAST}:variant`];
    for (const [a, b] of [
      [0, 1],
      [0, 2],
      [1, 2],
    ]) {
      const table = [0, 0, 0, 0];
      for (const id of ids) table[(hash01(salts[a], id) < 0.5 ? 0 : 2) + (hash01(salts[b], id) < 0.5 ? 0 : 1)]++;
      expect(chiSquare(table, [0.25, 0.25, 0.25, 0.25])).toBeLessThan(10.83);
    }
  });
});

describe("assignment", () => {
  const plan: AssignmentPlan = {
    broadcastId: BROADCAST,
    holdoutPercent: 10,
    testPercent: 20,
    variants: [
      { key: "A", weight: 50 },
      { key: "B", weight: 30 },
      { key: "C", weight: 20 },
    ],
  };

  it("splits by the weights and percentages (chi-square below the 0.1 % critical values)", () => {
    const variants = { A: 0, B: 0, C: 0 } as Record<string, number>;
    let held = 0;
    let test = 0;
    for (const id of ids) {
      variants[variantFor(plan, id)]++;
      if (isHeldOut(plan, id)) held++;
      if (isInTestGroup(plan, id)) test++;
    }
    expect(chiSquare([variants.A, variants.B, variants.C], [0.5, 0.3, 0.2])).toBeLessThan(13.82);
    expect(chiSquare([held, ids.length - held], [0.1, 0.9])).toBeLessThan(10.83);
    expect(chiSquare([test, ids.length - test], [0.2, 0.8])).toBeLessThan(10.83);
  });

  it("gives every person one variant, the same every time, and a different split per broadcast", () => {
    const other = { ...plan, broadcastId: "0d6a3b52-1f7e-4c39-8d8b-5b2a8e4f6c10" };
    let moved = 0;
    for (const id of ids.slice(0, 1000)) {
      expect(variantFor(plan, id)).toBe(variantFor(plan, id));
      if (variantFor(plan, id) !== variantFor(other, id)) moved++;
    }
    expect(moved).toBeGreaterThan(400); // 1 − (0.5² + 0.3² + 0.2²) = 62 % expected
  });

  it("reads weights that do not add up to 100 as proportions, and a single variant as everyone's", () => {
    const counts = { A: 0, B: 0 } as Record<string, number>;
    const unnormalised = {
      ...plan,
      variants: [
        { key: "A", weight: 1 },
        { key: "B", weight: 3 },
      ],
    };
    for (const id of ids) counts[variantFor(unnormalised, id)]++;
    expect(chiSquare([counts.A, counts.B], [0.25, 0.75])).toBeLessThan(10.83);
    expect(variantFor({ ...plan, variants: [{ key: "only", weight: 100 }] }, ids[0])).toBe("only");
    expect(() => variantFor({ ...plan, variants: [] }, ids[0])).toThrow(/no variants/);
  });

  it("holds nobody out at 0 % and puts nobody in a test group without a test", () => {
    const none = { ...plan, holdoutPercent: 0, testPercent: null };
    expect(ids.slice(0, 2000).some((id) => isHeldOut(none, id) || isInTestGroup(none, id))).toBe(false);
  });

  it("decides per phase: holdouts first phase only, the test group in the test, the winner for the rest", () => {
    const seen = { holdout: 0, test: 0, rest: 0 };
    for (const id of ids.slice(0, 5000)) {
      const held = isHeldOut(plan, id);
      const inTest = isInTestGroup(plan, id);
      const none = decideFor(plan, null, null, id);
      const test = decideFor(plan, "test", null, id);
      const rest = decideFor(plan, "rest", "B", id);
      expect(none).toEqual(held ? { kind: "holdout" } : { kind: "message", variant: variantFor(plan, id) });
      if (held) expect(test).toEqual({ kind: "holdout" });
      else if (inTest) expect(test).toEqual({ kind: "message", variant: variantFor(plan, id) });
      else expect(test).toEqual({ kind: "none" });
      expect(rest).toEqual(held || inTest ? { kind: "none" } : { kind: "message", variant: "B" });
      if (held) seen.holdout++;
      if (test.kind === "message") seen.test++;
      if (rest.kind === "message") seen.rest++;
    }
    // every kind happened, and each person who is not held out gets exactly one message over the two phases
    expect(seen.holdout).toBeGreaterThan(0);
    expect(seen.test + seen.rest + seen.holdout).toBe(5000);
    expect(() => decideFor(plan, "rest", null, ids[0])).toThrow(/without a winner/);
  });
});
