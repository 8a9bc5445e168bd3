import { z } from "zod";
import { type Queryable, selectRow } from "../../db/sql";
import { isValidTimeZone } from "../../engine/time";
import { DATA_ISSUE_REASONS } from "../../profiles/data-issues";
import { INGEST_LIMITS } from "../limits";
import type { NormalizedEvent } from "../normalize";

/** What the statement raises for a profile over the trait limit: an impossible cast naming it (plain SQL has no RAISE). */
export const TRAIT_LIMIT_MARKER = "cairn:too_many_traits:";

/** The new events' ids as Postgres array text ("{1,2,3}"), one value instead of a row per event. */
const InsertedIdsRow = z.object({ ids: z.string() });

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
export async function insertEvents(
  q: Queryable,
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
  const inserted = await selectRow(
    q,
    InsertedIdsRow,
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
  const ids = inserted!.ids;
  return ids === "{}" ? [] : ids.slice(1, -1).split(",");
}
