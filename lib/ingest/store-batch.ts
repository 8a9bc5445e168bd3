import type pg from "pg";
import { pgPool, withTransaction } from "../db/pool";
import {
  identityKeysOf,
  resolveIdentities,
  type ExistingIdentity,
  type IdentityPlan,
} from "../profiles/resolve-identities";
import { isValidTimeZone } from "../engine/time";
import { DATA_ISSUE_REASONS } from "../profiles/data-issues";
import { INGEST_LIMITS } from "./limits";
import type { NormalizedEvent } from "./normalize";

/**
 * Stores one request's events atomically, with one statement per table:
 *   1. load the batch's identities and resolve profiles in memory (lib/profiles/resolve-identities.ts);
 *   2. if that changes identities (new people, merges, re-pointed ids), apply the plan with compare-and-set
 *      writes (see below) in a transaction together with step 3; otherwise step 3 alone, one statement;
 *   3. one statement (writeEvents): insert the events, skipping messageIds already stored (the idempotency
 *      key); fold the new ones' identify traits, time zones and push tokens into their profiles (only rows
 *      that change); append them to the ingest log (EventDispatch), which the Inngest hand-off and the
 *      rollups (event catalog, first/last seen: ./rollup.ts) consume after the commit.
 * The caller answers 2xx only after this commits. A request about known people is two round trips.
 *
 * Concurrency is optimistic: identities are read without locks, and every write that depends on what was
 * read checks it still holds (a new identity must not exist yet, a re-pointed one must still point where it
 * did, an anonymous profile must still be anonymous). If another request changed it first, the whole
 * transaction is retried on fresh reads. Requests about different people never wait for each other, and
 * nothing holds a lock per identity (which would exhaust Postgres' lock table on large batches).
 */
export interface StoreResult {
  received: number;
  stored: number;
  duplicates: number;
  /** ids of the newly stored events, in request order */
  eventIds: string[];
}

/**
 * An identify would give its profile more than INGEST_LIMITS.maxTraitsPerProfile traits: the statement
 * failed, so nothing of the request is stored. `index` is the first identify of that profile in the events
 * given to storeBatch (the caller names it: "batch.3.traits"); `indexes` are all of that profile's identifies
 * in them, which the caller rejects before storing the rest again (lib/ingest/ingest.ts).
 */
export class TraitLimitExceeded extends Error {
  constructor(
    readonly index: number,
    readonly profileId: string,
    readonly indexes: number[] = [index],
  ) {
    super(`An identify would give profile ${profileId} more than ${INGEST_LIMITS.maxTraitsPerProfile} traits`);
  }
}

/** What the statement raises for a profile over the trait limit: an impossible cast naming it (plain SQL has no RAISE). */
const TRAIT_LIMIT_MARKER = "cairn:too_many_traits:";

/** Another request changed an identity this one read: retry on fresh reads. */
class IdentityRace extends Error {}

// Postgres: deadlock detected, serialization failure, unique violation (a racing insert of the same profile).
const RETRYABLE_CODES = new Set(["40P01", "40001", "23505"]);
const MAX_ATTEMPTS = 6;

