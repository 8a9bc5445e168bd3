import "server-only";
import type { z } from "zod";
import { actorLabel, requirePermission, type WorkspaceContext } from "../auth/context";
import { recordAudit } from "../audit/audit-log";
import { db } from "../db/client";
import { pgPool } from "../db/pool";
import { prismaQueryable, type Queryable } from "../db/sql";
import { AppError, type FieldIssue, parseInput, zodIssuesToFields } from "../errors";
import { systemClock, type Clock } from "../runtime/clock";
import {
  deriveKey,
  PURCHASE_EVENT,
  SESSION_EVENTS,
  type StartingPoint,
  startingPoints,
  targetSchemaOf,
  type TCreatePrediction,
  type TUpdatePrediction,
  ZCreatePrediction,
  type ZPredictionListQuery,
  ZUpdatePrediction,
} from "./definitions-schemas";
import { LOST_TRAINING_MS, requestTraining } from "./request-training";
import {
  archivePredictionRow,
  insertPrediction,
  PredictionKeyTakenError,
  type PredictionRow,
  selectAudienceSegment,
  selectModels,
  selectPrediction,
  selectPredictions,
  selectSeenEventNames,
  selectTierCounts,
  updatePredictionRow,
} from "./store/prediction-store";
import type { PredictionKind, PredictionTarget } from "./types";
import { detailView, HISTORY_LIMIT, type PredictionDetail, type PredictionSummary, summaryView } from "./views";

/**
 * Predictions → define, change, archive, train now, list, read. Changes need content:write (editors and up, full
 * API keys), reads workspace:read. A definition is checked against the workspace before anything is stored: its
 * events must have been seen (the event catalog), its audience must be a live segment of the workspace with people
 * in it; each problem is a 422 naming the field. Creating one queues its first training; changing what it asks
 * queues a retraining, while the live model keeps serving until a better one replaces it. Another workspace's
 * prediction is as unknown as a missing one (404).
 */

