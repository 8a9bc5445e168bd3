import type { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { db, type Prisma } from "../db/client";
import { AppError, parseInput } from "../errors";
import { type JourneyDetail, loadJourney, parseDraft } from "./journey-views";
import { getJourney } from "./read-journeys";
import { ZSaveDraft } from "./schemas";

export async function saveDraft(
  ctx: WorkspaceContext,
  id: string,
  input: z.input<typeof ZSaveDraft>,
): Promise<JourneyDetail> {
  requirePermission(ctx, "content:write");
  const { graph, name } = parseInput(ZSaveDraft, input);
  const draft = parseDraft(graph);
  const journey = await loadJourney(ctx, id);
  if (journey.status === "ARCHIVED")
    throw new AppError("conflict", "This journey is archived; restore it (or duplicate it) to edit it.");
  await db().journey.update({
    where: { id },
    data: { draft: draft as unknown as Prisma.InputJsonValue, draftUpdatedAt: new Date(), ...(name ? { name } : {}) },
  });
  return getJourney(ctx, id);
}