export async function storeBatch(workspaceId: string, events: NormalizedEvent[], source = "api"): Promise<StoreResult> {
  // A messageId repeated inside one request is the same message: keep its first occurrence.
  const seen = new Set<string>();
  const unique = events.filter((e) => (seen.has(e.messageId) ? false : (seen.add(e.messageId), true)));

  let lastPlan: StorePlan | null = null;
  for (let attempt = 1; ; attempt++) {
    try {
      // Identities are read without locks, outside any transaction (a transaction at READ COMMITTED would
      // read the same): every write that depends on what was read re-checks it.
      const plan = (lastPlan = await readIdentityPlan(pgPool(), workspaceId, unique));
      const eventIds = needsIdentityWrites(plan)
        ? await withTransaction(async (client) => {
            await applyIdentityPlan(client, workspaceId, plan);
            return writeEvents(client, workspaceId, unique, plan.profileIdOfMessage, source);
          })
        : // Nothing to change about identities (every person known, the usual case): the events, their
          // profiles and the ingest log are one statement, atomic on its own, so no BEGIN/COMMIT round trips.
          await writeEvents(pgPool(), workspaceId, unique, plan.profileIdOfMessage, source);
      return {
        received: events.length,
        stored: eventIds.length,
        duplicates: events.length - eventIds.length,
        eventIds,
      };
    } catch (error) {
      const message = (error as { code?: string; message?: string }).message ?? "";
      if ((error as { code?: string }).code === "22P02" && message.includes(TRAIT_LIMIT_MARKER)) {
        const profileId =
          message.slice(message.indexOf(TRAIT_LIMIT_MARKER) + TRAIT_LIMIT_MARKER.length).match(/^[0-9a-f-]{36}/)?.[0] ??
          "";
        // its first identify in this request, as numbered in `events` (duplicates included)
        const k = unique.findIndex((e, i) => e.type === "identify" && lastPlan?.profileIdOfMessage[i] === profileId);
        const all = unique.flatMap((e, i) =>
          e.type === "identify" && lastPlan?.profileIdOfMessage[i] === profileId ? [events.indexOf(e)] : [],
        );
        const first = k < 0 ? events.findIndex((e) => e.type === "identify") : events.indexOf(unique[k]);
        throw new TraitLimitExceeded(first, profileId, all.length ? all : [first]);
      }
      const retryable = error instanceof IdentityRace || RETRYABLE_CODES.has((error as { code?: string }).code ?? "");
      if (!retryable || attempt >= MAX_ATTEMPTS) throw error;
      await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
    }
  }
}

const keyOf = (kind: string, value: string) => `${kind}:${value}`;

interface StorePlan extends IdentityPlan {
  /** where each identity of the batch pointed when it was read */
  before: Map<string, string>;
  events: NormalizedEvent[];
}

function needsIdentityWrites(plan: StorePlan): boolean {
  return (
    plan.newProfiles.length > 0 ||
    plan.userIdAssignments.length > 0 ||
    plan.identities.length > 0 ||
    plan.merges.length > 0
  );
}

/** Loads the batch's identities and resolves its profiles in memory (lib/profiles/resolve-identities.ts). */
async function readIdentityPlan(
  db: pg.Pool | pg.PoolClient,
  workspaceId: string,
  events: NormalizedEvent[],
): Promise<StorePlan> {
  const keys = identityKeysOf(events);
  // One primary-key probe per identity (LATERAL), whatever the planner thinks of the tables' sizes. OFFSET 0
  // keeps each subquery a probe: a plain LATERAL is flattened into a join, which a planner without statistics
  // for the tables (a new database before autovacuum's first analyze) ran as a scan of all the workspace's
  // identities, 15 ms per request at 20,000 of them against 1 ms.
  const { rows: existing } = await db.query<ExistingIdentity>(
    `SELECT k.kind, k.value, i."profileId", p."userId" AS "profileUserId"
       FROM json_to_recordset($2::json) AS k(kind text, value text)
       JOIN LATERAL (SELECT "profileId" FROM "ProfileIdentity" WHERE "workspaceId" = $1 AND kind = k.kind AND value = k.value OFFSET 0) i ON true
       JOIN LATERAL (SELECT "userId" FROM "Profile" WHERE id = i."profileId" OFFSET 0) p ON true`,
    // JSON rather than two text[] parameters: node-postgres escapes array elements one by one in JavaScript.
    [workspaceId, JSON.stringify(keys)],
  );
  const plan = resolveIdentities(events, existing);
  const before = new Map(existing.map((e) => [keyOf(e.kind, e.value), e.profileId]));
  return { ...plan, before, events };
}

