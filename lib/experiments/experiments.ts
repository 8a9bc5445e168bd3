import { z } from "zod";
import { recordAudit } from "../audit/audit-log";
import { actorLabel, requirePermission, type Actor, type WorkspaceContext } from "../auth/context";
import { db, type Prisma } from "../db/client";
import { Prisma as PrismaRuntime } from "../db/generated/client";
import { pgPool } from "../db/pool";
import { prismaQueryable } from "../db/sql";
import { loadVersions } from "../engine/graphs";
import { AppError, parseInput } from "../errors";
import { ZJourneyGraph, type TJourneyGraph } from "../journeys/graph";
import {
  analyzeExperiment,
  CORRECTIONS,
  DEFAULT_ANALYSIS_SETTINGS,
  splitConfigIn,
  type AnalysisSettings,
  type Correction,
  type ExperimentAnalysis,
  type LiftPrior,
  type GoalSettings,
  type SplitDefinition,
  type TestMethod,
} from "./analysis";
import { loadSplitData } from "./load-split-data";
import {
  lockExperimentDecisionState,
  lockExperimentWeights,
  selectLatestResultHeadlines,
  selectLiveJourneysWithSplits,
  selectThinnedResultSummaries,
} from "./store/experiments";
import { attributionHoursOf } from "./attribution";
import { AUTO_WINNER_MODES, decideWeights, type AutoWinnerMode } from "./auto-winner";
import {
  describeWeights,
  effectiveSplitWeights,
  publishedWeights,
  sameWeights,
  toWeightMap,
  type WeightMap,
} from "./weights";

/**
 * Experiments: every A/B split node of a journey, with its state (Experiment: auto-winner mode, the
 * weights for new assignments, analysis settings: { test, alpha, nStar, correction, prior } in its JSON
 * `settings` column), its weight history (ExperimentWeightChange, each with
 * its reason and who or what made it) and its stored evaluations (ExperimentResult). Pages and APIs read
 * the stored evaluations only; `evaluateAllExperiments` (the evaluate-experiments cron, every 15 minutes,
 * and `npm run experiments:evaluate`) computes them from the engine's tables (lib/experiments/analysis.ts)
 * and applies the auto-winner (lib/experiments/auto-winner.ts).
 */

export const ZExperimentSettings = z
  .object({
    autoWinner: z.enum(AUTO_WINNER_MODES, { error: 'must be "off", "winner" or "bandit"' }).optional(),
    test: z.enum(["sequential", "fixed"], { error: 'must be "sequential" or "fixed"' }).optional(),
    nStar: z
      .number({ error: "must be a number" })
      .int("must be a whole number")
      .min(100, "must be at least 100")
      .max(100_000_000, "must be at most 100,000,000")
      .optional(),
    correction: z.enum(CORRECTIONS, { error: 'must be "holm" or "bh"' }).optional(),
    // A normal prior on the relative lift (0.02 = +2%); null goes back to the flat prior.
    prior: z
      .object(
        {
          mean: z
            .number({ error: "must be a number" })
            .min(-1, "must be at least -1 (a lift of −100%)")
            .max(10, "must be at most 10 (+1,000%)"),
          sd: z.number({ error: "must be a number" }).gt(0, "must be more than 0").max(10, "must be at most 10"),
        },
        { error: "must be { mean, sd } or null" },
      )
      .strict()
      .nullable()
      .optional(),
  })
  .strict()
  .refine((s) => Object.keys(s).length > 0, {
    message: "send at least one of autoWinner, test, nStar, correction, prior",
  });
export type ExperimentSettingsInput = z.input<typeof ZExperimentSettings>;

export interface ExperimentSettings extends AnalysisSettings {
  autoWinner: AutoWinnerMode;
}

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

const NOT_FOUND_JOURNEY = "No such journey in this workspace.";
const HISTORY_POINTS = 400;

// ---------------------------------------------------------------------------------------------------
// Journeys and their splits

interface JourneySplits {
  journey: { id: string; workspaceId: string; name: string; status: string };
  /** the live version's graph, else the newest version's, else the draft */
  graph: TJourneyGraph | null;
  /** the draft, for splits added since the last publish */
  draft: TJourneyGraph | null;
  live: boolean;
}

