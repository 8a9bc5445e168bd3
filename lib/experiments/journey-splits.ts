import { z } from "zod";
import { type WorkspaceContext } from "../auth/context";
import { db } from "../db/client";
import { AppError } from "../errors";
import { ZJourneyGraph, type TJourneyGraph } from "../journeys/graph";
import { splitConfigIn, type GoalSettings, type SplitDefinition } from "./analysis";
import { attributionHoursOf } from "./attribution";

/** A journey's A/B split nodes: in its live (or newest) version, or only in its draft, and the goal they measure. */

const NOT_FOUND_JOURNEY = "No such journey in this workspace.";

export interface JourneySplits {
  journey: { id: string; workspaceId: string; name: string; status: string };
  /** the live version's graph, else the newest version's, else the draft */
  graph: TJourneyGraph | null;
  /** the draft, for splits added since the last publish */
  draft: TJourneyGraph | null;
  live: boolean;
}

export async function loadJourneySplits(ctx: WorkspaceContext, journeyId: string): Promise<JourneySplits> {
  if (!z.uuid().safeParse(journeyId).success) throw new AppError("not_found", NOT_FOUND_JOURNEY);
  const journey = await db().journey.findFirst({
    where: { id: journeyId, workspaceId: ctx.workspace.id },
    select: {
      id: true,
      workspaceId: true,
      name: true,
      status: true,
      liveVersionId: true,
      draft: true,
      versions: { orderBy: { version: "desc" }, take: 1, select: { id: true, graph: true } },
    },
  });
  if (!journey) throw new AppError("not_found", NOT_FOUND_JOURNEY);
  let raw: unknown = journey.draft;
  let live = false;
  if (journey.liveVersionId) {
    const version = await db().journeyVersion.findUnique({
      where: { id: journey.liveVersionId },
      select: { graph: true },
    });
    raw = version?.graph ?? raw;
    live = Boolean(version) && (journey.status === "LIVE" || journey.status === "PAUSED");
  } else if (journey.versions[0]) raw = journey.versions[0].graph;
  const parsed = ZJourneyGraph.safeParse(raw);
  const draft = ZJourneyGraph.safeParse(journey.draft);
  return {
    journey: { id: journey.id, workspaceId: journey.workspaceId, name: journey.name, status: journey.status },
    graph: parsed.success ? parsed.data : null,
    draft: draft.success ? draft.data : null,
    live,
  };
}

export function splitsOf(graph: TJourneyGraph | null): SplitDefinition[] {
  return (graph?.nodes ?? []).flatMap((n) =>
    n.type === "split" ? [splitConfigIn(graph!, n.id)].filter((s): s is SplitDefinition => s !== null) : [],
  );
}

/** The split in the published graph (live when the journey is), else in the draft (not live yet). */
export function requireSplit(journey: JourneySplits, nodeId: string): { split: SplitDefinition; live: boolean } {
  const published = splitConfigIn(journey.graph ?? undefined, nodeId);
  if (published) return { split: published, live: journey.live };
  const drafted = splitConfigIn(journey.draft ?? undefined, nodeId);
  if (drafted) return { split: drafted, live: false };
  throw new AppError("not_found", `No A/B split "${nodeId}" in this journey.`);
}

/** The goal an experiment of this journey measures (lib/experiments/attribution.ts), and whether it has one at all. */
export function goalOf(graph: TJourneyGraph): { goal: GoalSettings; hasGoal: boolean } {
  const goal = graph.settings.goal;
  return {
    goal: {
      eventName: goal?.eventName ?? null,
      attributionHours: attributionHoursOf(graph),
      revenueProperty: goal?.revenueProperty ?? null,
    },
    hasGoal: Boolean(goal) || graph.nodes.some((n) => n.type === "goal"),
  };
}
