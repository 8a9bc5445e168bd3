import type { Queryable } from "../db/sql";
import { AppError, type FieldIssue } from "../errors";
import type { TCondition, TSegmentDefinition } from "./definition";
import type { SegmentSource } from "./evaluate";
import { selectPredictionStates } from "./store/predictions";

/**
 * Validation beyond the schema: a definition's segment conditions must name live segments and not lead back, and
 * its prediction conditions must name a live (not archived) prediction of the workspace.
 */

/** Every prediction condition in a definition, with its path under `definition`. */
function predictionConditions(c: TCondition, path: string): { path: string; predictionId: string }[] {
  if (c.kind === "prediction") return [{ path: `${path}.predictionId`, predictionId: c.predictionId }];
  if (c.kind === "group")
    return c.conditions.flatMap((child, i) => predictionConditions(child, `${path}.conditions.${i}`));
  if (c.kind === "not") return predictionConditions(c.condition, `${path}.condition`);
  return [];
}

/** Every segment condition in a definition, with its path under `definition`. */
function segmentConditions(c: TCondition, path: string): { path: string; segmentId: string }[] {
  if (c.kind === "segment") return [{ path: `${path}.segmentId`, segmentId: c.segmentId }];
  if (c.kind === "group")
    return c.conditions.flatMap((child, i) => segmentConditions(child, `${path}.conditions.${i}`));
  if (c.kind === "not") return segmentConditions(c.condition, `${path}.condition`);
  return [];
}

/** A path from `from` back to `target` through segment conditions, if there is one. */
function pathBack(
  from: string,
  target: string,
  segments: ReadonlyMap<string, SegmentSource>,
  seen = new Set<string>(),
): string[] | null {
  if (from === target) return [from];
  if (seen.has(from)) return null;
  seen.add(from);
  const definition = segments.get(from)?.definition;
  if (!definition) return null;
  for (const ref of segmentConditions(definition as TCondition, "")) {
    const rest = pathBack(ref.segmentId, target, segments, seen);
    if (rest) return [from, ...rest];
  }
  return null;
}

/** 422 naming each segment condition that refers to no live segment of the workspace, or back to `selfId`. */
export function checkReferences(
  definition: TSegmentDefinition,
  segments: ReadonlyMap<string, SegmentSource & { name?: string }>,
  selfId?: string,
  /** the workspace's predictions the definition names: id → archived (absent: unknown or another workspace's) */
  predictions: ReadonlyMap<string, { archived: boolean }> = new Map(),
): void {
  const fields: FieldIssue[] = [];
  for (const ref of predictionConditions(definition as TCondition, "definition")) {
    const prediction = predictions.get(ref.predictionId);
    if (!prediction)
      fields.push({ path: ref.path, message: `no prediction with the id "${ref.predictionId}" in this workspace` });
    else if (prediction.archived)
      fields.push({ path: ref.path, message: "is archived: choose a prediction that is still scored" });
  }
  for (const ref of segmentConditions(definition as TCondition, "definition")) {
    if (selfId && ref.segmentId === selfId) {
      fields.push({ path: ref.path, message: "is this segment itself" });
      continue;
    }
    if (!segments.has(ref.segmentId)) {
      fields.push({ path: ref.path, message: `no segment with the id "${ref.segmentId}" in this workspace` });
      continue;
    }
    const cycle = selfId ? pathBack(ref.segmentId, selfId, segments) : null;
    if (cycle) {
      const names = [selfId!, ...cycle].map(
        (id) => `"${(segments.get(id) as { name?: string } | undefined)?.name ?? id}"`,
      );
      fields.push({ path: ref.path, message: `refers back to this segment: ${names.join(" → ")}` });
    }
  }
  if (fields.length) throw AppError.validation(fields);
}

/** `checkReferences` with the definition's predictions read first (one query). */
export async function checkDefinitionReferences(
  q: Queryable,
  workspaceId: string,
  definition: TSegmentDefinition,
  segments: ReadonlyMap<string, SegmentSource & { name?: string }>,
  selfId?: string,
): Promise<void> {
  const ids = [...new Set(predictionConditions(definition as TCondition, "").map((r) => r.predictionId))];
  const rows = ids.length ? await selectPredictionStates(q, workspaceId, ids) : [];
  checkReferences(definition, segments, selfId, new Map(rows.map((r) => [r.id, { archived: r.archived }])));
}