async function loadJourney(ctx: WorkspaceContext, journeyId: string): Promise<JourneySplits> {
  if (!z.uuid().safeParse(journeyId).success) throw new AppError("not_found", NOT_FOUND_JOURNEY);
  const journey = await db().journey.findFirst({
    where: { id: journeyId, workspaceId: ctx.workspace.id },
    select: {
      id: true,
      workspaceId: true,
      name: true,
      status: true,
      liveVersionId: true,
      draft: true,
      versions: { orderBy: { version: "desc" }, take: 1, select: { id: true, graph: true } },
    },
  });
  if (!journey) throw new AppError("not_found", NOT_FOUND_JOURNEY);
  let raw: unknown = journey.draft;
  let live = false;
  if (journey.liveVersionId) {
    const version = await db().journeyVersion.findUnique({
      where: { id: journey.liveVersionId },
      select: { graph: true },
    });
    raw = version?.graph ?? raw;
    live = Boolean(version) && (journey.status === "LIVE" || journey.status === "PAUSED");
  } else if (journey.versions[0]) raw = journey.versions[0].graph;
  const parsed = ZJourneyGraph.safeParse(raw);
  const draft = ZJourneyGraph.safeParse(journey.draft);
  return {
    journey: { id: journey.id, workspaceId: journey.workspaceId, name: journey.name, status: journey.status },
    graph: parsed.success ? parsed.data : null,
    draft: draft.success ? draft.data : null,
    live,
  };
}

function splitsOf(graph: TJourneyGraph | null): SplitDefinition[] {
  return (graph?.nodes ?? []).flatMap((n) =>
    n.type === "split" ? [splitConfigIn(graph!, n.id)].filter((s): s is SplitDefinition => s !== null) : [],
  );
}

/** The split in the published graph (live when the journey is), else in the draft (not live yet). */
function requireSplit(journey: JourneySplits, nodeId: string): { split: SplitDefinition; live: boolean } {
  const published = splitConfigIn(journey.graph ?? undefined, nodeId);
  if (published) return { split: published, live: journey.live };
  const drafted = splitConfigIn(journey.draft ?? undefined, nodeId);
  if (drafted) return { split: drafted, live: false };
  throw new AppError("not_found", `No A/B split "${nodeId}" in this journey.`);
}

/** The goal an experiment of this journey measures (lib/experiments/attribution.ts), and whether it has one at all. */
export function goalOf(graph: TJourneyGraph): { goal: GoalSettings; hasGoal: boolean } {
  const goal = graph.settings.goal;
  return {
    goal: {
      eventName: goal?.eventName ?? null,
      attributionHours: attributionHoursOf(graph),
      revenueProperty: goal?.revenueProperty ?? null,
    },
    hasGoal: Boolean(goal) || graph.nodes.some((n) => n.type === "goal"),
  };
}

// ---------------------------------------------------------------------------------------------------
// State

type ExperimentRow = NonNullable<Awaited<ReturnType<typeof findExperiment>>>;

function findExperiment(journeyId: string, nodeId: string) {
  return db().experiment.findUnique({ where: { journeyId_nodeId: { journeyId, nodeId } } });
}

async function ensureExperiment(workspaceId: string, journeyId: string, nodeId: string): Promise<ExperimentRow> {
  return db().experiment.upsert({
    where: { journeyId_nodeId: { journeyId, nodeId } },
    create: { workspaceId, journeyId, nodeId },
    update: {},
  });
}

export function settingsOf(row: { autoWinner: string; settings: unknown } | null): ExperimentSettings {
  const stored = (row?.settings ?? {}) as Partial<AnalysisSettings>;
  const mode = AUTO_WINNER_MODES.includes(row?.autoWinner as AutoWinnerMode)
    ? (row!.autoWinner as AutoWinnerMode)
    : "off";
  return {
    autoWinner: mode,
    test: stored.test === "fixed" || stored.test === "sequential" ? stored.test : DEFAULT_ANALYSIS_SETTINGS.test,
    alpha:
      typeof stored.alpha === "number" && stored.alpha > 0 && stored.alpha < 1
        ? stored.alpha
        : DEFAULT_ANALYSIS_SETTINGS.alpha,
    nStar: typeof stored.nStar === "number" && stored.nStar > 0 ? stored.nStar : DEFAULT_ANALYSIS_SETTINGS.nStar,
    correction: CORRECTIONS.includes(stored.correction as Correction)
      ? (stored.correction as Correction)
      : DEFAULT_ANALYSIS_SETTINGS.correction,
    prior: validPrior(stored.prior) ? { mean: stored.prior.mean, sd: stored.prior.sd } : null,
  };
}