export async function listPredictions(
  ctx: WorkspaceContext,
  query: z.output<typeof ZPredictionListQuery> = { archived: false },
): Promise<{ predictions: PredictionSummary[] }> {
  requirePermission(ctx, "workspace:read");
  const rows = await selectPredictions(pgPool(), ctx.workspace.id, query.archived);
  return { predictions: rows.map(summaryView) };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function findPrediction(q: Queryable, ctx: WorkspaceContext, id: string): Promise<PredictionRow> {
  const row = UUID.test(id) ? await selectPrediction(q, ctx.workspace.id, id) : null;
  if (!row) throw new AppError("not_found", "No such prediction in this workspace.");
  return row;
}

export async function getPrediction(
  ctx: WorkspaceContext,
  id: string,
  clock: Clock = systemClock,
): Promise<PredictionDetail> {
  requirePermission(ctx, "workspace:read");
  const q = pgPool();
  const row = await findPrediction(q, ctx, id);
  const [models, tiers] = await Promise.all([
    selectModels(q, ctx.workspace.id, row.id, HISTORY_LIMIT),
    selectTierCounts(q, ctx.workspace.id, row.id),
  ]);
  return detailView(row, models, tiers, clock());
}

/** The built-in starting points the create form offers, each available only when its events have been seen. */
export async function predictionStartingPoints(ctx: WorkspaceContext): Promise<StartingPoint[]> {
  requirePermission(ctx, "workspace:read");
  const seen = await selectSeenEventNames(pgPool(), ctx.workspace.id, [PURCHASE_EVENT, ...SESSION_EVENTS]);
  return startingPoints(seen);
}

const eventNamesOf = (kind: PredictionKind, target: PredictionTarget): { path: string; name: string }[] =>
  kind === "churn" && "eventNames" in target
    ? target.eventNames.map((name, i) => ({ path: `target.eventNames.${i}`, name }))
    : "eventName" in target
      ? [{ path: "target.eventName", name: target.eventName }]
      : [];

/** Every reason the definition cannot be stored in this workspace, each naming its field. */
async function workspaceProblems(
  q: Queryable,
  workspaceId: string,
  events: { path: string; name: string }[],
  audienceSegmentId: string | null,
): Promise<FieldIssue[]> {
  const problems: FieldIssue[] = [];
  const seen = await selectSeenEventNames(
    q,
    workspaceId,
    events.map((e) => e.name),
  );
  for (const e of events)
    if (!seen.has(e.name))
      problems.push({
        path: e.path,
        message: `"${e.name.slice(0, 80)}" has never been seen in this workspace: a model cannot learn from an event that never happened`,
      });
  if (audienceSegmentId) {
    const segment = await selectAudienceSegment(q, workspaceId, audienceSegmentId);
    const message = !segment
      ? "is not a segment of this workspace"
      : segment.archived
        ? `"${segment.name}" is archived`
        : !segment.hasMembers
          ? `"${segment.name}" has no members: nobody would be scored`
          : null;
    if (message) problems.push({ path: "audienceSegmentId", message });
  }
  return problems;
}

/** JSON with object keys sorted: jsonb hands keys back in its own order, so a plain stringify would see changes. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

function refuse(problems: FieldIssue[]): void {
  if (problems.length) throw AppError.validation(problems);
}

export async function createPrediction(
  ctx: WorkspaceContext,
  input: TCreatePrediction,
  clock: Clock = systemClock,
): Promise<PredictionDetail> {
  requirePermission(ctx, "content:write");
  const body = parseInput(ZCreatePrediction, input);
  const key = body.key ?? deriveKey(body.name);
  if (!key) throw AppError.field("key", "is required: the name has no letter to derive a key from");
  const audienceSegmentId = body.audienceSegmentId ?? null;
  refuse(await workspaceProblems(pgPool(), ctx.workspace.id, eventNamesOf(body.kind, body.target), audienceSegmentId));

  const now = clock();
  let id: string;
  try {
    id = await db().$transaction(async (tx) => {
      const id = await insertPrediction(prismaQueryable(tx), {
        workspaceId: ctx.workspace.id,
        key,
        name: body.name,
        kind: body.kind,
        target: body.target,
        horizonDays: body.horizonDays,
        audienceSegmentId,
        retrainEveryDays: body.retrainEveryDays,
        label: actorLabel(ctx.actor),
        now,
      });
      await recordAudit(tx, {
        workspaceId: ctx.workspace.id,
        actor: ctx.actor,
        action: "prediction.created",
        targetType: "prediction",
        targetId: id,
        summary: `Created the ${body.kind} prediction "${body.name}" (${key}, ${body.horizonDays} days)`,
      });
      return id;
    });
  } catch (error) {
    if (error instanceof PredictionKeyTakenError)
      throw AppError.field("key", `"${key}" is already the key of a prediction of this workspace`);
    throw error;
  }
  await requestTraining(ctx.workspace.id, id, clock);
  return getPrediction(ctx, id, clock);
}

export async function updatePrediction(
  ctx: WorkspaceContext,
  id: string,
  input: TUpdatePrediction,
  clock: Clock = systemClock,
): Promise<PredictionDetail> {
  requirePermission(ctx, "content:write");
  const body = parseInput(ZUpdatePrediction, input);
  const existing = await findPrediction(pgPool(), ctx, id);
  if (existing.archivedAt) throw new AppError("conflict", "This prediction is archived; it can no longer change.");
  const kind: PredictionKind = existing.kind === "churn" ? "churn" : "propensity";

  let target = existing.target as PredictionTarget;
  if (body.target !== undefined) {
    const parsed = targetSchemaOf(kind).safeParse(body.target);
    if (!parsed.success)
      throw AppError.validation(
        zodIssuesToFields(parsed.error).map((f) => ({ ...f, path: f.path ? `target.${f.path}` : "target" })),
      );
    target = parsed.data;
  }
  const next = {
    name: body.name ?? existing.name,
    target,
    horizonDays: body.horizonDays ?? existing.horizonDays,
    audienceSegmentId: body.audienceSegmentId === undefined ? existing.audienceSegmentId : body.audienceSegmentId,
    retrainEveryDays: body.retrainEveryDays ?? existing.retrainEveryDays,
  };
  // only what changed is checked again: an audience that emptied since creation does not block a rename
  refuse(
    await workspaceProblems(
      pgPool(),
      ctx.workspace.id,
      body.target !== undefined ? eventNamesOf(kind, next.target) : [],
      body.audienceSegmentId !== undefined && next.audienceSegmentId !== existing.audienceSegmentId
        ? next.audienceSegmentId
        : null,
    ),
  );
  const asks = (p: { target: unknown; horizonDays: number; audienceSegmentId: string | null }) =>
    canonical([p.target, p.horizonDays, p.audienceSegmentId]);
  const questionChanged = asks(next) !== asks(existing);

  await db().$transaction(async (tx) => {
    await updatePredictionRow(prismaQueryable(tx), {
      workspaceId: ctx.workspace.id,
      id: existing.id,
      ...next,
      label: actorLabel(ctx.actor),
      now: clock(),
    });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "prediction.updated",
      targetType: "prediction",
      targetId: existing.id,
      summary: `Changed the prediction "${next.name}" (${existing.key})${questionChanged ? "; it will be retrained" : ""}`,
      metadata: { changed: Object.keys(body) },
    });
  });
  if (questionChanged) await requestTraining(ctx.workspace.id, existing.id, clock);
  return getPrediction(ctx, existing.id, clock);
}

/** Archiving stops its training and scoring; its scores no longer show or serve. Archiving twice changes nothing. */
export async function archivePrediction(
  ctx: WorkspaceContext,
  id: string,
  clock: Clock = systemClock,
): Promise<PredictionDetail> {
  requirePermission(ctx, "content:write");
  const existing = await findPrediction(pgPool(), ctx, id);
  if (!existing.archivedAt)
    await db().$transaction(async (tx) => {
      const archived = await archivePredictionRow(
        prismaQueryable(tx),
        ctx.workspace.id,
        existing.id,
        actorLabel(ctx.actor),
        clock(),
      );
      if (archived)
        await recordAudit(tx, {
          workspaceId: ctx.workspace.id,
          actor: ctx.actor,
          action: "prediction.archived",
          targetType: "prediction",
          targetId: existing.id,
          summary: `Archived the prediction "${existing.name}" (${existing.key})`,
        });
    });
  return getPrediction(ctx, existing.id, clock);
}

/**
 * "Train now": queues a training unless one is already queued or running (then it answers the current state); a
 * training lost for LOST_TRAINING_MS (a crashed process) is asked again.
 */
export async function trainPredictionNow(
  ctx: WorkspaceContext,
  id: string,
  clock: Clock = systemClock,
): Promise<PredictionDetail> {
  requirePermission(ctx, "content:write");
  const existing = await findPrediction(pgPool(), ctx, id);
  if (existing.archivedAt) throw new AppError("conflict", "This prediction is archived; it is no longer trained.");
  // a training queued or running is not asked again, unless it was lost (requestTraining's rule)
  const lost = clock().getTime() - LOST_TRAINING_MS;
  const running =
    (existing.trainingStatus === "queued" || existing.trainingStatus === "training") &&
    !(existing.updatedAt.getTime() < lost && (existing.trainingStartedAt?.getTime() ?? 0) < lost);
  if (!running) {
    await db().$transaction((tx) =>
      recordAudit(tx, {
        workspaceId: ctx.workspace.id,
        actor: ctx.actor,
        action: "prediction.training_requested",
        targetType: "prediction",
        targetId: existing.id,
        summary: `Asked to train the prediction "${existing.name}" (${existing.key}) now`,
      }),
    );
    await requestTraining(ctx.workspace.id, existing.id, clock);
  }
  return getPrediction(ctx, existing.id, clock);
}
