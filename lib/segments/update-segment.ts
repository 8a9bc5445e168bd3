import type { z } from "zod";
import { actorLabel, requirePermission, type WorkspaceContext } from "../auth/context";
import { recordAudit } from "../audit/audit-log";
import { db } from "../db/client";
import { withTransaction } from "../db/pool";
import { AppError, parseInput } from "../errors";
import { checkDefinitionReferences } from "./check-references";
import { findSegment } from "./find-segment";
import { getSegment } from "./get-segment";
import { loadSegments, refreshReferences } from "./membership";
import { ZUpdateSegment } from "./segment-schemas";
import type { SegmentDetail } from "./segment-views";
import { startRecompute } from "./start-recompute";
import { selectDependentSegmentIds } from "./store/references";
import { lockSegments, markRecomputeQueued, updateSegmentRow } from "./store/segments";

/**
 * Renames, describes or redefines a live segment. A new definition bumps the version and is recomputed for
 * everyone in the background, with the segments that read this one (they change with it).
 */
export async function updateSegment(
  ctx: WorkspaceContext,
  id: string,
  input: z.input<typeof ZUpdateSegment>,
): Promise<SegmentDetail> {
  requirePermission(ctx, "content:write");
  const existing = await findSegment(ctx, id);
  if (existing.archivedAt)
    throw new AppError("conflict", "This segment is archived; archived segments cannot be changed.");
  const { name, description, definition } = parseInput(ZUpdateSegment, input);
  if (definition && existing.kind === "manual")
    throw AppError.field("definition", "a manual segment has no definition: upload its members as a CSV of user ids");
  const changed = definition !== undefined && JSON.stringify(definition) !== JSON.stringify(existing.definition);
  const recompute: string[] = [];
  await withTransaction(async (client) => {
    if (changed) {
      await lockSegments(client, [id]);
      const segments = await loadSegments(client, ctx.workspace.id);
      await checkDefinitionReferences(client, ctx.workspace.id, definition!, segments, id);
    }
    await updateSegmentRow(client, id, {
      name: name ?? null,
      description: description ?? null,
      definition: changed ? definition : undefined,
      label: actorLabel(ctx.actor),
    });
    if (changed) {
      await refreshReferences(client, ctx.workspace.id);
      // Segments that read this one read its definition: they change with it.
      recompute.push(id, ...(await selectDependentSegmentIds(client, ctx.workspace.id, id)));
      await markRecomputeQueued(client, recompute);
    }
  });
  const what = [
    name !== undefined && name !== existing.name ? "renamed" : null,
    description !== undefined && description !== existing.description ? "described" : null,
    changed ? `definition v${existing.version + 1}` : null,
  ].filter(Boolean);
  if (what.length) {
    await db().$transaction((tx) =>
      recordAudit(tx, {
        workspaceId: ctx.workspace.id,
        actor: ctx.actor,
        action: "segment.updated",
        targetType: "segment",
        targetId: id,
        summary: `Updated the segment "${name ?? existing.name}": ${what.join(", ")}`,
      }),
    );
  }
  await startRecompute(recompute);
  return getSegment(ctx, id);
}
