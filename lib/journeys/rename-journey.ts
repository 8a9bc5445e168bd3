import type { z } from "zod";
import { recordAudit } from "../audit/audit-log";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { db } from "../db/client";
import { parseInput } from "../errors";
import { type JourneyDetail, loadJourney } from "./journey-views";
import { getJourney } from "./read-journeys";
import { ZRenameJourney } from "./schemas";

export async function renameJourney(
  ctx: WorkspaceContext,
  id: string,
  input: z.input<typeof ZRenameJourney>,
): Promise<JourneyDetail> {
  requirePermission(ctx, "content:write");
  const { name } = parseInput(ZRenameJourney, input);
  const journey = await loadJourney(ctx, id);
  await db().$transaction(async (tx) => {
    await tx.journey.update({ where: { id }, data: { name } });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "journey.renamed",
      targetType: "journey",
      targetId: id,
      summary: `Renamed "${journey.name}" to "${name}"`,
    });
  });
  return getJourney(ctx, id);
}
