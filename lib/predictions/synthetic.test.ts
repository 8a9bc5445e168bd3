import { describe, expect, it } from "vitest";
import { filteredProbability, generateShop, oracleProbability, type SyntheticShop } from "./synthetic";
import { auc } from "./training/metrics";

/**
 * The synthetic shop behind bench:predictions and the training tests: its oracle ranks the real outcomes best,
 * and the ceiling (what the events can tell) sits between the recency baseline and the oracle.
 */

const DAYS = 120;
const HORIZON = 14;
const DAY = DAYS - HORIZON;

function outcomes(process: SyntheticShop["process"]) {
  const shop: SyntheticShop = { people: 4000, days: DAYS, activity: 0.5, seed: 5, process };
  const people = generateShop(shop, Date.UTC(2026, 0, 1), () => undefined).filter((p) => p.firstSeen < DAY);
  const labels = people.map((p) => (p.orders.subarray(DAY, DAY + HORIZON).some((o) => o > 0) ? 1 : 0));
  const recency = people.map((p) => {
    for (let d = DAY - 1; d >= p.firstSeen; d--) if (p.sessions[d]) return d;
    return p.firstSeen;
  });
  return {
    positives: labels.reduce<number>((a, b) => a + b, 0),
    oracle: auc(
      people.map((p) => oracleProbability(shop, p, DAY, HORIZON)),
      labels,
    ),
    ceiling: auc(
      people.map((p) => filteredProbability(shop, p, DAY, HORIZON)),
      labels,
    ),
    recency: auc(recency, labels),
  };
}

describe("synthetic shop", () => {
  it.each(["hidden_state", "observed_drivers"] as const)("%s: oracle ≥ ceiling > recency", (process) => {
    const r = outcomes(process);
    expect(r.positives).toBeGreaterThan(100);
    expect(r.ceiling).toBeLessThanOrEqual(r.oracle + 0.005);
    expect(r.ceiling).toBeGreaterThan(r.recency);
    expect(r.recency).toBeGreaterThan(0.55);
  });

  it("the same seed makes the same shop", () => {
    const shop: SyntheticShop = { people: 50, days: 60, activity: 0.5, seed: 9, process: "observed_drivers" };
    const count = () => {
      let events = 0;
      generateShop(shop, 0, (batch) => {
        events += batch.length;
      });
      return events;
    };
    expect(count()).toBe(count());
  });
});
