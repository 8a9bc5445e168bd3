import { assertPublishGate, publishGateProblems, templateReferencesOf } from "../approvals/publish-gate";
import { recordAudit } from "../audit/audit-log";
import { actorLabel, requirePermission, type WorkspaceContext } from "../auth/context";
import { db, type Prisma } from "../db/client";
import { prismaQueryable } from "../db/sql";
import { AppError } from "../errors";
import { pinnedTemplates } from "../messaging/templates/published-versions";
import { validateWithReferences } from "./check-references";
import { diffJourneys, type JourneyDiff, templateIdsOf } from "./diff";
import type { TJourneyGraph } from "./graph";
import { type JourneyDetail, type LoadedJourney, loadJourney, toField } from "./journey-views";
import { getJourney } from "./read-journeys";
import { lockJourney } from "./store/enrollments";
import type { JourneyProblem } from "./validate";

/**
 * The diff of publishing `graph` now against the live version, with the template versions each would send
 * (the live one pins those saved before it was published; publishing now pins the newest).
 */
async function diffAgainstLive(
  ctx: WorkspaceContext,
  journey: LoadedJourney,
  graph: TJourneyGraph,
): Promise<JourneyDiff> {
  const live = journey.versions.find((v) => v.id === journey.liveVersionId);
  const liveGraph = live ? (live.graph as TJourneyGraph) : null;
  const ids = [...new Set([...templateIdsOf(graph), ...(liveGraph ? templateIdsOf(liveGraph) : [])])];
  const templates = {
    before: live ? await pinnedTemplates(ctx.workspace.id, ids, live.publishedAt) : new Map(),
    after: await pinnedTemplates(ctx.workspace.id, ids, new Date()),
  };
  return diffJourneys(liveGraph, graph, templates);
}

/**
 * What publishing would change: the current draft, or (`source: "live"`) the live version's graph again, which
 * only moves the journey onto the templates' newest versions (the template page's "update the live journeys").
 */
export async function previewPublish(
  ctx: WorkspaceContext,
  id: string,
  source: PublishSource = "draft",
): Promise<{ diff: JourneyDiff; problems: JourneyProblem[]; nextVersion: number }> {
  requirePermission(ctx, "workspace:read");
  const journey = await loadJourney(ctx, id);
  const { graph, problems } = await validateWithReferences(ctx, sourceGraph(journey, source));
  // #20: what publishing would refuse for its templates (awaiting approval, banned phrases), shown before it is tried
  const gate: JourneyProblem[] = [];
  for (const node of graph?.nodes ?? [])
    for (const issue of await publishGateProblems(ctx.workspace.id, templateReferencesOf([node]), new Date()))
      gate.push({ nodeId: node.id, path: "config.templateId", message: issue.message });
  return {
    diff: await diffAgainstLive(ctx, journey, graph ?? (sourceGraph(journey, source) as TJourneyGraph)),
    problems: [...problems, ...gate],
    nextVersion: (journey.versions[0]?.version ?? 0) + 1,
  };
}

export type PublishSource = "draft" | "live";

function sourceGraph(journey: LoadedJourney, source: PublishSource): unknown {
  if (source === "draft") return journey.draft;
  const live = journey.versions.find((v) => v.id === journey.liveVersionId);
  if (!live) throw AppError.field("source", "This journey has no live version to update; publish its draft instead.");
  return live.graph;
}

/**
 * Publishes a new version: the draft, or (`source: "live"`) the live graph again so the journey sends the
 * templates' newest versions without taking unfinished draft edits with it. Either way the same checks,
 * version numbering and audit entry; people already in the journey keep the version they started.
 */
export async function publishJourney(
  ctx: WorkspaceContext,
  id: string,
  source: PublishSource = "draft",
): Promise<JourneyDetail & { published: { version: number; diff: JourneyDiff } }> {
  requirePermission(ctx, "content:write");
  const journey = await loadJourney(ctx, id);
  if (journey.status === "ARCHIVED")
    throw new AppError("conflict", "This journey is archived; restore it to publish it.");
  const { graph, problems } = await validateWithReferences(ctx, sourceGraph(journey, source));
  if (problems.length || !graph)
    throw AppError.validation(
      problems.map(toField),
      `The journey cannot be published: ${problems.length} problem${problems.length === 1 ? "" : "s"} to fix.`,
    );
  // #20: a template with no approved version, or banned phrases in what the journey will send, refuse the publish
  await assertPublishGate(
    ctx.workspace.id,
    templateReferencesOf(graph.nodes),
    new Date(),
    "The journey cannot be published",
  );
  const diff = await diffAgainstLive(ctx, journey, graph);
  const version = await db().$transaction(async (tx) => {
    // The row lock makes concurrent publishes take turns, so version numbers never collide.
    await lockJourney(prismaQueryable(tx), id);
    const latest = await tx.journeyVersion.findFirst({
      where: { journeyId: id },
      orderBy: { version: "desc" },
      select: { version: true },
    });
    const created = await tx.journeyVersion.create({
      data: {
        journeyId: id,
        version: (latest?.version ?? 0) + 1,
        graph: graph as unknown as Prisma.InputJsonValue,
        publishedByLabel: actorLabel(ctx.actor),
      },
    });
    await tx.journey.update({
      where: { id },
      data: { liveVersionId: created.id, status: journey.status === "PAUSED" ? "PAUSED" : "LIVE" },
    });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "journey.published",
      targetType: "journey",
      targetId: id,
      summary:
        source === "live"
          ? `Published "${journey.name}" as v${created.version} (the live version with its templates' newest versions)`
          : `Published "${journey.name}" as v${created.version}`,
      metadata: { version: created.version, source, diff: diff as unknown as Prisma.InputJsonValue },
    });
    return created.version;
  });
  return { ...(await getJourney(ctx, id)), published: { version, diff } };
}