/** Applies the plan with compare-and-set writes; IdentityRace when another request changed what it read. */
async function applyIdentityPlan(client: pg.PoolClient, workspaceId: string, plan: StorePlan): Promise<void> {
  const { before, events } = plan;
  if (plan.newProfiles.length) {
    // First/last seen of a new profile: the span of its events in this batch (later batches: ./rollup.ts).
    const span = new Map<string, { first: string; last: string }>();
    events.forEach((e, i) => {
      const at = e.timestamp.toISOString();
      const s = span.get(plan.profileIdOfMessage[i]);
      if (!s) span.set(plan.profileIdOfMessage[i], { first: at, last: at });
      else {
        if (at < s.first) s.first = at;
        if (at > s.last) s.last = at;
      }
    });
    const rows = plan.newProfiles.map((p) => ({
      id: p.id,
      u: p.userId,
      f: span.get(p.id)?.first ?? events[0].receivedAt.toISOString(),
      l: span.get(p.id)?.last ?? events[0].receivedAt.toISOString(),
    }));
    const { rowCount } = await client.query(
      `INSERT INTO "Profile" (id, "workspaceId", "userId", "firstSeenAt", "lastSeenAt")
       SELECT id, $1, u, f, l FROM json_to_recordset($2::json) AS r(id uuid, u text, f timestamptz, l timestamptz)
       ON CONFLICT ("workspaceId", "userId") DO NOTHING`,
      [workspaceId, JSON.stringify(rows)],
    );
    if (rowCount !== rows.length) throw new IdentityRace(); // someone created one of these people first
  }
  if (plan.userIdAssignments.length) {
    // Compare-and-set: the profile must still have the userId (or none) this request saw.
    const { rowCount } = await client.query(
      `UPDATE "Profile" p SET "userId" = t."userId", "updatedAt" = now()
         FROM unnest($1::uuid[], $2::text[], $3::text[]) AS t(id, "userId", was)
        WHERE p.id = t.id AND p."mergedIntoId" IS NULL AND p."userId" IS NOT DISTINCT FROM t.was`,
      [
        plan.userIdAssignments.map((a) => a.profileId),
        plan.userIdAssignments.map((a) => a.userId),
        plan.userIdAssignments.map((a) => a.previousUserId),
      ],
    );
    if (rowCount !== plan.userIdAssignments.length) throw new IdentityRace();
  }

  const created = plan.identities.filter((i) => !before.has(keyOf(i.kind, i.value)));
  const repointed = plan.identities.filter((i) => before.has(keyOf(i.kind, i.value)));
  if (created.length) {
    const { rowCount } = await client.query(
      `INSERT INTO "ProfileIdentity" ("workspaceId", kind, value, "profileId")
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::uuid[]) ON CONFLICT DO NOTHING`,
      [workspaceId, created.map((i) => i.kind), created.map((i) => i.value), created.map((i) => i.profileId)],
    );
    if (rowCount !== created.length) throw new IdentityRace();
  }
  if (repointed.length) {
    // Compare-and-set: only identities that still point where this request saw them.
    const { rowCount } = await client.query(
      `UPDATE "ProfileIdentity" i SET "profileId" = t.profile
         FROM unnest($2::text[], $3::text[], $4::uuid[], $5::uuid[]) AS t(kind, value, profile, was)
        WHERE i."workspaceId" = $1 AND i.kind = t.kind AND i.value = t.value AND i."profileId" = t.was`,
      [
        workspaceId,
        repointed.map((i) => i.kind),
        repointed.map((i) => i.value),
        repointed.map((i) => i.profileId),
        repointed.map((i) => before.get(keyOf(i.kind, i.value))),
      ],
    );
    if (rowCount !== repointed.length) throw new IdentityRace();
  }
  for (const { from, to } of plan.merges) await mergeProfiles(client, workspaceId, from, to);
}

