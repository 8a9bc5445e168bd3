import { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { db } from "../db/client";
import { pgPool } from "../db/pool";
import { AppError, parseInput } from "../errors";
import { isoOrNull } from "../events/instant";
import { eventSourceFor } from "../ingest/webhook-source-refs";
import { readDataIssues, type DataIssues } from "./data-issues";
import { selectProfileEventIdsPage, selectProfilesWithTraitValueLike } from "./store/profiles";

/** Reading profiles and their events: the Profiles pages and GET /api/v1/profiles/<id>. */
export interface ProfileSummary {
  id: string;
  userId: string | null;
  email: string | null;
  anonymousIds: string[];
  /** null when the stored instant is not representable (lib/events/instant.ts) */
  lastSeenAt: string | null;
}

export interface ProfileDetail extends ProfileSummary {
  traits: Record<string, unknown>;
  phone: string | null;
  timezone: string | null;
  pushTokens: { token: string; type: string }[];
  firstSeenAt: string | null;
  identities: { kind: "user" | "anonymous"; value: string }[];
  /** contact data Cairn cannot use, as last sent (./data-issues.ts) */
  dataIssues: DataIssues;
}

export interface ProfileEvent {
  id: string;
  messageId: string;
  type: string;
  name: string | null;
  properties: Record<string, unknown>;
  traits: Record<string, unknown> | null;
  context: Record<string, unknown> | null;
  /** null when the stored instant is not representable (lib/events/instant.ts) */
  timestamp: string | null;
  receivedAt: string | null;
  source: string;
}

const UUID = z.uuid();

async function identitiesOf(profileIds: string[]) {
  return db().profileIdentity.findMany({
    where: { profileId: { in: profileIds } },
    select: { profileId: true, kind: true, value: true },
    orderBy: [{ kind: "desc" }, { createdAt: "asc" }],
  });
}

export const ZProfileSearch = z.object({
  q: z.string().trim().max(200, "at most 200 characters").optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

/** Recent profiles, or those matching a user id, anonymous id, email or trait value. */
export async function searchProfiles(
  ctx: WorkspaceContext,
  query: z.input<typeof ZProfileSearch> = {},
): Promise<ProfileSummary[]> {
  requirePermission(ctx, "workspace:read");
  const { q, limit } = parseInput(ZProfileSearch, query);
  const workspaceId = ctx.workspace.id;
  const where = q
    ? {
        workspaceId,
        mergedIntoId: null,
        OR: [
          { userId: q },
          { email: { startsWith: q.toLowerCase(), mode: "insensitive" as const } },
          {
            id: {
              in: (
                await db().profileIdentity.findMany({ where: { workspaceId, value: q }, select: { profileId: true } })
              ).map((i) => i.profileId),
            },
          },
          ...(await traitMatches(workspaceId, q)),
        ],
      }
    : { workspaceId, mergedIntoId: null };
  const rows = await db().profile.findMany({
    where,
    orderBy: { lastSeenAt: "desc" },
    take: limit,
    select: { id: true, userId: true, email: true, lastSeenAt: true },
  });
  const identities = await identitiesOf(rows.map((r) => r.id));
  return rows.map((r) => ({
    ...r,
    lastSeenAt: isoOrNull(r.lastSeenAt),
    anonymousIds: identities.filter((i) => i.profileId === r.id && i.kind === "anonymous").map((i) => i.value),
  }));
}

/** Profiles having any trait whose value contains `q` (case-insensitive). */
async function traitMatches(workspaceId: string, q: string): Promise<{ id: { in: string[] } }[]> {
  const ids = await selectProfilesWithTraitValueLike(pgPool(), workspaceId, q);
  return ids.length ? [{ id: { in: ids } }] : [];
}

/**
 * A profile by Cairn's profile id, a userId or an anonymousId. An anonymous profile that was merged
 * into a known person resolves to that person.
 */
export async function getProfile(ctx: WorkspaceContext, idOrUserId: string): Promise<ProfileDetail> {
  requirePermission(ctx, "workspace:read");
  const workspaceId = ctx.workspace.id;
  let profileId: string | undefined;
  if (UUID.safeParse(idOrUserId).success) {
    profileId = (await db().profile.findFirst({ where: { id: idOrUserId, workspaceId }, select: { id: true } }))?.id;
  }
  profileId ??=
    (
      await db().profileIdentity.findUnique({
        where: { workspaceId_kind_value: { workspaceId, kind: "user", value: idOrUserId } },
        select: { profileId: true },
      })
    )?.profileId ??
    (
      await db().profileIdentity.findUnique({
        where: { workspaceId_kind_value: { workspaceId, kind: "anonymous", value: idOrUserId } },
        select: { profileId: true },
      })
    )?.profileId;
  if (!profileId)
    throw new AppError("not_found", `No profile with the id, userId or anonymousId "${idOrUserId}" in this workspace.`);

  let profile = await db().profile.findUniqueOrThrow({ where: { id: profileId } });
  if (profile.mergedIntoId) profile = await db().profile.findUniqueOrThrow({ where: { id: profile.mergedIntoId } });
  const identities = await identitiesOf([profile.id]);
  return {
    id: profile.id,
    userId: profile.userId,
    email: profile.email,
    phone: profile.phone,
    timezone: profile.timezone,
    traits: profile.traits as Record<string, unknown>,
    pushTokens: profile.pushTokens as { token: string; type: string }[],
    firstSeenAt: isoOrNull(profile.firstSeenAt),
    lastSeenAt: isoOrNull(profile.lastSeenAt),
    identities: identities.map((i) => ({ kind: i.kind as "user" | "anonymous", value: i.value })),
    dataIssues: readDataIssues(profile.dataIssues),
    anonymousIds: identities.filter((i) => i.kind === "anonymous").map((i) => i.value),
  };
}

export const ZEventPage = z.object({
  limit: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(500, "must be at most 500")
    .default(50),
  /** id of the last event of the previous page */
  before: z.string().regex(/^\d+$/, "must be an event id").optional(),
});

/** A profile's events, newest first, including those of anonymous profiles merged into it. */
export async function listProfileEvents(
  ctx: WorkspaceContext,
  profileId: string,
  page: z.input<typeof ZEventPage> = {},
): Promise<{ events: ProfileEvent[]; nextBefore: string | null }> {
  requirePermission(ctx, "workspace:read");
  const { limit, before } = parseInput(ZEventPage, page);
  const merged = await db().profile.findMany({
    where: { workspaceId: ctx.workspace.id, OR: [{ id: profileId }, { mergedIntoId: profileId }] },
    select: { id: true },
  });
  // The page is chosen in SQL, the cursor event's timestamp included (see the store): Prisma would refuse an
  // Invalid Date as a filter.
  const profileIds = merged.map((m) => m.id);
  const ids = await selectProfileEventIdsPage(pgPool(), ctx.workspace.id, profileIds, before ?? null, limit);
  const byId = new Map((await db().event.findMany({ where: { id: { in: ids } } })).map((r) => [r.id, r]));
  const rows = ids.map((id) => byId.get(id)!).filter(Boolean);
  const events = rows.slice(0, limit).map((row) => toProfileEvent(row, ctx));
  return { events, nextBefore: rows.length > limit ? events[events.length - 1].id : null };
}

/** An event row as ctx reads it: a webhook source named by what ctx may see of it (lib/ingest/webhook-source-refs.ts). */
export function toProfileEvent(
  row: {
    id: bigint;
    messageId: string;
    type: string;
    name: string | null;
    properties: unknown;
    traits: unknown;
    context: unknown;
    timestamp: Date;
    receivedAt: Date;
    source: string;
  },
  ctx: WorkspaceContext,
): ProfileEvent {
  return {
    id: row.id.toString(),
    messageId: row.messageId,
    type: row.type,
    name: row.name,
    properties: row.properties as Record<string, unknown>,
    traits: row.traits as Record<string, unknown> | null,
    context: row.context as Record<string, unknown> | null,
    timestamp: isoOrNull(row.timestamp),
    receivedAt: isoOrNull(row.receivedAt),
    source: eventSourceFor(ctx, row.source),
  };
}
