import { actorLabel, requirePermission, type WorkspaceContext } from "../auth/context";
import { recordAudit } from "../audit/audit-log";
import { db } from "../db/client";
import { withTransaction } from "../db/pool";
import { AppError } from "../errors";
import { findSegment } from "./find-segment";
import { getSegment, segmentUsers } from "./get-segment";
import { refreshReferences } from "./membership";
import type { SegmentDetail } from "./segment-views";
import { archiveSegmentRows, lockSegments } from "./store/segments";

/** Archiving ends its upkeep and empties it; refused while another segment or a journey uses it. */
export async function archiveSegment(ctx: WorkspaceContext, id: string): Promise<SegmentDetail> {
  requirePermission(ctx, "content:write");
  const existing = await findSegment(ctx, id);
  if (existing.archivedAt) return getSegment(ctx, id);
  const users = await segmentUsers(ctx.workspace.id, id);
  const live = users.journeys.filter((j) => j.status === "LIVE" || j.status === "PAUSED");
  if (users.segments.length || live.length) {
    const names = [...users.segments.map((s) => `segment "${s.name}"`), ...live.map((j) => `journey "${j.name}"`)];
    throw new AppError("conflict", `This segment is used by ${names.join(", ")}; change those first.`);
  }
  await withTransaction(async (client) => {
    await lockSegments(client, [id]);
    await archiveSegmentRows(client, id, actorLabel(ctx.actor));
    await refreshReferences(client, ctx.workspace.id);
  });
  await db().$transaction((tx) =>
    recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "segment.archived",
      targetType: "segment",
      targetId: id,
      summary: `Archived the segment "${existing.name}"`,
    }),
  );
  return getSegment(ctx, id);
}
