import { actorLabel, type Actor } from "../auth/context";
import { db } from "../db/client";
import { type WeightMap } from "./weights";

/** The Experiment row of a split, created on first use, and helpers for its JSON columns and audit actors. */

export type ExperimentRow = NonNullable<Awaited<ReturnType<typeof findExperiment>>>;

export function findExperiment(journeyId: string, nodeId: string) {
  return db().experiment.findUnique({ where: { journeyId_nodeId: { journeyId, nodeId } } });
}

export async function ensureExperiment(workspaceId: string, journeyId: string, nodeId: string): Promise<ExperimentRow> {
  return db().experiment.upsert({
    where: { journeyId_nodeId: { journeyId, nodeId } },
    create: { workspaceId, journeyId, nodeId },
    update: {},
  });
}

export function actorOf(actor: Actor): { actorType: string; actorLabel: string } {
  return { actorType: actor.kind, actorLabel: actorLabel(actor) };
}

export const asWeights = (value: unknown): WeightMap | null =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as WeightMap) : null;
