import type pg from "pg";
import { withTransaction } from "../db/pool";
import { identityKeysOf, resolveIdentities, type ExistingIdentity, type IdentityPlan } from "../profiles/resolve-identities";
import type { NormalizedEvent } from "./normalize";

/**
 * Stores one request's events in one transaction, with one statement per table:
 *   1. lock the batch's identities (advisory locks, in a fixed order: no deadlocks), load them,
 *      resolve profiles in memory (lib/profiles/resolve-identities.ts) and apply the plan;
 *   2. insert the events, skipping messageIds already stored (the idempotency key);
 *   3. fold the *new* events into their profiles (traits, contact points, time zone, first/last seen);
 *   4. count them into the event catalog, and queue them for Inngest (EventDispatch).
 * The caller answers 2xx only after this commits.
 */
export interface StoreResult {
  received: number;
  stored: number;
  duplicates: number;
  /** ids of the newly stored events, in request order */
  eventIds: string[];
}

export async function storeBatch(workspaceId: string, events: NormalizedEvent[], source = "api"): Promise<StoreResult> {
  // A messageId repeated inside one request is the same message: keep its first occurrence.
  const seen = new Set<string>();
  const unique = events.filter((e) => (seen.has(e.messageId) ? false : (seen.add(e.messageId), true)));

  return withTransaction(async (client) => {
    const plan = await resolveProfiles(client, workspaceId, unique);
    const inserted = await insertEvents(client, workspaceId, unique, plan.profileIdOfMessage, source);
    const isNew = new Set(inserted.map((r) => r.messageId));
    const fresh = unique.map((event, i) => ({ event, profileId: plan.profileIdOfMessage[i] })).filter(({ event }) => isNew.has(event.messageId));
    await updateProfiles(client, fresh);
    await updateCatalog(client, workspaceId, fresh.map((f) => f.event));
    const idByMessage = new Map(inserted.map((r) => [r.messageId, r.id]));
    const eventIds = fresh.map(({ event }) => idByMessage.get(event.messageId)!);
    if (eventIds.length) {
      await client.query(`INSERT INTO "EventDispatch" ("workspaceId", "firstEventId", "eventIds") VALUES ($1, $2, $3::bigint[])`, [workspaceId, eventIds[0], eventIds]);
    }
    return { received: events.length, stored: eventIds.length, duplicates: events.length - eventIds.length, eventIds };
  });
}

async function resolveProfiles(client: pg.PoolClient, workspaceId: string, events: NormalizedEvent[]): Promise<IdentityPlan> {
  const keys = identityKeysOf(events);
  const kinds = keys.map((k) => k.kind);
  const values = keys.map((k) => k.value);
  // Concurrent requests that touch the same person serialise here; others proceed in parallel.
  await client.query(
    `SELECT pg_advisory_xact_lock(h) FROM (
       SELECT DISTINCT hashtextextended($1 || ':' || k || ':' || v, 0) AS h FROM unnest($2::text[], $3::text[]) AS t(k, v)
     ) locks ORDER BY h`,
    [workspaceId, kinds, values],
  );
  const { rows } = await client.query<{ kind: "user" | "anonymous"; value: string; profileId: string; profileUserId: string | null }>(
    `SELECT i.kind, i.value, i."profileId", p."userId" AS "profileUserId"
       FROM "ProfileIdentity" i JOIN "Profile" p ON p.id = i."profileId"
      WHERE i."workspaceId" = $1 AND (i.kind, i.value) IN (SELECT * FROM unnest($2::text[], $3::text[]))`,
    [workspaceId, kinds, values],
  );
  const plan = resolveIdentities(events, rows as ExistingIdentity[]);

  if (plan.newProfiles.length) {
    const now = events[0].receivedAt;
    await client.query(
      `INSERT INTO "Profile" (id, "workspaceId", "userId", "firstSeenAt", "lastSeenAt")
       SELECT id, $1, "userId", $2, $2 FROM unnest($3::uuid[], $4::text[]) AS t(id, "userId")`,
      [workspaceId, now, plan.newProfiles.map((p) => p.id), plan.newProfiles.map((p) => p.userId)],
    );
  }
  if (plan.userIdAssignments.length) {
    await client.query(`UPDATE "Profile" p SET "userId" = t."userId", "updatedAt" = now() FROM unnest($1::uuid[], $2::text[]) AS t(id, "userId") WHERE p.id = t.id`, [
      plan.userIdAssignments.map((a) => a.profileId),
      plan.userIdAssignments.map((a) => a.userId),
    ]);
  }
  for (const { from, to } of plan.merges) await mergeProfiles(client, workspaceId, from, to);
  if (plan.identities.length) {
    await client.query(
      `INSERT INTO "ProfileIdentity" ("workspaceId", kind, value, "profileId")
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::uuid[]) ORDER BY 2, 3
       ON CONFLICT ("workspaceId", kind, value) DO UPDATE SET "profileId" = excluded."profileId"`,
      [workspaceId, plan.identities.map((i) => i.kind), plan.identities.map((i) => i.value), plan.identities.map((i) => i.profileId)],
    );
  }
  return plan;
}

