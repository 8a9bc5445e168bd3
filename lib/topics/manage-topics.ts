import { requirePermission, type WorkspaceContext } from "../auth/context";
import { recordAudit } from "../audit/audit-log";
import { db } from "../db/client";
import { pgPool } from "../db/pool";
import { prismaQueryable } from "../db/sql";
import { AppError, parseInput } from "../errors";
import { systemClock, type Clock } from "../runtime/clock";
import { MAX_LIVE_TOPICS, ZCreateTopic, ZTopicKey, ZUpdateTopic } from "./schemas";
import {
  lockWorkspaceTopics,
  selectTopicById,
  selectTopicByKey,
  selectTopicsWithCounts,
  type TopicRow,
} from "./store/topics";

/**
 * Settings → Subscription topics: create, change and archive a workspace's topics (admins and owners, like the
 * other delivery settings, each with its audit entry in the changing transaction), and read them (anyone in the
 * workspace, and full API keys). Topics are archived, never deleted: messages already sent name them, and the
 * people who left one stay out of it.
 */

export interface TopicView {
  id: string;
  key: string;
  name: string;
  description: string;
  category: "marketing" | "transactional";
  defaultStatus: "subscribed" | "unsubscribed";
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
}

export interface TopicWithCounts extends TopicView {
  /** people who chose to be in it (opt-in topics) or came back to it */
  subscribedCount: number;
  /** people who left it */
  unsubscribedCount: number;
}

function view(row: TopicRow): TopicView {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    description: row.description,
    category: row.category,
    defaultStatus: row.defaultStatus,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    archivedAt: row.archivedAt?.toISOString() ?? null,
  };
}

export async function listTopics(ctx: WorkspaceContext): Promise<{ topics: TopicWithCounts[] }> {
  requirePermission(ctx, "workspace:read");
  const rows = await selectTopicsWithCounts(pgPool(), ctx.workspace.id);
  return {
    topics: rows.map((r) => ({ ...view(r), subscribedCount: r.subscribed, unsubscribedCount: r.unsubscribed })),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A topic of this workspace by id or key; another workspace's topic is as unknown as a missing one. */
async function findTopic(ctx: WorkspaceContext, idOrKey: string): Promise<TopicRow> {
  const row = UUID.test(idOrKey)
    ? await selectTopicById(pgPool(), ctx.workspace.id, idOrKey)
    : await selectTopicByKey(pgPool(), ctx.workspace.id, idOrKey);
  if (!row) throw new AppError("not_found", "No such subscription topic in this workspace.");
  return row;
}

export async function getTopic(ctx: WorkspaceContext, idOrKey: string): Promise<TopicView> {
  requirePermission(ctx, "workspace:read");
  return view(await findTopic(ctx, idOrKey));
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

const keyTaken = () => AppError.field("key", "is already used by another topic of this workspace (archived ones too)");

export async function createTopic(
  ctx: WorkspaceContext,
  input: unknown,
  clock: Clock = systemClock,
): Promise<TopicView> {
  requirePermission(ctx, "settings:manage");
  const body = parseInput(ZCreateTopic, input);
  const now = clock();
  try {
    const created = await db().$transaction(async (tx) => {
      await lockWorkspaceTopics(prismaQueryable(tx), ctx.workspace.id);
      if (
        await tx.subscriptionTopic.findUnique({
          where: { workspaceId_key: { workspaceId: ctx.workspace.id, key: body.key } },
        })
      )
        throw keyTaken();
      const live = await tx.subscriptionTopic.count({ where: { workspaceId: ctx.workspace.id, archivedAt: null } });
      if (live >= MAX_LIVE_TOPICS)
        throw new AppError(
          "validation",
          `A workspace has at most ${MAX_LIVE_TOPICS} topics that are not archived; archive one first.`,
        );
      const topic = await tx.subscriptionTopic.create({
        data: { workspaceId: ctx.workspace.id, ...body, createdAt: now, updatedAt: now },
      });
      await recordAudit(tx, {
        workspaceId: ctx.workspace.id,
        actor: ctx.actor,
        action: "subscription_topic.created",
        targetType: "subscription_topic",
        targetId: topic.id,
        summary: `Created the ${body.category} topic "${body.name}" (${body.key}, ${body.defaultStatus === "subscribed" ? "opt-out" : "opt-in"})`,
      });
      return topic;
    });
    return view(created as TopicRow);
  } catch (error) {
    // two admins creating the same key at once: the unique index decides, the loser gets the same answer
    if (isUniqueViolation(error)) throw keyTaken();
    throw error;
  }
}

export async function updateTopic(
  ctx: WorkspaceContext,
  idOrKey: string,
  input: unknown,
  clock: Clock = systemClock,
): Promise<TopicView> {
  requirePermission(ctx, "settings:manage");
  const body = parseInput(ZUpdateTopic, input);
  const existing = await findTopic(ctx, idOrKey);
  if (existing.archivedAt) throw new AppError("conflict", "This topic is archived; archived topics do not change.");
  const changes = Object.entries(body).filter(
    ([field, value]) => value !== undefined && existing[field as keyof typeof body] !== value,
  );
  if (!changes.length) return view(existing);
  const updated = await db().$transaction(async (tx) => {
    const topic = await tx.subscriptionTopic.update({
      where: { id: existing.id },
      data: { ...Object.fromEntries(changes), updatedAt: clock() },
    });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "subscription_topic.updated",
      targetType: "subscription_topic",
      targetId: existing.id,
      summary: `Changed the topic "${existing.name}": ${changes.map(([field]) => field).join(", ")}`,
      metadata: { before: Object.fromEntries(changes.map(([f]) => [f, existing[f as keyof typeof body]])) },
    });
    return topic;
  });
  return view(updated as TopicRow);
}

/**
 * Archiving: new sends can no longer choose the topic and the preference page stops listing it, but messages
 * already queued with it are still checked against people's choices, so nobody who left it gets it.
 */
export async function archiveTopic(
  ctx: WorkspaceContext,
  idOrKey: string,
  clock: Clock = systemClock,
): Promise<TopicView> {
  requirePermission(ctx, "settings:manage");
  const existing = await findTopic(ctx, idOrKey);
  if (existing.archivedAt) return view(existing);
  const now = clock();
  const archived = await db().$transaction(async (tx) => {
    const topic = await tx.subscriptionTopic.update({
      where: { id: existing.id },
      data: { archivedAt: now, updatedAt: now },
    });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "subscription_topic.archived",
      targetType: "subscription_topic",
      targetId: existing.id,
      summary: `Archived the topic "${existing.name}" (${existing.key})`,
    });
    return topic;
  });
  return view(archived as TopicRow);
}

/**
 * The topic a new send names (POST /api/v1/send's `topic`, a broadcast's `topicId`): this workspace's and not
 * archived, else a 422 naming `field`. Another workspace's topic is "no such topic", never a hint it exists.
 */
export async function usableTopic(
  workspaceId: string,
  reference: { key: string } | { id: string },
  field: string,
): Promise<TopicRow> {
  let row: TopicRow | null = null;
  if ("key" in reference) {
    if (ZTopicKey.safeParse(reference.key).success) row = await selectTopicByKey(pgPool(), workspaceId, reference.key);
  } else if (UUID.test(reference.id)) row = await selectTopicById(pgPool(), workspaceId, reference.id);
  if (!row) throw AppError.field(field, "No such subscription topic in this workspace");
  if (row.archivedAt) throw AppError.field(field, `The topic "${row.name}" is archived; new sends cannot choose it`);
  return row;
}
