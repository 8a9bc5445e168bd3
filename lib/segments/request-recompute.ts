import { requirePermission, type WorkspaceContext } from "../auth/context";
import { withTransaction } from "../db/pool";
import { AppError } from "../errors";
import { findSegment } from "./find-segment";
import { getSegment } from "./get-segment";
import type { SegmentDetail } from "./segment-views";
import { startRecompute } from "./start-recompute";
import { markRecomputeQueued } from "./store/segments";

/** Someone asked to recompute a live dynamic segment for everyone: queued, then started in the background. */
export async function requestRecompute(ctx: WorkspaceContext, id: string): Promise<SegmentDetail> {
  requirePermission(ctx, "content:write");
  const existing = await findSegment(ctx, id);
  if (existing.archivedAt) throw new AppError("conflict", "This segment is archived.");
  if (existing.kind !== "dynamic")
    throw new AppError("conflict", "A manual segment is its uploaded list: there is nothing to recompute.");
  await withTransaction((client) => markRecomputeQueued(client, [id]));
  await startRecompute([id]);
  return getSegment(ctx, id);
}