/** Moves everything of `from` (an anonymous profile) to `to`; `to`'s own traits win over `from`'s. */
async function mergeProfiles(client: pg.PoolClient, workspaceId: string, from: string, to: string): Promise<void> {
  // Both must still be live, and `from` still anonymous, or the plan is stale.
  const { rows } = await client.query(
    `SELECT id FROM "Profile" WHERE id = ANY($1::uuid[]) AND "mergedIntoId" IS NULL ORDER BY id FOR UPDATE`,
    [[from, to]],
  );
  const { rows: stillAnonymous } = await client.query(`SELECT 1 FROM "Profile" WHERE id = $1 AND "userId" IS NULL`, [
    from,
  ]);
  if (rows.length !== 2 || !stillAnonymous.length) throw new IdentityRace();
  await client.query(`UPDATE "ProfileIdentity" SET "profileId" = $3 WHERE "workspaceId" = $1 AND "profileId" = $2`, [
    workspaceId,
    from,
    to,
  ]);
  await client.query(`UPDATE "Event" SET "profileId" = $3 WHERE "workspaceId" = $1 AND "profileId" = $2`, [
    workspaceId,
    from,
    to,
  ]);
  await client.query(
    `UPDATE "Profile" t SET
        traits = jsonb_strip_nulls(f.traits || t.traits),
        email = COALESCE(t.email, f.email), phone = COALESCE(t.phone, f.phone), timezone = COALESCE(t.timezone, f.timezone),
        "pushTokens" = (SELECT COALESCE(jsonb_agg(DISTINCT x), '[]'::jsonb) FROM jsonb_array_elements(t."pushTokens" || f."pushTokens") x),
        "firstSeenAt" = LEAST(t."firstSeenAt", f."firstSeenAt"), "lastSeenAt" = GREATEST(t."lastSeenAt", f."lastSeenAt"), "updatedAt" = now()
       FROM "Profile" f WHERE t.id = $2 AND f.id = $1`,
    [from, to],
  );
  await client.query(
    `UPDATE "Profile" SET "mergedIntoId" = $2, "updatedAt" = now() WHERE id = $1 OR "mergedIntoId" = $1`,
    [from, to],
  );
}

function contextString(context: Record<string, unknown> | null, ...path: string[]): string | null {
  let value: unknown = context;
  for (const part of path)
    value = value && typeof value === "object" ? (value as Record<string, unknown>)[part] : undefined;
  return typeof value === "string" && value ? value : null;
}

/**
 * One statement writes the request's events and what follows from them:
 *   - the events, skipping messageIds already stored (the idempotency key);
 *   - the ingest log row (EventDispatch) listing the new ones in request order (their ids ascend in it);
 *   - their profiles: new identify traits merged in time order (top-level keys replaced, a later event's
 *     key winning; JSON null removes a trait), the latest time zone, push tokens; only profiles something
 *     changes for are written (most events change nothing about their person). It folds in the events this
 *     statement actually inserted, so a repeated message changes nothing a second time.
 * Per event, the JSON carries only the values it has (json_to_recordset reads a missing key as NULL), and
 * what is the same for the whole request is a parameter. Returns the new events' ids in request order.
 */
