import { loadVersions } from "../engine/graphs";
import type pg from "pg";
import { type ArmData, EMPTY_ARM, type GoalSettings, splitConfigIn } from "./analysis";
import { selectConversionsPerArm, selectFirstAssignmentGroups, selectMessagesPerArm } from "./store/split-counts";
import { effectiveSplitWeights, HOLDOUT, type WeightMap } from "./weights";

/**
 * Loads what the intent-to-treat analysis (lib/experiments/analysis.ts) of one A/B split node needs: per arm,
 * from SplitAssignment joined to the engine's tables (lib/experiments/store/split-counts.ts).
 *
 * The unit of analysis is the PERSON, as the randomization is (a hash of person and node): each person
 * counts once per split, in the arm of their FIRST assignment there, even when re-entry ("always", "again
 * after N days") brings them through the split again; merged profiles count as the surviving person.
 * Counting enrollments instead would put one person several times in an arm, inflating the SRM's
 * chi-square and understating every variance.
 *   assigned                  people whose first assignment is up to `now`
 *   sent/delivered/opened/clicked   Message rows of their enrollments at this split, created at or after
 *                             that enrollment's assignment, counted by their sentAt/deliveredAt/openedAt/clickedAt
 *   converted                 people with a Conversion (of any of their enrollments at this split) within
 *                             [first assignedAt, first assignedAt + attributionHours] (the journey goal's
 *                             window, default 72 h; lib/experiments/attribution.ts says which events
 *                             convert and why the window counts from assignment)
 *   revenue                   per person, the goal event's `revenueProperty` (a number, or a numeric string)
 *                             summed over their distinct conversion events in that one window (from the
 *                             first assignment: later re-entries do not extend it, so every person is
 *                             measured over the same length of time)
 *   unsubscribed/bounced/complained   people with a MessageEvent of that type (or a BOUNCED message) after the split
 *   matured                   the same, only for people first assigned at least one attribution window ago
 *                             (the bandit uses them: everyone there has had the whole window to convert)
 *   wouldHaveMessaged         holdout only: people whose first assignment's enrollment reached a message or
 *                             webhook step by `now` (held-out people walk the control arm's path with those
 *                             withheld, and SplitAssignment.wouldHaveMessagedAt records the first), and the
 *                             median time from that assignment to it
 * and the expected share of every arm for the sample-ratio check: first assignments are grouped by journey
 * version and by weight period (between two ExperimentWeightChange rows), and each group expects the
 * weights that were in effect for it, so an auto-winner or bandit changing the weights does not look
 * like a broken split.
 */

export interface WeightPeriod {
  /** from this moment on (a weight change's `at`) */
  at: Date;
  weights: WeightMap;
}

/**
 * The per-arm counts of one split and the expected assignment counts under the weights each person was
 * assigned with. `client` is any connection (not inside another transaction on PGlite). Read-only.
 */
export async function loadSplitData(
  client: pg.ClientBase,
  input: { journeyId: string; nodeId: string; now: Date; goal: GoalSettings; weightChanges: WeightPeriod[] },
): Promise<{ data: ArmData[]; expected: Record<string, number> }> {
  const { journeyId, nodeId, now, goal } = input;
  const changes = [...input.weightChanges].sort((a, b) => a.at.getTime() - b.at.getTime());
  const maturedBefore = new Date(now.getTime() - goal.attributionHours * 3_600_000);

  const key = { journeyId, nodeId, now };
  const groups = await selectFirstAssignmentGroups(
    client,
    key,
    changes.map((c) => c.at),
    maturedBefore,
  );
  const conversions = await selectConversionsPerArm(
    client,
    key,
    goal.attributionHours,
    goal.revenueProperty,
    maturedBefore,
  );
  const messages = await selectMessagesPerArm(client, key);

  const data = new Map<string, ArmData>();
  const arm = (id: string) => {
    let d = data.get(id);
    if (!d) data.set(id, (d = EMPTY_ARM(id)));
    return d;
  };
  for (const g of groups) {
    const d = arm(g.armId);
    d.assigned += g.n;
    d.matured.assigned += g.matured;
  }
  for (const c of conversions)
    Object.assign(arm(c.armId), {
      converted: c.converted,
      revenue: c.revenue,
      revenueSquares: c.revenueSquares,
      matured: { ...arm(c.armId).matured, converted: c.matured },
    });
  for (const m of messages) {
    const { armId, ...counts } = m;
    Object.assign(arm(armId), counts);
  }

  // The holdout's would-have-been-messaged people, on their first assignment's enrollment (so the time counts
  // from the assignment that put them in the holdout).
  if (groups.some((g) => g.armId === HOLDOUT)) {
    const delays = groups.flatMap((g) => g.heldDelays ?? []).sort((a, b) => a - b);
    const middle = delays.length >> 1;
    const median =
      delays.length === 0 ? null : delays.length % 2 ? delays[middle] : (delays[middle - 1] + delays[middle]) / 2;
    arm(HOLDOUT).wouldHaveMessaged = { people: delays.length, medianHours: median === null ? null : median / 3600 };
  }

  // Expected counts: each (version, period) group expects the weights in effect for it.
  const versions = await loadVersions(client, new Set(groups.map((g) => g.versionId)));
  const totals = new Map<string, { versionId: string; period: number; n: number }>();
  for (const g of groups) {
    const key = `${g.versionId}:${g.period}`;
    const t = totals.get(key) ?? { versionId: g.versionId, period: g.period, n: 0 };
    t.n += g.n;
    totals.set(key, t);
  }
  const expected: Record<string, number> = {};
  for (const { versionId, period, n } of totals.values()) {
    const config = splitConfigIn(versions.get(versionId)?.graph, nodeId);
    if (!config) continue;
    const weights = effectiveSplitWeights(config, period > 0 ? changes[period - 1].weights : null);
    for (const a of weights.arms) expected[a.id] = (expected[a.id] ?? 0) + (n * a.weight) / 100;
    if (weights.holdout > 0) expected[HOLDOUT] = (expected[HOLDOUT] ?? 0) + (n * weights.holdout) / 100;
  }
  return { data: [...data.values()], expected };
}
