import { recordAudit } from "../audit/audit-log";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { db, type Prisma } from "../db/client";
import { Prisma as PrismaRuntime } from "../db/generated/client";
import { prismaQueryable } from "../db/sql";
import { parseInput } from "../errors";
import { lockExperimentWeights } from "./store/experiments";
import { describeWeights, effectiveSplitWeights, publishedWeights, sameWeights, toWeightMap } from "./weights";
import { actorOf, asWeights, ensureExperiment } from "./experiment-rows";
import {
  type ExperimentSettings,
  type ExperimentSettingsInput,
  settingsOf,
  ZExperimentSettings,
} from "./experiment-settings";
import { loadJourneySplits, requireSplit } from "./journey-splits";
import { type ExperimentView, getExperiment } from "./read-experiments";

export async function updateExperimentSettings(
  ctx: WorkspaceContext,
  journeyId: string,
  nodeId: string,
  input: ExperimentSettingsInput,
  now: Date = new Date(),
): Promise<ExperimentView> {
  requirePermission(ctx, "content:write");
  const changes = parseInput(ZExperimentSettings, input);
  const journey = await loadJourneySplits(ctx, journeyId);
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
