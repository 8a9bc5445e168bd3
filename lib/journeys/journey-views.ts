import { z } from "zod";
import type { WorkspaceContext } from "../auth/context";
import { db } from "../db/client";
import { AppError, type FieldIssue } from "../errors";
import { validateWithReferences } from "./check-references";
import { type TJourneyGraph, ZJourneyGraph } from "./graph";
import type { JourneyStatus } from "./schemas";
import { type JourneyProblem, validateJourney } from "./validate";

/** A journey as the pages and the API show it, and the loading and parsing every operation on one shares. */

const EMPTY_GRAPH = { nodes: [], edges: [] };

export interface JourneySummary {
  id: string;
  name: string;
  status: JourneyStatus;
  liveVersion: number | null;
  updatedAt: string;
}

export interface JourneyDetail extends JourneySummary {
  draft: TJourneyGraph;
  draftUpdatedAt: string;
  /** what stands between the draft and publishing; empty when it can be published */
  problems: JourneyProblem[];
  versions: { version: number; publishedAt: string; publishedBy: string }[];
}

/** A draft must at least have the graph's shape (so the canvas can open it); its configs may be unfinished. */
export function parseDraft(graph: unknown): TJourneyGraph {
  const result = ZJourneyGraph.safeParse(graph ?? EMPTY_GRAPH);
  if (result.success) return result.data;
  const { problems } = validateJourney(graph);
  throw AppError.validation(
    problems.map(toField),
    "The journey graph is malformed: " +
      problems.map((p) => `${p.nodeId ?? p.edgeId ?? ""} ${p.path}: ${p.message}`.trim()).join("; "),
  );
}

export function toField(p: JourneyProblem): FieldIssue {
  const where = p.nodeId ? `nodes.${p.nodeId}` : p.edgeId ? `edges.${p.edgeId}` : "graph";
  return { path: [where, p.path].filter(Boolean).join("."), message: p.message };
}

/** The journey with its versions, newest first; 404 when it is not one of the workspace's. */
export async function loadJourney(ctx: WorkspaceContext, id: string) {
  if (!z.uuid().safeParse(id).success) throw new AppError("not_found", "No such journey in this workspace.");
  const journey = await db().journey.findFirst({
    where: { id, workspaceId: ctx.workspace.id },
    include: {
      versions: {
        orderBy: { version: "desc" },
        select: { id: true, version: true, graph: true, publishedAt: true, publishedByLabel: true },
      },
    },
  });
  if (!journey) throw new AppError("not_found", "No such journey in this workspace.");
  return journey;
}

export type LoadedJourney = Awaited<ReturnType<typeof loadJourney>>;

export function toSummary(j: {
  id: string;
  name: string;
  status: JourneyStatus;
  updatedAt: Date;
  liveVersionId: string | null;
  versions: { id: string; version: number }[];
}): JourneySummary {
  return {
    id: j.id,
    name: j.name,
    status: j.status,
    liveVersion: j.versions.find((v) => v.id === j.liveVersionId)?.version ?? null,
    updatedAt: j.updatedAt.toISOString(),
  };
}

export async function toDetail(ctx: WorkspaceContext, journey: LoadedJourney): Promise<JourneyDetail> {
  const { problems } = await validateWithReferences(ctx, journey.draft);
  return {
    ...toSummary(journey),
    draft: journey.draft as TJourneyGraph,
    draftUpdatedAt: journey.draftUpdatedAt.toISOString(),
    problems,
    versions: journey.versions.map((v) => ({
      version: v.version,
      publishedAt: v.publishedAt.toISOString(),
      publishedBy: v.publishedByLabel,
    })),
  };
}
