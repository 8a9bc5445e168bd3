import { requirePermission, type WorkspaceContext } from "../auth/context";
import { db, type Prisma } from "../db/client";
import { pgPool } from "../db/pool";
import { prismaQueryable } from "../db/sql";
import { loadVersions } from "../engine/graphs";
import { AppError } from "../errors";
import { type TJourneyGraph } from "../journeys/graph";
import { analyzeExperiment, type ExperimentAnalysis, type SplitDefinition } from "./analysis";
import { loadSplitData } from "./load-split-data";
import { lockExperimentDecisionState, selectLiveJourneysWithSplits } from "./store/experiments";
import { decideWeights } from "./auto-winner";
import { effectiveSplitWeights, toWeightMap, type WeightMap } from "./weights";
import { asWeights, ensureExperiment } from "./experiment-rows";
import { settingsOf } from "./experiment-settings";
import { goalOf, loadJourneySplits, requireSplit, splitsOf } from "./journey-splits";
import { type ExperimentView, getExperiment } from "./read-experiments";

/**
 * Experiments: every A/B split node of a journey, with its state (Experiment: auto-winner mode, the
 * weights for new assignments, analysis settings: { test, alpha, nStar, correction, prior } in its JSON
 * `settings` column), its weight history (ExperimentWeightChange, each with
 * its reason and who or what made it) and its stored evaluations (ExperimentResult). Pages and APIs read
 * the stored evaluations only; `evaluateAllExperiments` (the evaluate-experiments cron, every 15 minutes,
 * and `npm run experiments:evaluate`) computes them from the engine's tables (lib/experiments/analysis.ts)
 * and applies the auto-winner (lib/experiments/auto-winner.ts).
 */

export interface EvaluationTarget {
  workspaceId: string;
  journeyId: string;
  graph: TJourneyGraph;
  split: SplitDefinition;
}

/**
 * Evaluates one split at `now`: loads the counts, analyses them, applies the auto-winner and stores the
 * result (unless nobody was assigned yet). Returns the analysis and the weight change it made, if any.
 */
export async function evaluateExperiment(
  target: EvaluationTarget,
  now: Date,
): Promise<{
  analysis: ExperimentAnalysis;
  stored: boolean;
  weightChange: { weights: WeightMap; reason: string } | null;
}> {
  const { journeyId, split, graph } = target;
  const row = await ensureExperiment(target.workspaceId, journeyId, split.nodeId);
  const settings = settingsOf(row);
  const changes = await db().experimentWeightChange.findMany({
    where: { experimentId: row.id },
    orderBy: { at: "asc" },
    select: { at: true, weights: true },
  });
  const { goal, hasGoal } = goalOf(graph);

  const client = await pgPool().connect();
  let loaded: Awaited<ReturnType<typeof loadSplitData>>;
  try {
    loaded = await loadSplitData(client, {
      journeyId,
      nodeId: split.nodeId,
      now,
      goal,
      weightChanges: changes.map((c) => ({ at: c.at, weights: asWeights(c.weights) ?? {} })),
    });
  } finally {
    client.release();
  }
  const currentWeights = toWeightMap(effectiveSplitWeights(split, row.weights));
  const analysis = analyzeExperiment({
    journeyId,
    nodeId: split.nodeId,
    computedAt: now,
    split,
    goal,
    hasGoal,
    data: loaded.data,
    expected: loaded.expected,
    currentWeights,
    settings,
  });
  const assigned = loaded.data.reduce((sum, d) => sum + d.assigned, 0);

  const decision = decideWeights(
    split,
    analysis,
    {
      mode: settings.autoWinner,
      weights: asWeights(row.weights),
      weightsChangedAt: row.weightsChangedAt,
      winnerArmId: row.winnerArmId,
    },
    now,
  );
  let applied: { weights: WeightMap; reason: string } | null = null;
  await db().$transaction(async (tx) => {
    // Locked and re-read: a settings change or another evaluation since we read decides first.
    const locked = await lockExperimentDecisionState(prismaQueryable(tx), row.id);
    const unchanged =
      locked &&
      locked.autoWinner === row.autoWinner &&
      (locked.weightsChangedAt?.getTime() ?? null) === (row.weightsChangedAt?.getTime() ?? null) &&
      locked.winnerArmId === row.winnerArmId;
    if (decision && unchanged) {
      await tx.experiment.update({
        where: { id: row.id },
        data: { weights: decision.weights, weightsChangedAt: now, winnerArmId: decision.winnerArmId, updatedAt: now },
      });
      await tx.experimentWeightChange.create({
        data: {
          experimentId: row.id,
          journeyId,
          nodeId: split.nodeId,
          at: now,
          weights: decision.weights,
          previousWeights: currentWeights,
          reason: decision.reason,
          actorType: "system",
          actorLabel: `Auto-winner (${settings.autoWinner})`,
        },
      });
      applied = { weights: decision.weights, reason: decision.reason };
      for (const arm of analysis.arms) arm.currentWeight = decision.weights[arm.armId] ?? arm.currentWeight;
    }
    if (assigned > 0) {
      await tx.experimentResult.create({
        data: {
          experimentId: row.id,
          journeyId,
          nodeId: split.nodeId,
          computedAt: now,
          result: analysis as unknown as Prisma.InputJsonObject,
        },
      });
    }
    await tx.experiment.update({ where: { id: row.id }, data: { lastEvaluatedAt: now } });
  });
  return { analysis, stored: assigned > 0, weightChange: applied };
}

