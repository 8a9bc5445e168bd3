import { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { db } from "../db/client";
import { AppError } from "../errors";
import type { TJourneyGraph } from "../journeys/graph";
import { previewPublish, publishJourney } from "../journeys/publish-journey";
import { templateVersionAt } from "./templates/published-versions";

/**
 * Where a template is used: which journeys' steps send it, and which template version each journey version
 * sends. A journey version pins the template versions saved before it was published (templates.ts
 * templateVersionAt), so saving a template reaches no live journey until it is published again; this list is
 * how the template page says so, and offers the update (journeys.ts publishJourney with source "live").
 */

function stepsUsing(graph: TJourneyGraph, templateId: string): { id: string; label: string | null; type: string }[] {
  return (graph.nodes ?? [])
    .filter((n) => (n.config as { templateId?: unknown } | undefined)?.templateId === templateId)
    .map((n) => ({ id: n.id, label: n.label ?? null, type: n.type }));
}

export interface TemplateUsage {
  templateVersion: number;
  journeys: {
    id: string;
    name: string;
    status: string;
    /** the live version, when it sends this template */
    live: {
      version: number;
      /** the template version it sends; null when the template had no version when it was published */
      templateVersion: number | null;
      /** true when it sends an older version than the template's newest */
      outdated: boolean;
      steps: { id: string; label: string | null; type: string }[];
    } | null;
    /** every published version that sends the template, newest first, with the people still in each */
    versions: { version: number; templateVersion: number | null; publishedAt: string; peopleInIt: number }[];
    /** the draft sends it (it will on the next publish) */
    inDraft: boolean;
  }[];
}

export async function templateUsage(ctx: WorkspaceContext, templateId: string): Promise<TemplateUsage> {
  requirePermission(ctx, "workspace:read");
  if (!z.uuid().safeParse(templateId).success) throw new AppError("not_found", "No such template in this workspace.");
  const template = await db().messageTemplate.findFirst({
    where: { id: templateId, workspaceId: ctx.workspace.id },
    select: { id: true, currentVersion: true },
  });
  if (!template) throw new AppError("not_found", "No such template in this workspace.");
  const journeys = await db().journey.findMany({
    where: { workspaceId: ctx.workspace.id, status: { not: "ARCHIVED" } },
    orderBy: { name: "asc" },
    include: {
      versions: { orderBy: { version: "desc" }, select: { id: true, version: true, graph: true, publishedAt: true } },
    },
  });
  const result: TemplateUsage["journeys"] = [];
  for (const j of journeys) {
    const inDraft = stepsUsing(j.draft as TJourneyGraph, templateId).length > 0;
    const using = j.versions.filter((v) => stepsUsing(v.graph as TJourneyGraph, templateId).length > 0);
    if (!inDraft && !using.length) continue;
    const people = using.length
      ? await db().enrollment.groupBy({
          by: ["journeyVersionId"],
          where: { journeyVersionId: { in: using.map((v) => v.id) }, status: { in: ["ACTIVE", "WAITING"] } },
          _count: { _all: true },
        })
      : [];
    const versions = [];
    for (const v of using) {
      const pinned = await templateVersionAt(ctx.workspace.id, templateId, v.publishedAt);
      versions.push({
        id: v.id,
        version: v.version,
        templateVersion: pinned?.version ?? null,
        publishedAt: v.publishedAt.toISOString(),
        peopleInIt: people.find((p) => p.journeyVersionId === v.id)?._count._all ?? 0,
      });
    }
    const liveRow = versions.find((v) => v.id === j.liveVersionId);
    const liveGraph = j.versions.find((v) => v.id === j.liveVersionId)?.graph as TJourneyGraph | undefined;
    result.push({
      id: j.id,
      name: j.name,
      status: j.status,
      live:
        liveRow && liveGraph
          ? {
              version: liveRow.version,
              templateVersion: liveRow.templateVersion,
              outdated: (liveRow.templateVersion ?? 0) < template.currentVersion,
              steps: stepsUsing(liveGraph, templateId),
            }
          : null,
      versions: versions.map((v) => ({
        version: v.version,
        templateVersion: v.templateVersion,
        publishedAt: v.publishedAt,
        peopleInIt: v.peopleInIt,
      })),
      inDraft,
    });
  }
  return { templateVersion: template.currentVersion, journeys: result };
}

/** The journey, checked to send this template in its live version: the template page updates only those. */
async function assertLiveUses(ctx: WorkspaceContext, templateId: string, journeyId: string): Promise<void> {
  const usage = await templateUsage(ctx, templateId);
  if (!usage.journeys.find((j) => j.id === journeyId)?.live)
    throw AppError.field("journeyId", "is not a journey whose live version sends this template");
}

/** What updating a live journey to the template's newest version would publish: the diff, before confirming. */
export async function previewTemplateUpdate(ctx: WorkspaceContext, templateId: string, journeyId: string) {
  await assertLiveUses(ctx, templateId, journeyId);
  return previewPublish(ctx, journeyId, "live");
}

/** Publishes the live journey again, now sending the template's newest version (the normal publish: checked, audited). */
export async function updateJourneyToTemplate(ctx: WorkspaceContext, templateId: string, journeyId: string) {
  requirePermission(ctx, "content:write");
  await assertLiveUses(ctx, templateId, journeyId);
  return publishJourney(ctx, journeyId, "live");
}
