import { requirePermission, type WorkspaceContext } from "../auth/context";
import { pgPool } from "../db/pool";
import type { TSegmentDefinition } from "./definition";
import { findSegment } from "./find-segment";
import { DAY_MS, daysOf, fillDays, isoDay, type SegmentDetail, summary, TREND_DAYS } from "./segment-views";
import { selectJourneysMentioning } from "./store/journeys";
import { selectReferringSegments } from "./store/references";

/** A segment's page: its definition, size and entries/exits per day over `days` (default 30), and who uses it. */
export async function getSegment(
  ctx: WorkspaceContext,
  id: string,
  query: { days?: number; now?: Date } = {},
): Promise<SegmentDetail> {
  requirePermission(ctx, "workspace:read");
  const s = await findSegment(ctx, id);
  const window = Math.min(365, Math.max(1, Math.floor(query.days ?? TREND_DAYS)));
  const now = query.now ?? new Date();
  const from = new Date(now.getTime() - (window - 1) * DAY_MS);
  const trendFrom = new Date(now.getTime() - (TREND_DAYS - 1) * DAY_MS);
  const earliest = from < trendFrom ? from : trendFrom;
  const data = await daysOf([s.id], earliest);
  const all = fillDays(data.rows.get(s.id) ?? [], data.before.get(s.id) ?? 0, earliest, now, s.createdAt);
  const days = all.filter((d) => d.day >= isoDay(from));
  const trend = all.filter((d) => d.day >= isoDay(trendFrom)).map(({ day, size }) => ({ day, size }));
  return {
    ...summary(s, trend),
    definition: (s.definition as TSegmentDefinition | null) ?? null,
    days,
    usedBy: await segmentUsers(ctx.workspace.id, s.id),
    createdBy: s.createdByLabel,
    updatedBy: s.updatedByLabel,
  };
}

/** Segments that refer to this one, and journeys whose draft or live version does. */
export async function segmentUsers(workspaceId: string, segmentId: string): Promise<SegmentDetail["usedBy"]> {
  const segments = await selectReferringSegments(pgPool(), workspaceId, segmentId);
  const journeys = await selectJourneysMentioning(pgPool(), workspaceId, segmentId);
  return { segments, journeys };
}