export interface EvaluateAllResult {
  journeys: number;
  evaluated: number;
  stored: number;
  weightChanges: number;
  failed: { journeyId: string; nodeId: string; error: string }[];
}

/** Every split of every live (or paused) journey: what the evaluate-experiments cron runs. */
export async function evaluateAllExperiments(now: Date = new Date()): Promise<EvaluateAllResult> {
  const journeys = await selectLiveJourneysWithSplits(pgPool());
  const result: EvaluateAllResult = {
    journeys: journeys.length,
    evaluated: 0,
    stored: 0,
    weightChanges: 0,
    failed: [],
  };
  if (!journeys.length) return result;
  const client = await pgPool().connect();
  let versions: Awaited<ReturnType<typeof loadVersions>>;
  try {
    versions = await loadVersions(
      client,
      journeys.map((j) => j.versionId),
    );
  } finally {
    client.release();
  }
  for (const journey of journeys) {
    const version = versions.get(journey.versionId);
    if (!version) continue;
    for (const split of splitsOf(version.graph)) {
      try {
        const outcome = await evaluateExperiment(
          { workspaceId: journey.workspaceId, journeyId: journey.journeyId, graph: version.graph, split },
          now,
        );
        result.evaluated++;
        if (outcome.stored) result.stored++;
        if (outcome.weightChange) result.weightChanges++;
      } catch (error) {
        // One broken experiment must not stop the others; the next run tries again.
        console.error(`[cairn] evaluating experiment ${journey.journeyId}/${split.nodeId} failed`, error);
        result.failed.push({ journeyId: journey.journeyId, nodeId: split.nodeId, error: (error as Error).message });
      }
    }
  }
  return result;
}

/** "Evaluate now" for an editor (or a full API key): the same evaluation as the cron, for one split. */
export async function evaluateExperimentNow(
  ctx: WorkspaceContext,
  journeyId: string,
  nodeId: string,
  now: Date = new Date(),
): Promise<ExperimentView> {
  requirePermission(ctx, "content:write");
  const journey = await loadJourneySplits(ctx, journeyId);
  const { split, live } = requireSplit(journey, nodeId);
  if (!live || !journey.graph)
    throw new AppError(
      "conflict",
      "This split is not live: publish the journey first, then people are assigned and can be evaluated.",
    );
  await evaluateExperiment({ workspaceId: journey.journey.workspaceId, journeyId, graph: journey.graph, split }, now);
  return getExperiment(ctx, journeyId, nodeId);
}
