import { z } from "zod";
import { db } from "../db/client";
import type { TNode } from "../journeys/graph";

/**
 * The predictions a journey names, checked at publish (lib/journeys/check-references.ts): a `trigger.prediction`'s
 * `config.predictionId` and the prediction rules of condition and branch steps must name a prediction of this
 * workspace that is not archived. Another workspace's id reads as unknown, as every reference does.
 */

/** Each prediction a node names, with the path of the field under the node. */
export function predictionReferences(node: TNode): { path: string; id: string }[] {
  const config = node.config as Record<string, unknown>;
  const refs: { path: string; id: string }[] = [];
  if (node.type === "trigger.prediction" && typeof config.predictionId === "string")
    refs.push({ path: "config.predictionId", id: config.predictionId });
  const groups: { prefix: string; rules: unknown }[] = [];
  if (node.type === "condition")
    groups.push({ prefix: "config.rules.rules", rules: (config.rules as { rules?: unknown } | undefined)?.rules });
  if (node.type === "branch" && Array.isArray(config.branches))
    config.branches.forEach((b: { rules?: { rules?: unknown } } | undefined, i: number) =>
      groups.push({ prefix: `config.branches.${i}.rules.rules`, rules: b?.rules?.rules }),
    );
  for (const group of groups) {
    if (!Array.isArray(group.rules)) continue;
    group.rules.forEach((rule: { kind?: unknown; predictionId?: unknown } | null, i) => {
      if (rule?.kind === "prediction" && typeof rule.predictionId === "string")
        refs.push({ path: `${group.prefix}.${i}.predictionId`, id: rule.predictionId });
    });
  }
  return refs;
}

/** Why each of `ids` cannot be used by a journey of the workspace (absent from the map: it can). */
export async function predictionProblems(workspaceId: string, ids: readonly string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids)];
  const problems = new Map(wanted.map((id) => [id, `no prediction with id "${id}" in this workspace`]));
  const uuids = wanted.filter((id) => z.uuid().safeParse(id).success);
  if (!uuids.length) return problems;
  const rows = await db().prediction.findMany({
    where: { workspaceId, id: { in: uuids } },
    select: { id: true, name: true, archivedAt: true },
  });
  for (const p of rows) {
    if (p.archivedAt) problems.set(p.id, `the prediction "${p.name}" is archived; it is no longer scored`);
    else problems.delete(p.id);
  }
  return problems;
}