/** Moves everything of `from` (an anonymous profile) to `to`; `to`'s own traits win over `from`'s. */
async function mergeProfiles(client: pg.PoolClient, workspaceId: string, from: string, to: string): Promise<void> {
  await client.query(`UPDATE "ProfileIdentity" SET "profileId" = $3 WHERE "workspaceId" = $1 AND "profileId" = $2`, [workspaceId, from, to]);
  await client.query(`UPDATE "Event" SET "profileId" = $3 WHERE "workspaceId" = $1 AND "profileId" = $2`, [workspaceId, from, to]);
  await client.query(
    `UPDATE "Profile" t SET
        traits = jsonb_strip_nulls(f.traits || t.traits),
        email = COALESCE(t.email, f.email), phone = COALESCE(t.phone, f.phone), timezone = COALESCE(t.timezone, f.timezone),
        "pushTokens" = (SELECT COALESCE(jsonb_agg(DISTINCT x), '[]'::jsonb) FROM jsonb_array_elements(t."pushTokens" || f."pushTokens") x),
        "firstSeenAt" = LEAST(t."firstSeenAt", f."firstSeenAt"), "lastSeenAt" = GREATEST(t."lastSeenAt", f."lastSeenAt"), "updatedAt" = now()
       FROM "Profile" f WHERE t.id = $2 AND f.id = $1`,
    [from, to],
  );
  await client.query(`UPDATE "Profile" SET "mergedIntoId" = $2, "updatedAt" = now() WHERE id = $1 OR "mergedIntoId" = $1`, [from, to]);
}

async function insertEvents(
  client: pg.PoolClient,
  workspaceId: string,
  events: NormalizedEvent[],
  profileIds: string[],
  source: string,
): Promise<{ id: string; messageId: string }[]> {
  const rows = events.map((e, i) => ({
    m: e.messageId,
    t: e.type,
    n: e.name,
    p: profileIds[i],
    u: e.userId,
    a: e.anonymousId,
    pr: e.properties,
    tr: e.traits,
    c: e.context,
    ts: e.timestamp.toISOString(),
    ot: e.originalTimestamp?.toISOString() ?? null,
    sa: e.sentAt?.toISOString() ?? null,
    ra: e.receivedAt.toISOString(),
  }));
  const { rows: inserted } = await client.query<{ id: string; messageId: string }>(
    `INSERT INTO "Event" ("workspaceId", "messageId", type, name, "profileId", "userId", "anonymousId", properties, traits, context,
                          timestamp, "originalTimestamp", "sentAt", "receivedAt", source)
     SELECT $1, m, t, n, p, u, a, pr, tr, c, ts, ot, sa, ra, $3
       FROM json_to_recordset($2::json) AS r(m text, t text, n text, p uuid, u text, a text, pr jsonb, tr jsonb, c jsonb,
                                             ts timestamptz, ot timestamptz, sa timestamptz, ra timestamptz)
     ON CONFLICT ("workspaceId", "messageId") DO NOTHING
     RETURNING id::text, "messageId"`,
    [workspaceId, JSON.stringify(rows), source],
  );
  return inserted;
}

interface ProfileDelta {
  id: string;
  patch: Record<string, unknown>;
  firstSeen: string;
  lastSeen: string;
  tz: string | null;
  tokens: { token: string; type: string }[] | null;
}

function contextString(context: Record<string, unknown> | null, ...path: string[]): string | null {
  let value: unknown = context;
  for (const part of path) value = value && typeof value === "object" ? (value as Record<string, unknown>)[part] : undefined;
  return typeof value === "string" && value ? value : null;
}

