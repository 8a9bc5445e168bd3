import type { z } from "zod";
import { recordAudit } from "../audit/audit-log";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { db, type Prisma } from "../db/client";
import { parseInput } from "../errors";
import { type JourneyDetail, loadJourney, parseDraft } from "./journey-views";
import { getJourney } from "./read-journeys";
import { ZCreateJourney } from "./schemas";

export async function createJourney(
  ctx: WorkspaceContext,
  input: z.input<typeof ZCreateJourney>,
): Promise<JourneyDetail> {
  requirePermission(ctx, "content:write");
  const { name, graph } = parseInput(ZCreateJourney, input);
  const draft = parseDraft(graph);
  const created = await db().$transaction(async (tx) => {
    const journey = await tx.journey.create({
      data: { workspaceId: ctx.workspace.id, name, draft: draft as unknown as Prisma.InputJsonValue },
    });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "journey.created",
      targetType: "journey",
      targetId: journey.id,
      summary: `Created the journey "${name}"`,
    });
    return journey;
  });
  return getJourney(ctx, created.id);
}

/** A new draft journey with a copy of this one's draft. */
export async function duplicateJourney(ctx: WorkspaceContext, id: string): Promise<JourneyDetail> {
  requirePermission(ctx, "content:write");
  const journey = await loadJourney(ctx, id);
  return createJourney(ctx, { name: `${journey.name} (copy)`.slice(0, 120), graph: journey.draft });
}