function validPrior(prior: unknown): prior is LiftPrior {
  const p = prior as LiftPrior | null | undefined;
  return Boolean(p) && typeof p === "object" && Number.isFinite(p!.mean) && Number.isFinite(p!.sd) && p!.sd > 0;
}

function actorOf(actor: Actor): { actorType: string; actorLabel: string } {
  return { actorType: actor.kind, actorLabel: actorLabel(actor) };
}

const asWeights = (value: unknown): WeightMap | null =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as WeightMap) : null;

// ---------------------------------------------------------------------------------------------------
// Evaluation

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
  const journey = await loadJourney(ctx, journeyId);
  const { split, live } = requireSplit(journey, nodeId);
  if (!live || !journey.graph)
    throw new AppError(
      "conflict",
      "This split is not live: publish the journey first, then people are assigned and can be evaluated.",
    );
  await evaluateExperiment({ workspaceId: journey.journey.workspaceId, journeyId, graph: journey.graph, split }, now);
  return getExperiment(ctx, journeyId, nodeId);
}

// ---------------------------------------------------------------------------------------------------
// Settings

export async function updateExperimentSettings(
  ctx: WorkspaceContext,
  journeyId: string,
  nodeId: string,
  input: ExperimentSettingsInput,
  now: Date = new Date(),
): Promise<ExperimentView> {
  requirePermission(ctx, "content:write");
  const changes = parseInput(ZExperimentSettings, input);
  const journey = await loadJourney(ctx, journeyId);
  const { split } = requireSplit(journey, nodeId);
  const row = await ensureExperiment(ctx.workspace.id, journeyId, nodeId);
  const before = settingsOf(row);
  const after: ExperimentSettings = {
    ...before,
    ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)),
  } as ExperimentSettings;
  const modeChanged = after.autoWinner !== before.autoWinner;

  await db().$transaction(async (tx) => {
    const override = asWeights(await lockExperimentWeights(prismaQueryable(tx), row.id));
    const data: Prisma.ExperimentUpdateInput = {
      autoWinner: after.autoWinner,
      settings: {
        test: after.test,
        alpha: after.alpha,
        nStar: after.nStar,
        correction: after.correction,
        prior: after.prior,
      } as Prisma.InputJsonObject,
      updatedAt: now,
    };
    if (modeChanged) {
      data.winnerArmId = null;
      // A new mode starts from the published weights: "off" means them, "winner" splits as published
      // until a winner is found, and the bandit re-weights from there at its next evaluation.
      if (override) {
        const published = publishedWeights(split);
        const current = toWeightMap(effectiveSplitWeights(split, override));
        data.weights = PrismaRuntime.DbNull;
        data.weightsChangedAt = now;
        if (!sameWeights(current, published)) {
          await tx.experimentWeightChange.create({
            data: {
              experimentId: row.id,
              journeyId,
              nodeId,
              at: now,
              weights: published,
              previousWeights: current,
              reason: `Auto-winner set to "${after.autoWinner}" (was "${before.autoWinner}"): back to the published weights, ${describeWeights(split, published)}.`,
              ...actorOf(ctx.actor),
            },
          });
        }
      }
    }
    await tx.experiment.update({ where: { id: row.id }, data });
    const described = Object.entries(changes)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k} ${JSON.stringify(v)}`)
      .join(", ");
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "experiment.settings_changed",
      targetType: "journey",
      targetId: journeyId,
      summary: `Experiment "${split.label}" (${nodeId}) of "${journey.journey.name}": ${described}`,
      metadata: { nodeId, before: { ...before }, after: { ...after } } as unknown as Prisma.InputJsonObject,
    });
  });
  return getExperiment(ctx, journeyId, nodeId);
}

// ---------------------------------------------------------------------------------------------------
// Reads

export async function getExperiment(ctx: WorkspaceContext, journeyId: string, nodeId: string): Promise<ExperimentView> {
  requirePermission(ctx, "workspace:read");
  const journey = await loadJourney(ctx, journeyId);
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
  const journey = await loadJourney(ctx, journeyId);
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

export type { TestMethod };
