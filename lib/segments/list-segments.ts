import { requirePermission, type WorkspaceContext } from "../auth/context";
import { db } from "../db/client";
import { DAY_MS, daysOf, fillDays, type SegmentSummary, summary, TREND_DAYS } from "./segment-views";

/** The workspace's segments (live, or archived with `archived`), most recently changed first, each with its trend. */
export async function listSegments(
  ctx: WorkspaceContext,
  query: { q?: string; archived?: boolean; now?: Date } = {},
): Promise<SegmentSummary[]> {
  requirePermission(ctx, "workspace:read");
  const rows = await db().segment.findMany({
    where: {
      workspaceId: ctx.workspace.id,
      archivedAt: query.archived ? { not: null } : null,
      ...(query.q?.trim() ? { name: { contains: query.q.trim(), mode: "insensitive" } } : {}),
    },
    orderBy: { updatedAt: "desc" },
  });
  if (!rows.length) return [];
  const now = query.now ?? new Date();
  const from = new Date(now.getTime() - (TREND_DAYS - 1) * DAY_MS);
  const days = await daysOf(
    rows.map((r) => r.id),
    from,
  );
  return rows.map((r) =>
    summary(
      r,
      fillDays(days.rows.get(r.id) ?? [], days.before.get(r.id) ?? 0, from, now, r.createdAt).map(({ day, size }) => ({
        day,
        size,
      })),
    ),
  );
}
