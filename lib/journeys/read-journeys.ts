import { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { db } from "../db/client";
import { parseInput } from "../errors";
import { type JourneyDetail, type JourneySummary, loadJourney, toDetail, toSummary } from "./journey-views";
import { JOURNEY_STATUSES } from "./schemas";

export async function listJourneys(
  ctx: WorkspaceContext,
  query: { q?: string; status?: string } = {},
): Promise<JourneySummary[]> {
  requirePermission(ctx, "workspace:read");
  const status = query.status
    ? parseInput(z.enum(JOURNEY_STATUSES, { error: `must be one of ${JOURNEY_STATUSES.join(", ")}` }), query.status)
    : undefined;
  const rows = await db().journey.findMany({
    where: {
      workspaceId: ctx.workspace.id,
      ...(status ? { status } : { status: { not: "ARCHIVED" } }),
      ...(query.q ? { name: { contains: query.q, mode: "insensitive" } } : {}),
    },
    orderBy: { updatedAt: "desc" },
    include: { versions: { select: { id: true, version: true } } },
  });
  return rows.map(toSummary);
}

export async function getJourney(ctx: WorkspaceContext, id: string): Promise<JourneyDetail> {
  requirePermission(ctx, "workspace:read");
  return toDetail(ctx, await loadJourney(ctx, id));
}
