import { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { actorLabel } from "../auth/context";
import { recordAudit } from "../audit/audit-log";
import { db, type Prisma } from "../db/client";
import { AppError, parseInput, type FieldIssue } from "../errors";
import type { Channel } from "../messaging/liquid";
import { pinnedTemplates } from "../messaging/templates/published-versions";
import { sendableTemplates } from "../messaging/templates/read-templates";
import { diffJourneys, templateIdsOf, type JourneyDiff } from "./diff";
import { NODE_CONFIGS, ZJourneyGraph, type TJourneyGraph } from "./graph";
import { webhookLiquidProblems } from "../engine/placeholders";
import { validateJourney, type JourneyProblem, type JourneyReferences } from "./validate";

/**
 * Journeys as stored: a draft that is edited freely (and may be incomplete), and immutable published
 * versions (v1, v2, …). Publishing validates the draft with the same rules as the canvas; in-flight
 * people finish on the version they started (the engine's concern), new entries use the newest.
 */
export const JOURNEY_STATUSES = ["DRAFT", "LIVE", "PAUSED", "ARCHIVED"] as const;
export type JourneyStatus = (typeof JOURNEY_STATUSES)[number];

const EMPTY_GRAPH = { nodes: [], edges: [] };

export const ZJourneyName = z
  .string({ error: "Name the journey" })
  .trim()
  .min(1, "Name the journey")
  .max(120, "A journey name has at most 120 characters");
export const ZCreateJourney = z.object({ name: ZJourneyName, graph: z.unknown().optional() }).strict();
export const ZSaveDraft = z.object({ graph: z.unknown(), name: ZJourneyName.optional() }).strict();

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

/**
 * What a published journey may reference: the workspace's templates that are not archived and were saved at
 * least once, and its segments that are not archived.
 */
const MESSAGE_CHANNELS: Record<string, Channel> = {
  "action.email": "email",
  "action.sms": "sms",
  "action.push": "push",
  "action.in_app": "in_app",
};
const CHANNEL_NAMES: Record<Channel, string> = { email: "email", sms: "SMS", push: "push", in_app: "in-app" };
async function referencesOf(
  ctx: WorkspaceContext,
): Promise<JourneyReferences & { templateChannels: Map<string, Channel> }> {
  requirePermission(ctx, "workspace:read");
  const templates = await sendableTemplates(ctx);
  const segments = await db().segment.findMany({
    where: { workspaceId: ctx.workspace.id, archivedAt: null },
    select: { id: true },
  });
  return {
    templateIds: new Set(templates.map((t) => t.id)),
    segmentIds: new Set(segments.map((s) => s.id)),
    templateChannels: new Map(templates.map((t) => [t.id, t.channel])),
  };
}

/**
 * Why a webhook step cannot use the template `templateId`, or null when it can: a webhook template of this
 * workspace, not archived, saved at least once.
 */
async function webhookTemplateProblems(ctx: WorkspaceContext, templateIds: string[]): Promise<Map<string, string>> {
  const problems = new Map<string, string>(
    templateIds.map((id) => [id, `no template with id "${id}" in this workspace`]),
  );
  const ids = templateIds.filter((id) => z.uuid().safeParse(id).success);
  if (!ids.length) return problems;
  const rows = await db().messageTemplate.findMany({
    where: { workspaceId: ctx.workspace.id, id: { in: ids } },
    select: { id: true, name: true, channel: true, archivedAt: true, currentVersion: true },
  });
  for (const t of rows) {
    if (t.channel !== "webhook")
      problems.set(
        t.id,
        `the template "${t.name}" is ${["push", "partial"].includes(t.channel) ? "a" : "an"} ${TEMPLATE_KIND_NAMES[t.channel] ?? t.channel} template, not a webhook template`,
      );
    else if (t.archivedAt) problems.set(t.id, `the template "${t.name}" is archived`);
    else if (t.currentVersion === 0) problems.set(t.id, `the template "${t.name}" has no saved version yet`);
    else problems.delete(t.id);
  }
  return problems;
}
const TEMPLATE_KIND_NAMES: Record<string, string> = { ...CHANNEL_NAMES, partial: "partial", layout: "email layout" };

/**
 * The canvas's rules, plus: a message step's template is of the step's channel; a webhook step's Liquid
 * parses, and the template it names (if any) is a webhook template it can use.
 */
async function validateWithReferences(ctx: WorkspaceContext, draft: unknown) {
  const references = await referencesOf(ctx);
  const result = validateJourney(draft, references);
  const webhookTemplateIds = (result.graph?.nodes ?? []).flatMap((n) =>
    n.type === "action.webhook" && typeof n.config.templateId === "string" ? [n.config.templateId] : [],
  );
  const webhookTemplates = webhookTemplateIds.length
    ? await webhookTemplateProblems(ctx, webhookTemplateIds)
    : new Map<string, string>();
  for (const node of result.graph?.nodes ?? []) {
    const channel = MESSAGE_CHANNELS[node.type];
    const templateId = (node.config as { templateId?: unknown }).templateId;
    const actual = typeof templateId === "string" ? references.templateChannels.get(templateId) : undefined;
    if (channel && actual && actual !== channel) {
      result.problems.push({
        nodeId: node.id,
        path: "config.templateId",
        message: `the template "${templateId}" is for ${CHANNEL_NAMES[actual]} messages, not ${CHANNEL_NAMES[channel]}`,
      });
    }
    // A webhook's URL, header values and body are Liquid (lib/engine/placeholders.ts); checked here, on the
    // server, so the canvas's shared rules do not pull the Liquid engine into the browser.
    if (node.type === "action.webhook") {
      const webhook = NODE_CONFIGS["action.webhook"].safeParse(node.config);
      if (webhook.success)
        for (const problem of webhookLiquidProblems(webhook.data))
          result.problems.push({ nodeId: node.id, ...problem });
      const problem =
        webhook.success && webhook.data.templateId !== undefined
          ? webhookTemplates.get(webhook.data.templateId)
          : undefined;
      if (problem) result.problems.push({ nodeId: node.id, path: "config.templateId", message: problem });
    }
  }
  return result;
}

/** A draft must at least have the graph's shape (so the canvas can open it); its configs may be unfinished. */
function parseDraft(graph: unknown): TJourneyGraph {
  const result = ZJourneyGraph.safeParse(graph ?? EMPTY_GRAPH);
  if (result.success) return result.data;
  const { problems } = validateJourney(graph);
  throw AppError.validation(
    problems.map(toField),
    "The journey graph is malformed: " +
      problems.map((p) => `${p.nodeId ?? p.edgeId ?? ""} ${p.path}: ${p.message}`.trim()).join("; "),
  );
}

function toField(p: JourneyProblem): FieldIssue {
  const where = p.nodeId ? `nodes.${p.nodeId}` : p.edgeId ? `edges.${p.edgeId}` : "graph";
  return { path: [where, p.path].filter(Boolean).join("."), message: p.message };
}

async function load(ctx: WorkspaceContext, id: string) {
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

type Loaded = Awaited<ReturnType<typeof load>>;

function summary(j: {
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

async function detail(ctx: WorkspaceContext, journey: Loaded): Promise<JourneyDetail> {
  const { problems } = await validateWithReferences(ctx, journey.draft);
  return {
    ...summary(journey),
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
  return rows.map(summary);
}

export async function getJourney(ctx: WorkspaceContext, id: string): Promise<JourneyDetail> {
  requirePermission(ctx, "workspace:read");
  return detail(ctx, await load(ctx, id));
}

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

export async function saveDraft(
  ctx: WorkspaceContext,
  id: string,
  input: z.input<typeof ZSaveDraft>,
): Promise<JourneyDetail> {
  requirePermission(ctx, "content:write");
  const { graph, name } = parseInput(ZSaveDraft, input);
  const draft = parseDraft(graph);
  const journey = await load(ctx, id);
  if (journey.status === "ARCHIVED")
    throw new AppError("conflict", "This journey is archived; restore it (or duplicate it) to edit it.");
  await db().journey.update({
    where: { id },
    data: { draft: draft as unknown as Prisma.InputJsonValue, draftUpdatedAt: new Date(), ...(name ? { name } : {}) },
  });
  return getJourney(ctx, id);
}

/**
 * The diff of publishing `graph` now against the live version, with the template versions each would send
 * (the live one pins those saved before it was published; publishing now pins the newest).
 */
async function diffAgainstLive(ctx: WorkspaceContext, journey: Loaded, graph: TJourneyGraph): Promise<JourneyDiff> {
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
  const journey = await load(ctx, id);
  const { graph, problems } = await validateWithReferences(ctx, sourceGraph(journey, source));
  return {
    diff: await diffAgainstLive(ctx, journey, graph ?? (sourceGraph(journey, source) as TJourneyGraph)),
    problems,
    nextVersion: (journey.versions[0]?.version ?? 0) + 1,
  };
}

export type PublishSource = "draft" | "live";

function sourceGraph(journey: Loaded, source: PublishSource): unknown {
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
  const journey = await load(ctx, id);
  if (journey.status === "ARCHIVED")
    throw new AppError("conflict", "This journey is archived; restore it to publish it.");
  const { graph, problems } = await validateWithReferences(ctx, sourceGraph(journey, source));
  if (problems.length || !graph)
    throw AppError.validation(
      problems.map(toField),
      `The journey cannot be published: ${problems.length} problem${problems.length === 1 ? "" : "s"} to fix.`,
    );
  const diff = await diffAgainstLive(ctx, journey, graph);
  const version = await db().$transaction(async (tx) => {
    // The row lock makes concurrent publishes take turns, so version numbers never collide.
    await tx.$executeRaw`SELECT 1 FROM "Journey" WHERE id = ${id}::uuid FOR UPDATE`;
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

async function setStatus(
  ctx: WorkspaceContext,
  id: string,
  from: JourneyStatus[],
  to: JourneyStatus,
  verb: string,
): Promise<JourneyDetail> {
  requirePermission(ctx, "content:write");
  const journey = await load(ctx, id);
  if (!from.includes(journey.status)) {
    throw new AppError(
      "conflict",
      `Only a ${from.map((s) => s.toLowerCase()).join(" or ")} journey can be ${verb}; this one is ${journey.status.toLowerCase()}.`,
    );
  }
  await db().$transaction(async (tx) => {
    await tx.journey.update({ where: { id }, data: { status: to } });
    await applyStatusToEnrollments(tx, id, to);
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: `journey.${verb}`,
      targetType: "journey",
      targetId: id,
      summary: `${verb[0].toUpperCase()}${verb.slice(1)} "${journey.name}"`,
    });
  });
  return getJourney(ctx, id);
}

/**
 * What a status change means for the people in the journey. Paused: they hold where they are (the
 * engine neither advances nor wakes them). Resumed: those whose wait ended meanwhile are due at once.
 * Archived: everyone still in it leaves.
 */
async function applyStatusToEnrollments(
  tx: Prisma.TransactionClient,
  journeyId: string,
  to: JourneyStatus,
): Promise<void> {
  const now = new Date();
  if (to === "LIVE") {
    await tx.$executeRaw`UPDATE "Enrollment" SET "wakeAt" = ${now} WHERE "journeyId" = ${journeyId}::uuid AND status = 'ACTIVE'`;
  } else if (to === "ARCHIVED") {
    await tx.$executeRaw`UPDATE "EnrollmentStep" s SET "leftAt" = ${now}, exit = 'exited' FROM "Enrollment" e
      WHERE e."journeyId" = ${journeyId}::uuid AND e.status IN ('ACTIVE', 'WAITING') AND s."enrollmentId" = e.id AND s."nodeId" = e."currentNodeId" AND s."leftAt" IS NULL`;
    await tx.$executeRaw`UPDATE "Enrollment" SET status = 'EXITED', "endedAt" = ${now}, "updatedAt" = ${now}, "endReason" = 'The journey was archived',
      "wakeAt" = NULL, "pendingExit" = NULL, "waitEventName" = NULL, "waitMatchProperty" = NULL, "waitMatchValue" = NULL
      WHERE "journeyId" = ${journeyId}::uuid AND status IN ('ACTIVE', 'WAITING')`;
  }
}

export const pauseJourney = (ctx: WorkspaceContext, id: string) => setStatus(ctx, id, ["LIVE"], "PAUSED", "paused");
export const resumeJourney = (ctx: WorkspaceContext, id: string) => setStatus(ctx, id, ["PAUSED"], "LIVE", "resumed");

export const ZRenameJourney = z.object({ name: ZJourneyName }).strict();

export async function renameJourney(
  ctx: WorkspaceContext,
  id: string,
  input: z.input<typeof ZRenameJourney>,
): Promise<JourneyDetail> {
  requirePermission(ctx, "content:write");
  const { name } = parseInput(ZRenameJourney, input);
  const journey = await load(ctx, id);
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

/** A new draft journey with a copy of this one's draft. */
export async function duplicateJourney(ctx: WorkspaceContext, id: string): Promise<JourneyDetail> {
  requirePermission(ctx, "content:write");
  const journey = await load(ctx, id);
  return createJourney(ctx, { name: `${journey.name} (copy)`.slice(0, 120), graph: journey.draft });
}

/** Archiving stops the journey for good: no new entries, and everyone still in it leaves. Restoring makes it a paused or draft journey again. */
export const archiveJourney = (ctx: WorkspaceContext, id: string) =>
  setStatus(ctx, id, ["DRAFT", "LIVE", "PAUSED"], "ARCHIVED", "archived");

export async function restoreJourney(ctx: WorkspaceContext, id: string): Promise<JourneyDetail> {
  const journey = await load(ctx, id);
  return setStatus(ctx, id, ["ARCHIVED"], journey.liveVersionId ? "PAUSED" : "DRAFT", "restored");
}
