import type { WorkspaceContext } from "../auth/context";
import { listCatalogNames } from "../events/events";
import { getJourney } from "./read-journeys";
import { journeyWarnings, type JourneyProblem } from "./validate";

/**
 * The publish dialog's warnings for a journey's saved draft: event names the workspace never received (with
 * the closest one) and waits that can never take "arrived". Warnings only: publishing is not blocked.
 */
export async function journeyDraftWarnings(
  ctx: WorkspaceContext,
  journeyId: string,
): Promise<{ warnings: JourneyProblem[] }> {
  const [journey, catalog] = await Promise.all([getJourney(ctx, journeyId), listCatalogNames(ctx)]);
  return {
    warnings: journeyWarnings(
      journey.draft,
      catalog.map((e) => e.name),
    ),
  };
}