/** Folds new events into their profiles: identify traits in time order, contact points, time zone, seen times. */
async function updateProfiles(client: pg.PoolClient, fresh: { event: NormalizedEvent; profileId: string }[]): Promise<void> {
  if (!fresh.length) return;
  const deltas = new Map<string, ProfileDelta>();
  const inTimeOrder = [...fresh].sort((a, b) => a.event.timestamp.getTime() - b.event.timestamp.getTime());
  for (const { event, profileId } of inTimeOrder) {
    const at = event.timestamp.toISOString();
    let delta = deltas.get(profileId);
    if (!delta) {
      delta = { id: profileId, patch: {}, firstSeen: at, lastSeen: at, tz: null, tokens: null };
      deltas.set(profileId, delta);
    }
    delta.lastSeen = at;
    if (event.type === "identify" && event.traits) Object.assign(delta.patch, event.traits);
    const tz = contextString(event.context, "timezone");
    if (tz) delta.tz = tz;
    const token = contextString(event.context, "device", "token");
    if (token) (delta.tokens ??= []).push({ token, type: contextString(event.context, "device", "type") ?? "unknown" });
  }
  const rows = [...deltas.values()].sort((a, b) => a.id.localeCompare(b.id));
  // Lock in id order so that concurrent requests touching the same people cannot deadlock.
  await client.query(`SELECT 1 FROM "Profile" WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [rows.map((r) => r.id)]);
  await client.query(
    `WITH d AS (SELECT * FROM json_to_recordset($1::json) AS d(id uuid, patch jsonb, "firstSeen" timestamptz, "lastSeen" timestamptz, tz text, tokens jsonb)),
          m AS (SELECT d.*, jsonb_strip_nulls(p.traits || d.patch) AS merged FROM d JOIN "Profile" p ON p.id = d.id)
     UPDATE "Profile" p SET
        traits = m.merged,
        email = NULLIF(lower(btrim(m.merged->>'email')), ''), -- the contact point is normalised; the trait keeps what was sent
        phone = NULLIF(btrim(m.merged->>'phone'), ''),
        timezone = COALESCE(m.merged->>'timezone', m.tz, p.timezone),
        "pushTokens" = CASE WHEN m.tokens IS NULL THEN p."pushTokens"
                       ELSE (SELECT COALESCE(jsonb_agg(DISTINCT x), '[]'::jsonb) FROM jsonb_array_elements(p."pushTokens" || m.tokens) x) END,
        "firstSeenAt" = LEAST(p."firstSeenAt", m."firstSeen"),
        "lastSeenAt" = GREATEST(p."lastSeenAt", m."lastSeen"),
        "updatedAt" = now()
       FROM m WHERE p.id = m.id`,
    [JSON.stringify(rows)],
  );
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value === "object" ? "object" : typeof value;
}

/** The event catalog: names with first/last seen and totals, daily volume, property keys and their types. */
async function updateCatalog(client: pg.PoolClient, workspaceId: string, events: NormalizedEvent[]): Promise<void> {
  const named = events.filter((e) => e.name);
  if (!named.length) return;
  const types = new Map<string, { name: string; first: string; last: string; total: number }>();
  const volumes = new Map<string, { name: string; day: string; count: number }>();
  const properties = new Map<string, { name: string; key: string; type: string; at: string }>();
  for (const e of named) {
    const name = e.name!;
    const at = e.timestamp.toISOString();
    const type = types.get(name) ?? { name, first: at, last: at, total: 0 };
    if (at < type.first) type.first = at;
    if (at > type.last) type.last = at;
    type.total++;
    types.set(name, type);
    const day = at.slice(0, 10);
    const volume = volumes.get(`${name}\u0000${day}`) ?? { name, day, count: 0 };
    volume.count++;
    volumes.set(`${name}\u0000${day}`, volume);
    for (const [key, value] of Object.entries(e.properties)) {
      const t = typeOf(value);
      const k = `${name}\u0000${key}\u0000${t}`;
      if (!properties.has(k)) properties.set(k, { name, key, type: t, at });
    }
  }
  // Rows are sorted so that concurrent requests lock catalog rows in the same order.
  await client.query(
    `INSERT INTO "EventType" ("workspaceId", name, "firstSeenAt", "lastSeenAt", total)
     SELECT $1, name, first, last, total FROM json_to_recordset($2::json) AS r(name text, first timestamptz, last timestamptz, total bigint) ORDER BY name
     ON CONFLICT ("workspaceId", name) DO UPDATE SET
       "firstSeenAt" = LEAST("EventType"."firstSeenAt", excluded."firstSeenAt"),
       "lastSeenAt" = GREATEST("EventType"."lastSeenAt", excluded."lastSeenAt"),
       total = "EventType".total + excluded.total`,
    [workspaceId, JSON.stringify([...types.values()])],
  );
  await client.query(
    `INSERT INTO "EventVolume" ("workspaceId", name, day, count)
     SELECT $1, name, day, count FROM json_to_recordset($2::json) AS r(name text, day date, count int) ORDER BY name, day
     ON CONFLICT ("workspaceId", name, day) DO UPDATE SET count = "EventVolume".count + excluded.count`,
    [workspaceId, JSON.stringify([...volumes.values()])],
  );
  await client.query(
    `INSERT INTO "EventProperty" ("workspaceId", "eventName", key, type, "firstSeenAt")
     SELECT $1, name, key, type, at FROM json_to_recordset($2::json) AS r(name text, key text, type text, at timestamptz) ORDER BY name, key, type
     ON CONFLICT DO NOTHING`,
    [workspaceId, JSON.stringify([...properties.values()])],
  );
}
