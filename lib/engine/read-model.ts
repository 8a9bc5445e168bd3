import { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { db } from "../db/client";
import { prismaQueryable } from "../db/sql";
import { AppError } from "../errors";
import type { TJourneyGraph } from "../journeys/graph";
import { selectJourneyLiveNodeIds, selectMessageCountsByNode } from "./store/journey-stats";

/**
 * What the engine's tables say, for people: live counts per journey and per node (the canvas), and each
 * person's journeys with the path they took and why (the profile page). Read-only; the engine writes
 * Enrollment, EnrollmentStep and Conversion (lib/engine), this file only aggregates and joins them.
 *
 * Scoping: the journey (or profile) is looked up in `ctx.workspace` first; the aggregates then filter by
 * that journey's id (EnrollmentStep has no workspace column, and journey ids are unique), which keeps them
 * on the (journeyId, …) indexes.
 */

export type EnrollmentStatus = "ACTIVE" | "WAITING" | "COMPLETED" | "CONVERTED" | "EXITED" | "FAILED";

export interface NodeCounts {
  /**
   * visits of the node: one per person who reached it. An A/B split's held-out people walk the control arm's
   * path with its side effects withheld (lib/engine/interpreter.ts), so they count here on those nodes too;
   * a message step's `messages` count Message rows, which the holdout never gets.
   */
  entered: number;
  /** people there now: still walking (ACTIVE) or waiting (WAITING) at this node */
  waiting: number;
  /** visits that moved on from the node */
  left: number;
  /** message steps only: what happened to the messages this step queued */
  messages?: MessageCounts;
}

export interface MessageCounts {
  sent: number;
  delivered: number;
  opened: number;
  clicked: number;
  /** bounced or failed */
  failed: number;
  suppressed: number;
}

export interface JourneyStats {
  journeyId: string;
  generatedAt: string;
  totals: {
    /** every enrollment, across all versions */
    enrolled: number;
    /** in the journey now: being advanced or waiting (ACTIVE + WAITING) */
    active: number;
    /** of those, waiting in a delay or for an event (WAITING) */
    waiting: number;
    completed: number;
    /** enrollments with a conversion (the goal event, in the journey or within the attribution window) */
    converted: number;
    exited: number;
    failed: number;
  };
  /** by node id, across all versions; every node of the live version is present (zeros included) */
  nodes: Record<string, NodeCounts>;
}

const NOT_FOUND_JOURNEY = "No such journey in this workspace.";
const isUuid = (id: string) => z.uuid().safeParse(id).success;

/** Live counts for a journey: the journey's lookup, then three GROUP BY / COUNT queries on the engine's indexes. */
export async function journeyStats(
  ctx: WorkspaceContext,
  journeyId: string,
  now: Date = new Date(),
): Promise<JourneyStats> {
  requirePermission(ctx, "workspace:read");
  if (!isUuid(journeyId)) throw new AppError("not_found", NOT_FOUND_JOURNEY);
  // The journey, in this workspace, with the node ids of its live version (not the whole graph: this is polled).
  const journey = await selectJourneyLiveNodeIds(prismaQueryable(db()), ctx.workspace.id, journeyId);
  if (!journey) throw new AppError("not_found", NOT_FOUND_JOURNEY);

  const [byStatusAndNode, byNode, converted, messages] = await Promise.all([
    // @@index([journeyId, status, currentNodeId])
    db().enrollment.groupBy({ by: ["status", "currentNodeId"], where: { journeyId }, _count: { _all: true } }),
    // @@index([journeyId, nodeId]); _count.leftAt counts the non-null ones
    db().enrollmentStep.groupBy({ by: ["nodeId"], where: { journeyId }, _count: { _all: true, leftAt: true } }),
    db().conversion.count({ where: { journeyId } }),
    // @@index([journeyId, nodeId]) on Message; the timestamps count each stage once per message
    selectMessageCountsByNode(prismaQueryable(db()), journeyId),
  ]);

  const nodes: Record<string, NodeCounts> = {};
  const node = (id: string) => (nodes[id] ??= { entered: 0, waiting: 0, left: 0 });
  for (const id of journey.liveNodeIds ?? []) node(id);
  for (const row of byNode) {
    const counts = node(row.nodeId);
    counts.entered = row._count._all;
    counts.left = row._count.leftAt;
  }

  for (const row of messages) {
    if (!row.nodeId) continue;
    node(row.nodeId).messages = {
      sent: row.sent,
      delivered: row.delivered,
      opened: row.opened,
      clicked: row.clicked,
      failed: row.failed,
      suppressed: row.suppressed,
    };
  }

  const byStatus: Record<EnrollmentStatus, number> = {
    ACTIVE: 0,
    WAITING: 0,
    COMPLETED: 0,
    CONVERTED: 0,
    EXITED: 0,
    FAILED: 0,
  };
  for (const row of byStatusAndNode) {
    byStatus[row.status] += row._count._all;
    if (row.status === "ACTIVE" || row.status === "WAITING") node(row.currentNodeId).waiting += row._count._all;
  }
  const enrolled = Object.values(byStatus).reduce((sum, n) => sum + n, 0);

  return {
    journeyId,
    generatedAt: now.toISOString(),
    totals: {
      enrolled,
      active: byStatus.ACTIVE + byStatus.WAITING,
      waiting: byStatus.WAITING,
      completed: byStatus.COMPLETED,
      converted,
      exited: byStatus.EXITED,
      failed: byStatus.FAILED,
    },
    nodes,
  };
}

// ---------------------------------------------------------------------------------------------------
// A person's journeys

export interface EnrollmentStepView {
  nodeId: string;
  nodeType: string;
  /** the node's label in the version the person walked, or its type when it has none */
  label: string;
  enteredAt: string;
  leftAt: string | null;
  /** the exit taken: next, yes/no, arrived/timed_out, a branch or arm id */
  exit: string | null;
  /**
   * the exit in words, as the canvas labels it: "Yes", "Timed out", a branch's or arm's label ("Holdout, on A’s
   * path" for a held-out person, who goes on along the control arm without being in it); null for "next"
   */
  exitLabel: string | null;
  /** what the decision looked at */
  inputs: unknown;
  /** what it concluded, in words */
  outcome: string;
}

export interface VersionGraphView {
  nodes: { id: string; type: string; label: string | null; position: { x: number; y: number } }[];
  edges: { id: string; source: string; target: string; branch: string | null }[];
}

export interface ProfileEnrollment {
  enrollmentId: string;
  journeyId: string;
  journeyName: string;
  version: number;
  status: EnrollmentStatus;
  enteredAt: string;
  endedAt: string | null;
  endReason: string | null;
  currentNodeId: string;
  /** what a WAITING enrollment waits for: a time (delay, or a wait's timeout), an event, or both */
  waiting: { until?: string; eventName?: string; matchProperty?: string; matchValue?: unknown } | null;
  /** the event (or API call) that started it */
  trigger: { eventId?: string; name?: string; properties?: Record<string, unknown>; timestamp?: string };
  /**
   * The enrollment's Conversion row, the one the journey's conversion count counts: the goal while in the
   * journey, or the journey goal's event within its attribution window after the person left (or within an
   * experiment's window from their split assignment). Null: not converted, whatever the person did later.
   */
  conversion: { at: string; eventName: string; eventId: string; revenue: number | null; afterLeaving: boolean } | null;
  /** node visits in the order they happened */
  steps: EnrollmentStepView[];
  /** the version's graph (without node configurations), so the path can be drawn */
  graph: VersionGraphView;
}

export const PROFILE_ENROLLMENTS_LIMIT = 50;
const NOT_FOUND_PROFILE = "No such profile in this workspace.";

function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const EXIT_WORDS: Record<string, string> = {
  yes: "Yes",
  no: "No",
  arrived: "Arrived",
  timed_out: "Timed out",
  else: "Else",
  holdout: "Holdout",
};

function exitLabel(
  node: TJourneyGraph["nodes"][number] | undefined,
  exit: string | null,
  inputs: unknown,
): string | null {
  if (!exit || exit === "next") return null;
  const named = [
    ...((node?.config.branches as { id: string; label?: string }[] | undefined) ?? []),
    ...((node?.config.arms as { id: string; label?: string }[] | undefined) ?? []),
  ];
  const label = named.find((b) => b.id === exit)?.label || EXIT_WORDS[exit] || exit;
  // A held-out person leaves a split through the control arm's exit (so the path map follows the edge they
  // took), but was not assigned to it: say so (lib/engine/interpreter.ts sets these inputs).
  const held =
    node?.type === "split" &&
    inputs !== null &&
    typeof inputs === "object" &&
    ((inputs as { heldOut?: unknown }).heldOut === true ||
      typeof (inputs as { heldOutBy?: unknown }).heldOutBy === "string");
  return held ? `Holdout, on ${label}’s path` : label;
}

function graphView(graph: TJourneyGraph): VersionGraphView {
  return {
    nodes: graph.nodes.map((n) => ({ id: n.id, type: n.type, label: n.label ?? null, position: n.position })),
    edges: graph.edges.map((e) => ({ id: e.id, source: e.source, target: e.target, branch: e.branch ?? null })),
  };
}

function conversionView(
  c: { convertedAt: Date; eventName: string; eventId: bigint; revenue: { toString(): string } | null } | undefined,
  status: EnrollmentStatus,
  endedAt: Date | null,
): ProfileEnrollment["conversion"] {
  if (!c) return null;
  // After leaving: the journey had ended before the conversion (within the attribution window). A goal that
  // lets people continue converts them while they are still in the journey, whatever their status is later.
  const afterLeaving = status !== "CONVERTED" && endedAt !== null && c.convertedAt.getTime() > endedAt.getTime();
  return {
    at: c.convertedAt.toISOString(),
    eventName: c.eventName,
    eventId: c.eventId.toString(),
    revenue: c.revenue === null ? null : Number(c.revenue.toString()),
    afterLeaving,
  };
}

/**
 * The journeys a person is in or went through, newest entry first (at most 50 enrollments), each with its
 * steps and the graph of the version it walked. An anonymous profile merged into a person resolves to
 * that person, and enrollments made before the merge are included.
 */
export async function profileJourneys(ctx: WorkspaceContext, profileId: string): Promise<ProfileEnrollment[]> {
  requirePermission(ctx, "workspace:read");
  const workspaceId = ctx.workspace.id;
  if (!isUuid(profileId)) throw new AppError("not_found", NOT_FOUND_PROFILE);
  const found = await db().profile.findFirst({
    where: { id: profileId, workspaceId },
    select: { id: true, mergedIntoId: true },
  });
  if (!found) throw new AppError("not_found", NOT_FOUND_PROFILE);
  const personId = found.mergedIntoId ?? found.id;
  const merged = await db().profile.findMany({ where: { workspaceId, mergedIntoId: personId }, select: { id: true } });

  const enrollments = await db().enrollment.findMany({
    where: { workspaceId, profileId: { in: [personId, ...merged.map((m) => m.id)] } },
    orderBy: [{ enteredAt: "desc" }, { id: "asc" }],
    take: PROFILE_ENROLLMENTS_LIMIT,
  });
  if (!enrollments.length) return [];

  const [steps, versions, conversions] = await Promise.all([
    // @@unique([enrollmentId, nodeId, visit]) serves the lookup
    db().enrollmentStep.findMany({
      where: { enrollmentId: { in: enrollments.map((e) => e.id) } },
      orderBy: [{ enteredAt: "asc" }, { id: "asc" }],
    }),
    db().journeyVersion.findMany({
      where: { id: { in: [...new Set(enrollments.map((e) => e.journeyVersionId))] }, journey: { workspaceId } },
      select: { id: true, version: true, graph: true, journey: { select: { id: true, name: true } } },
    }),
    // Conversion's primary key is the enrollment id
    db().conversion.findMany({ where: { enrollmentId: { in: enrollments.map((e) => e.id) }, workspaceId } }),
  ]);
  const conversionOf = new Map(conversions.map((c) => [c.enrollmentId, c]));

  const versionById = new Map(
    versions.map((v) => {
      const graph = v.graph as TJourneyGraph;
      return [v.id, { ...v, view: graphView(graph), nodes: new Map(graph.nodes.map((n) => [n.id, n])) }];
    }),
  );
  const stepsByEnrollment = new Map<string, typeof steps>();
  for (const step of steps) {
    const list = stepsByEnrollment.get(step.enrollmentId);
    if (list) list.push(step);
    else stepsByEnrollment.set(step.enrollmentId, [step]);
  }

  // An enrollment whose journey was deleted (versions cascade) has nothing left to show.
  return enrollments.flatMap((e): ProfileEnrollment[] => {
    const version = versionById.get(e.journeyVersionId);
    if (!version) return [];
    const waiting =
      e.status === "WAITING"
        ? {
            ...(e.wakeAt ? { until: e.wakeAt.toISOString() } : {}),
            ...(e.waitEventName ? { eventName: e.waitEventName } : {}),
            ...(e.waitMatchProperty
              ? { matchProperty: e.waitMatchProperty, matchValue: parseJson(e.waitMatchValue) }
              : {}),
          }
        : null;
    return [
      {
        enrollmentId: e.id,
        journeyId: e.journeyId,
        journeyName: version.journey.name,
        version: version.version,
        status: e.status,
        enteredAt: e.enteredAt.toISOString(),
        endedAt: e.endedAt?.toISOString() ?? null,
        endReason: e.endReason,
        currentNodeId: e.currentNodeId,
        waiting,
        trigger: (e.trigger ?? {}) as ProfileEnrollment["trigger"],
        conversion: conversionView(conversionOf.get(e.id), e.status, e.endedAt),
        steps: (stepsByEnrollment.get(e.id) ?? []).map((s) => ({
          nodeId: s.nodeId,
          nodeType: s.nodeType,
          label: version.nodes.get(s.nodeId)?.label || s.nodeType,
          enteredAt: s.enteredAt.toISOString(),
          leftAt: s.leftAt?.toISOString() ?? null,
          exit: s.exit,
          exitLabel: exitLabel(version.nodes.get(s.nodeId), s.exit, s.inputs),
          inputs: s.inputs,
          outcome: s.outcome,
        })),
        graph: version.view,
      },
    ];
  });
}
