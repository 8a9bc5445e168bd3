import { describe, expect, it } from "vitest";
import { deriveKey } from "./definitions-schemas";
import { ZPredictionKey } from "./types";

describe("deriveKey", () => {
  it.each([
    ["Purchase in 14 days!", "purchase_in_14_days"],
    ["  Churn risk  ", "churn_risk"],
    ["Réachat — été", "reachat_ete"],
    ["30-day churn", "day_churn"],
    ["A".repeat(60), "a".repeat(40)],
    ["Open_email__soon_", "open_email_soon"],
  ])("%s → %s, a valid key", (name, key) => {
    expect(deriveKey(name)).toBe(key);
    expect(ZPredictionKey.safeParse(key).success).toBe(true);
  });

  it("has no key for a name without a letter", () => {
    expect(deriveKey("2026 — 14")).toBeNull();
    expect(deriveKey("")).toBeNull();
  });

  it("never ends a 40-character cut on an underscore", () => {
    const key = deriveKey(`${"a".repeat(39)} b`);
    expect(key).toBe("a".repeat(39));
  });
});
