import { requirePermission, type WorkspaceContext } from "../auth/context";
import { db } from "../db/client";
import { pgPool } from "../db/pool";
import { type ExperimentAnalysis } from "./analysis";
import { selectLatestResultHeadlines, selectThinnedResultSummaries } from "./store/experiments";
import { type AutoWinnerMode } from "./auto-winner";
import { describeWeights, effectiveSplitWeights, publishedWeights, toWeightMap, type WeightMap } from "./weights";
import { asWeights, findExperiment } from "./experiment-rows";
import { type ExperimentSettings, settingsOf } from "./experiment-settings";
import { loadJourneySplits, requireSplit, splitsOf } from "./journey-splits";

/** What the experiment pages and APIs show: the stored evaluations, the weights and their history. */

const HISTORY_POINTS = 400;

export interface WeightChangeView {
  at: string;
  weights: WeightMap;
  previousWeights: WeightMap | null;
  description: string;
  reason: string;
  actorType: string;
  actorLabel: string;
}

export interface LiftPoint {
  computedAt: string;
  arms: ExperimentAnalysis["summary"]["arms"];
}

export interface ExperimentView {
  journey: { id: string; name: string; status: string };
  nodeId: string;
  label: string;
  /** is the split in the live version (so people are being assigned)? */
  live: boolean;
  arms: { id: string; label: string; weight: number }[];
  holdoutWeight: number;
  settings: ExperimentSettings;
  weights: { published: WeightMap; current: WeightMap; source: "published" | "override" };
  winnerArmId: string | null;
  lastEvaluatedAt: string | null;
  result: ExperimentAnalysis | null;
  /** stored evaluations, oldest first: the cumulative lift over time */
  history: LiftPoint[];
  /** newest first */
  weightChanges: WeightChangeView[];
}

export interface ExperimentListItem {
  nodeId: string;
  label: string;
  live: boolean;
  arms: { id: string; label: string; weight: number }[];
  holdoutWeight: number;
  autoWinner: AutoWinnerMode;
  lastEvaluatedAt: string | null;
  assigned: number;
  winner: { armId: string; label: string } | null;
  enoughData: boolean | null;
}

export async function getExperiment(ctx: WorkspaceContext, journeyId: string, nodeId: string): Promise<ExperimentView> {
  requirePermission(ctx, "workspace:read");
  const journey = await loadJourneySplits(ctx, journeyId);
  const { split, live } = requireSplit(journey, nodeId);
  const row = await findExperiment(journeyId, nodeId);
  const [latest, points, changes] = row
    ? await Promise.all([
        db().experimentResult.findFirst({
          where: { experimentId: row.id },
          orderBy: { computedAt: "desc" },
          select: { result: true },
        }),
        // The whole experiment, thinned evenly to at most HISTORY_POINTS evaluations (always the latest).
        selectThinnedResultSummaries(pgPool(), row.id, HISTORY_POINTS),
        db().experimentWeightChange.findMany({ where: { experimentId: row.id }, orderBy: { at: "desc" }, take: 200 }),
      ])
    : [null, [], []];
  const effective = effectiveSplitWeights(split, row?.weights);
  return {
    journey: { id: journey.journey.id, name: journey.journey.name, status: journey.journey.status },
    nodeId,
    label: split.label,
    live,
    arms: split.arms,
    holdoutWeight: split.holdout?.weight ?? 0,
    settings: settingsOf(row),
    weights: { published: publishedWeights(split), current: toWeightMap(effective), source: effective.source },
    winnerArmId: row?.winnerArmId ?? null,
    lastEvaluatedAt: row?.lastEvaluatedAt?.toISOString() ?? null,
    result: (latest?.result as unknown as ExperimentAnalysis | undefined) ?? null,
    history: points
      .filter((p) => Array.isArray(p.summary))
      .reverse()
      .map((p) => ({ computedAt: p.computedAt.toISOString(), arms: p.summary as LiftPoint["arms"] })),
    weightChanges: changes.map((c) => {
      const weights = asWeights(c.weights) ?? {};
      return {
        at: c.at.toISOString(),
        weights,
        previousWeights: asWeights(c.previousWeights),
        description: describeWeights(split, weights),
        reason: c.reason,
        actorType: c.actorType,
        actorLabel: c.actorLabel,
      };
    }),
  };
}

/** The journey's A/B splits with their latest evaluation's headline. */
export async function listExperiments(
  ctx: WorkspaceContext,
  journeyId: string,
): Promise<{ journey: ExperimentView["journey"]; experiments: ExperimentListItem[] }> {
  requirePermission(ctx, "workspace:read");
  const journey = await loadJourneySplits(ctx, journeyId);
  const published = splitsOf(journey.graph);
  const publishedIds = new Set(published.map((split) => split.nodeId));
  // Published splits first, then those only in the draft (not live yet).
  const splits = [
    ...published.map((split) => ({ split, live: journey.live })),
    ...splitsOf(journey.draft).flatMap((split) => (publishedIds.has(split.nodeId) ? [] : [{ split, live: false }])),
  ];
  const rows = await db().experiment.findMany({ where: { journeyId } });
  const byNode = new Map(rows.map((r) => [r.nodeId, r]));
  const latest = rows.length ? await selectLatestResultHeadlines(pgPool(), journeyId) : [];
  const latestByNode = new Map(latest.map((l) => [l.nodeId, l]));
  return {
    journey: { id: journey.journey.id, name: journey.journey.name, status: journey.journey.status },
    experiments: splits.map(({ split, live }) => {
      const row = byNode.get(split.nodeId);
      const l = latestByNode.get(split.nodeId);
      return {
        nodeId: split.nodeId,
        label: split.label,
        live,
        arms: split.arms,
        holdoutWeight: split.holdout?.weight ?? 0,
        autoWinner: settingsOf(row ?? null).autoWinner,
        lastEvaluatedAt: row?.lastEvaluatedAt?.toISOString() ?? null,
        assigned: l?.assigned ?? 0,
        winner: l?.winner ? { armId: l.winner.armId, label: l.winner.label } : null,
        enoughData: l?.enoughData ?? null,
      };
    }),
  };
}
