import { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { db } from "../db/client";
import { parseInput } from "../errors";
import { toProfileEvent, type ProfileEvent } from "../profiles/profiles";
import { isoDayOrNull, isoOrNull } from "./instant";
import { newestReceivedFirst } from "./live-order";

/** The Events pages: the live feed of incoming events and the event catalog. */
export interface LiveEvent extends ProfileEvent {
  profileId: string;
  userId: string | null;
  anonymousId: string | null;
}

export const ZLiveQuery = z.object({
  /** only events stored after this id (the newest the page already shows) */
  after: z.string().regex(/^\d+$/, "must be an event id").optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export async function listRecentEvents(
  ctx: WorkspaceContext,
  query: z.input<typeof ZLiveQuery> = {},
): Promise<LiveEvent[]> {
  requirePermission(ctx, "workspace:read");
  const { after, limit } = parseInput(ZLiveQuery, query);
  // By id (arrival order), not timestamp: the feed shows what arrived, and ids make "since" exact.
  // After a given id, the *oldest* `limit` newer events come first, so a poller that falls behind a burst
  // catches up over the next polls instead of skipping what arrived in between. Newest first either way.
  const rows = after
    ? (
        await db().event.findMany({
          where: { workspaceId: ctx.workspace.id, id: { gt: BigInt(after) } },
          orderBy: { id: "asc" },
          take: limit,
        })
      ).reverse()
    : await db().event.findMany({ where: { workspaceId: ctx.workspace.id }, orderBy: { id: "desc" }, take: limit });
  // Shown newest received first, the order the times on the rows say (lib/events/live-order.ts).
  return newestReceivedFirst(
    rows.map((r) => ({
      ...toProfileEvent(r, ctx),
      profileId: r.profileId,
      userId: r.userId,
      anonymousId: r.anonymousId,
    })),
  );
}

export interface CatalogEntry {
  name: string;
  /** null when the stored instant is not representable (./instant.ts) */
  firstSeenAt: string | null;
  lastSeenAt: string | null;
  total: number;
  /** the last 30 days, oldest first, zero-filled: [{ day: "2026-11-22", count }] */
  daily: { day: string; count: number }[];
  properties: { key: string; types: string[] }[];
}

export async function listEventCatalog(ctx: WorkspaceContext, now: Date = new Date()): Promise<CatalogEntry[]> {
  requirePermission(ctx, "workspace:read");
  const workspaceId = ctx.workspace.id;
  const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 29));
  const [types, volumes, properties] = await Promise.all([
    db().eventType.findMany({ where: { workspaceId }, orderBy: { lastSeenAt: "desc" } }),
    db().eventVolume.findMany({ where: { workspaceId, day: { gte: since } } }),
    db().eventProperty.findMany({ where: { workspaceId }, orderBy: [{ key: "asc" }, { type: "asc" }] }),
  ]);
  const days = Array.from({ length: 30 }, (_, i) =>
    new Date(since.getTime() + i * 86_400_000).toISOString().slice(0, 10),
  );
  return types.map((t) => {
    const counts = new Map(volumes.filter((v) => v.name === t.name).map((v) => [isoDayOrNull(v.day), v.count]));
    const keys = new Map<string, string[]>();
    for (const p of properties.filter((p) => p.eventName === t.name))
      keys.set(p.key, [...(keys.get(p.key) ?? []), p.type]);
    return {
      name: t.name,
      firstSeenAt: isoOrNull(t.firstSeenAt),
      lastSeenAt: isoOrNull(t.lastSeenAt),
      total: Number(t.total),
      daily: days.map((day) => ({ day, count: counts.get(day) ?? 0 })),
      properties: [...keys].map(([key, types]) => ({ key, types })),
    };
  });
}

export interface CatalogName {
  name: string;
  /** the property keys observed on this event (EventProperty rows), sorted */
  properties: string[];
}

/**
 * Just the catalog's names and property keys, most recently seen first: what the journey canvas suggests in
 * its event and property fields and checks names against (lib/journeys/event-name-suggestions.ts).
 */
export async function listCatalogNames(ctx: WorkspaceContext): Promise<CatalogName[]> {
  requirePermission(ctx, "workspace:read");
  const workspaceId = ctx.workspace.id;
  const [types, properties] = await Promise.all([
    db().eventType.findMany({
      where: { workspaceId },
      orderBy: [{ lastSeenAt: "desc" }, { name: "asc" }],
      select: { name: true },
    }),
    db().eventProperty.findMany({
      where: { workspaceId },
      orderBy: { key: "asc" },
      select: { eventName: true, key: true },
    }),
  ]);
  const keys = new Map<string, Set<string>>();
  for (const p of properties) keys.set(p.eventName, (keys.get(p.eventName) ?? new Set()).add(p.key));
  return types.map((t) => ({ name: t.name, properties: [...(keys.get(t.name) ?? [])] }));
}
