import { hash } from "node:crypto";

/**
 * Who in a broadcast's audience is held out, who is in the winner test's group and which variant each person
 * gets. Each is a separate, deterministic draw from (broadcastId, profileId), so a chunk that is materialized
 * twice, or the rest phase weeks later, puts every person where they were the first time, and the three draws
 * do not depend on each other (the holdout is a uniform slice of every variant and of the test group).
 */

/** A uniform number in [0, 1) from a salt and a profile id: the first 48 bits of their SHA-256. */
export function hash01(salt: string, profileId: string): number {
  const digest = hash("sha256", `${salt}|${profileId}`, "buffer");
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

export interface AssignmentPlan {
  broadcastId: string;
  /** 0–50: percent of the audience that gets nothing */
  holdoutPercent: number;
  /** percent of the audience that gets the variants first (winner after test); null without a test */
  testPercent: number | null;
  /** weights add up to 100; another total is read as proportions of that total */
  variants: readonly { key: string; weight: number }[];
}

export function isHeldOut(plan: AssignmentPlan, profileId: string): boolean {
  return plan.holdoutPercent > 0 && hash01(`${plan.broadcastId}:holdout`, profileId) < plan.holdoutPercent / 100;
}

export function isInTestGroup(plan: AssignmentPlan, profileId: string): boolean {
  return plan.testPercent != null && hash01(`${plan.broadcastId}:test`, profileId) < plan.testPercent / 100;
}

/** The variant key by cumulative weight. */
export function variantFor(plan: AssignmentPlan, profileId: string): string {
  const { variants } = plan;
  if (variants.length === 0) throw new Error(`broadcast ${plan.broadcastId} has no variants`);
  if (variants.length === 1) return variants[0].key;
  const total = variants.reduce((sum, v) => sum + v.weight, 0);
  const point = hash01(`${plan.broadcastId}:variant`, profileId) * total;
  let cumulative = 0;
  for (const v of variants) {
    cumulative += v.weight;
    if (point < cumulative) return v.key;
  }
  return variants[variants.length - 1].key;
}

/**
 * The phase of a broadcast's audience: "test" while the test group gets the variants, "rest" once the winner
 * goes to everyone else, null when there is no test (everyone gets the variants at once).
 */
export type AudiencePhase = "test" | "rest" | null;

export type AudienceDecision = { kind: "holdout" } | { kind: "message"; variant: string } | { kind: "none" };

/**
 * What a person gets in a phase. Holdouts are recorded in the first phase only; in the rest phase the test
 * group already has its message and everyone else gets the winner.
 */
export function decideFor(
  plan: AssignmentPlan,
  phase: AudiencePhase,
  winnerVariant: string | null,
  profileId: string,
): AudienceDecision {
  const heldOut = isHeldOut(plan, profileId);
  if (phase === "rest") {
    if (!winnerVariant) throw new Error(`broadcast ${plan.broadcastId} is in its rest phase without a winner`);
    if (heldOut || isInTestGroup(plan, profileId)) return { kind: "none" };
    return { kind: "message", variant: winnerVariant };
  }
  if (heldOut) return { kind: "holdout" };
  if (phase === "test" && !isInTestGroup(plan, profileId)) return { kind: "none" };
  return { kind: "message", variant: variantFor(plan, profileId) };
}