async function writeEvents(
  db: pg.Pool | pg.PoolClient,
  workspaceId: string,
  events: NormalizedEvent[],
  profileIds: string[],
  source: string,
): Promise<string[]> {
  const receivedAt = events[0]?.receivedAt.getTime();
  // Time zones this request names that no clock knows (flagged on the profile, Profile.dataIssues): usually none.
  const badZones = new Set<string>();
  const checkZone = (zone: unknown) => {
    const text = typeof zone === "string" ? zone : typeof zone === "number" ? String(zone) : null;
    if (text !== null && !badZones.has(text) && !isValidTimeZone(text)) badZones.add(text);
  };
  const rows = events.map((e, i) => {
    const tz = contextString(e.context, "timezone");
    if (tz !== null) checkZone(tz);
    if (e.type === "identify" && e.traits && "timezone" in e.traits) checkZone(e.traits.timezone);
    const token = contextString(e.context, "device", "token");
    return {
      o: i,
      m: e.messageId,
      t: e.type,
      n: e.name ?? undefined,
      p: profileIds[i],
      u: e.userId ?? undefined,
      a: e.anonymousId ?? undefined,
      pr: e.properties,
      tr: e.traits ?? undefined,
      c: e.context ?? undefined,
      // instants as milliseconds since the epoch: shorter than ISO strings, and cheaper for both sides
      ts: e.timestamp.getTime(),
      ot: e.originalTimestamp?.getTime(),
      sa: e.sentAt?.getTime(),
      // one receivedAt per request, unless a caller mixed them
      ra: e.receivedAt.getTime() === receivedAt ? undefined : e.receivedAt.getTime(),
      tz: tz ?? undefined,
      tk: token ? { token, type: contextString(e.context, "device", "type") ?? "unknown" } : undefined,
    };
  });
  const { rows: inserted } = await db.query<{ ids: string }>(
    `WITH r AS (
       SELECT * FROM json_to_recordset($2::json) AS r(o int, m text, t text, n text, p uuid, u text, a text, pr jsonb, tr jsonb, c jsonb,
                                                    ts bigint, ot bigint, sa bigint, ra bigint, tz text, tk jsonb)
     ), ins AS (
       INSERT INTO "Event" ("workspaceId", "messageId", type, name, "profileId", "userId", "anonymousId", properties, traits, context,
                            timestamp, "originalTimestamp", "sentAt", "receivedAt", source)
       SELECT $1, m, t, n, p, u, a, pr, tr, c, epoch + ts * ms, epoch + ot * ms, epoch + sa * ms, epoch + COALESCE(ra, $4::bigint) * ms, $3
         FROM r, (SELECT 'epoch'::timestamptz AS epoch, interval '1 millisecond' AS ms) k ORDER BY o
       ON CONFLICT ("workspaceId", "messageId") DO NOTHING
       RETURNING id, "messageId"
     ), log AS (
       INSERT INTO "EventDispatch" ("workspaceId", "firstEventId", "eventIds")
       SELECT $1, min(id), array_agg(id ORDER BY id) FROM ins HAVING count(*) > 0
     ), fresh AS (
       SELECT r.* FROM r JOIN ins ON ins."messageId" = r.m
        WHERE r.t = 'identify' OR r.tz IS NOT NULL OR r.tk IS NOT NULL
     ), latest AS (
       SELECT DISTINCT ON (f.p, k.key) f.p, k.key, k.value
         FROM fresh f CROSS JOIN LATERAL jsonb_each(f.tr) k
        WHERE f.t = 'identify' AND jsonb_typeof(f.tr) = 'object'
        ORDER BY f.p, k.key, f.ts DESC, f.o DESC
     ), d AS (
       SELECT f.p AS id,
              CASE WHEN bool_or(f.t = 'identify') THEN COALESCE((SELECT jsonb_object_agg(l.key, l.value) FROM latest l WHERE l.p = f.p), '{}'::jsonb) END AS patch,
              (array_agg(f.tz ORDER BY f.ts DESC, f.o DESC) FILTER (WHERE f.tz IS NOT NULL))[1] AS tz,
              jsonb_agg(f.tk ORDER BY f.ts, f.o) FILTER (WHERE f.tk IS NOT NULL) AS tokens
         FROM fresh f GROUP BY f.p
     ), m AS (
       -- Locked in id order (concurrent requests and the rollup lock profiles in the same order: no
       -- deadlocks), and merged from the row as it is once locked, not as this statement first saw it.
       SELECT d.*, jsonb_strip_nulls(p.traits || COALESCE(d.patch, '{}'::jsonb)) AS merged, p.traits AS was FROM d JOIN "Profile" p ON p.id = d.id ORDER BY p.id FOR UPDATE OF p
     ), checked AS (
       -- INGEST_LIMITS.maxTraitsPerProfile: an identify that would take a profile past it (adding keys; one
       -- already past it from before the limit may still change or remove traits) fails the whole statement,
       -- by an impossible cast naming the profile, so nothing of the request is stored.
       -- (CASE: its branches are evaluated in order, and only as far as needed)
       SELECT m.* FROM m
        WHERE CASE WHEN m.patch IS NULL THEN true
                   WHEN (SELECT count(*) FROM jsonb_object_keys(m.merged)) <= $5 THEN true
                   WHEN (SELECT count(*) FROM jsonb_object_keys(m.merged)) <= (SELECT count(*) FROM jsonb_object_keys(m.was)) THEN true
                   ELSE ('${TRAIT_LIMIT_MARKER}' || m.id)::int IS NULL END
     ), flagged AS (
       -- Profile.dataIssues (lib/profiles/data-issues.ts): an email address delivery could not use, a time zone
       -- no clock knows ($6, checked in JavaScript). Set or cleared only when this request brings a new value
       -- (et/tt: touched), so an old flag stays until a valid value arrives.
       SELECT c.*,
              COALESCE(c.patch ? 'email', false) AS et,
              CASE WHEN btrim(c.merged->>'email') <> '' AND btrim(c.merged->>'email') !~ '^[^[:space:]@]+@[^[:space:]@]+$'
                   THEN jsonb_build_object('value', c.merged->'email', 'reason', $7::text) END AS ei,
              CASE WHEN c.merged->>'timezone' IS NOT NULL THEN COALESCE(c.patch ? 'timezone', false) ELSE c.tz IS NOT NULL END AS tt,
              CASE WHEN COALESCE(c.merged->>'timezone', c.tz) = ANY($6::text[])
                   THEN jsonb_build_object('value', COALESCE(c.merged->'timezone', to_jsonb(c.tz)), 'reason', $8::text) END AS ti
         FROM checked c
     ), profiles AS (
       UPDATE "Profile" p SET
          traits = m.merged,
          email = NULLIF(lower(btrim(m.merged->>'email')), ''), -- the contact point is normalised; the trait keeps what was sent
          phone = NULLIF(btrim(m.merged->>'phone'), ''),
          timezone = COALESCE(m.merged->>'timezone', m.tz, p.timezone),
          "pushTokens" = CASE WHEN m.tokens IS NULL THEN p."pushTokens"
                         ELSE (SELECT COALESCE(jsonb_agg(DISTINCT x), '[]'::jsonb) FROM jsonb_array_elements(p."pushTokens" || m.tokens) x) END,
          "dataIssues" = CASE WHEN NOT (m.et OR m.tt) THEN p."dataIssues"
                         ELSE (p."dataIssues" - (CASE WHEN m.et THEN ARRAY['email'] ELSE ARRAY[]::text[] END) - (CASE WHEN m.tt THEN ARRAY['timezone'] ELSE ARRAY[]::text[] END))
                              || jsonb_strip_nulls(jsonb_build_object('email', CASE WHEN m.et THEN m.ei END, 'timezone', CASE WHEN m.tt THEN m.ti END)) END,
          "updatedAt" = now()
         FROM flagged m
        WHERE p.id = m.id
          AND (m.patch IS NOT NULL
               OR p.timezone IS DISTINCT FROM COALESCE(m.merged->>'timezone', m.tz, p.timezone)
               OR (m.tokens IS NOT NULL AND NOT p."pushTokens" @> m.tokens))
     )
     SELECT COALESCE(array_agg(id ORDER BY id), '{}')::text AS ids FROM ins`,
    [
      workspaceId,
      JSON.stringify(rows),
      source,
      receivedAt,
      INGEST_LIMITS.maxTraitsPerProfile,
      [...badZones],
      DATA_ISSUE_REASONS.email,
      DATA_ISSUE_REASONS.timezone,
    ],
  );
  // The new events' ids ascend in request order (inserted in that order), so sorted ids are request order:
  // one "{1,2,3}" value to read instead of a row per event.
  const ids = inserted[0].ids;
  return ids === "{}" ? [] : ids.slice(1, -1).split(",");
}
