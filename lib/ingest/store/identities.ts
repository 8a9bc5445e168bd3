import { z } from "zod";
import { execute, type Queryable, selectRow, selectRows } from "../../db/sql";
import type { ExistingIdentity } from "../../profiles/resolve-identities";

/**
 * The SQL of identity resolution on the ingest write path (lib/ingest/store-batch.ts decides what to write and
 * retries on a race): reading a batch's identities, and the compare-and-set writes that apply a plan. Each write
 * returns how many rows it changed, and the caller compares that with what it asked for: fewer means another
 * request changed the row first.
 */

const ExistingIdentityRow = z.object({
  kind: z.enum(["user", "anonymous"]),
  value: z.string(),
  profileId: z.string(),
  profileUserId: z.string().nullable(),
});

/** The identities of `keys` that exist, each with the profile it points at and that profile's userId. */
export async function selectIdentities(
  q: Queryable,
  workspaceId: string,
  keys: { kind: string; value: string }[],
): Promise<ExistingIdentity[]> {
  // One primary-key probe per identity (LATERAL), whatever the planner thinks of the tables' sizes. OFFSET 0
  // keeps each subquery a probe: a plain LATERAL is flattened into a join, which a planner without statistics
  // for the tables (a new database before autovacuum's first analyze) ran as a scan of all the workspace's
  // identities, 15 ms per request at 20,000 of them against 1 ms.
  return selectRows(
    q,
    ExistingIdentityRow,
    `SELECT k.kind, k.value, i."profileId", p."userId" AS "profileUserId"
       FROM json_to_recordset($2::json) AS k(kind text, value text)
       JOIN LATERAL (SELECT "profileId" FROM "ProfileIdentity" WHERE "workspaceId" = $1 AND kind = k.kind AND value = k.value OFFSET 0) i ON true
       JOIN LATERAL (SELECT "userId" FROM "Profile" WHERE id = i."profileId" OFFSET 0) p ON true`,
    // JSON rather than two text[] parameters: node-postgres escapes array elements one by one in JavaScript.
    [workspaceId, JSON.stringify(keys)],
  );
}

/** Inserts new profiles (`f`/`l`: first and last seen, ISO), skipping a userId that exists already. */
export function insertProfiles(
  q: Queryable,
  workspaceId: string,
  profiles: { id: string; u: string | null; f: string; l: string }[],
): Promise<number> {
  return execute(
    q,
    `INSERT INTO "Profile" (id, "workspaceId", "userId", "firstSeenAt", "lastSeenAt")
       SELECT id, $1, u, f, l FROM json_to_recordset($2::json) AS r(id uuid, u text, f timestamptz, l timestamptz)
       ON CONFLICT ("workspaceId", "userId") DO NOTHING`,
    [workspaceId, JSON.stringify(profiles)],
  );
}

/** Gives profiles their userId, each only if it still has the userId (or none) the caller saw. */
export function assignUserIds(
  q: Queryable,
  assignments: { profileId: string; userId: string; previousUserId: string | null }[],
): Promise<number> {
  return execute(
    q,
    `UPDATE "Profile" p SET "userId" = t."userId", "updatedAt" = now()
         FROM unnest($1::uuid[], $2::text[], $3::text[]) AS t(id, "userId", was)
        WHERE p.id = t.id AND p."mergedIntoId" IS NULL AND p."userId" IS NOT DISTINCT FROM t.was`,
    [assignments.map((a) => a.profileId), assignments.map((a) => a.userId), assignments.map((a) => a.previousUserId)],
  );
}

/** Inserts identities, skipping any that exists already. */
export function insertIdentities(
  q: Queryable,
  workspaceId: string,
  identities: { kind: string; value: string; profileId: string }[],
): Promise<number> {
  return execute(
    q,
    `INSERT INTO "ProfileIdentity" ("workspaceId", kind, value, "profileId")
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::uuid[]) ON CONFLICT DO NOTHING`,
    [workspaceId, identities.map((i) => i.kind), identities.map((i) => i.value), identities.map((i) => i.profileId)],
  );
}

/** Points identities at new profiles, each only if it still points at `was`. */
export function repointIdentities(
  q: Queryable,
  workspaceId: string,
  identities: { kind: string; value: string; profileId: string; was: string | undefined }[],
): Promise<number> {
  return execute(
    q,
    `UPDATE "ProfileIdentity" i SET "profileId" = t.profile
         FROM unnest($2::text[], $3::text[], $4::uuid[], $5::uuid[]) AS t(kind, value, profile, was)
        WHERE i."workspaceId" = $1 AND i.kind = t.kind AND i.value = t.value AND i."profileId" = t.was`,
    [
      workspaceId,
      identities.map((i) => i.kind),
      identities.map((i) => i.value),
      identities.map((i) => i.profileId),
      identities.map((i) => i.was),
    ],
  );
}

const IdRow = z.object({ id: z.string() });

/** Locks the profiles of `ids` that are not merged into another (in id order) and returns how many there are. */
export async function lockLiveProfiles(q: Queryable, ids: string[]): Promise<number> {
  const rows = await selectRows(
    q,
    IdRow,
    `SELECT id FROM "Profile" WHERE id = ANY($1::uuid[]) AND "mergedIntoId" IS NULL ORDER BY id FOR UPDATE`,
    [ids],
  );
  return rows.length;
}

/** A row whose only news is that it exists. */
const ExistsRow = z.object({});

/** Whether the profile exists and has no userId. */
export async function isAnonymousProfile(q: Queryable, profileId: string): Promise<boolean> {
  return !!(await selectRow(q, ExistsRow, `SELECT 1 FROM "Profile" WHERE id = $1 AND "userId" IS NULL`, [profileId]));
}

/**
 * Moves everything of profile `from` to `to`: its identities and events, its traits, contact points and push tokens
 * (`to`'s own win), its first/last seen, its channel consent and subscription topic choices (the later choice wins:
 * a person who unsubscribed before signing in stays unsubscribed, one who chose again since keeps the new choice);
 * then marks `from`, and the profiles merged into it before, as merged into `to`.
 */
export async function mergeProfileInto(q: Queryable, workspaceId: string, from: string, to: string): Promise<void> {
  await execute(q, `UPDATE "ProfileIdentity" SET "profileId" = $3 WHERE "workspaceId" = $1 AND "profileId" = $2`, [
    workspaceId,
    from,
    to,
  ]);
  await execute(q, `UPDATE "Event" SET "profileId" = $3 WHERE "workspaceId" = $1 AND "profileId" = $2`, [
    workspaceId,
    from,
    to,
  ]);
  await execute(
    q,
    `UPDATE "Profile" t SET
        traits = jsonb_strip_nulls(f.traits || t.traits),
        email = COALESCE(t.email, f.email), phone = COALESCE(t.phone, f.phone), timezone = COALESCE(t.timezone, f.timezone),
        "pushTokens" = (SELECT COALESCE(jsonb_agg(DISTINCT x), '[]'::jsonb) FROM jsonb_array_elements(t."pushTokens" || f."pushTokens") x),
        "firstSeenAt" = LEAST(t."firstSeenAt", f."firstSeenAt"), "lastSeenAt" = GREATEST(t."lastSeenAt", f."lastSeenAt"), "updatedAt" = now()
       FROM "Profile" f WHERE t.id = $2 AND f.id = $1`,
    [from, to],
  );
  // Consent is read by the live profile only (delivery, the preference page), so a choice left on `from` would be
  // lost: moved, the later of two choices for the same channel or topic kept.
  await execute(
    q,
    `WITH moved AS (DELETE FROM "ChannelConsent" WHERE "profileId" = $1 RETURNING *)
     INSERT INTO "ChannelConsent" ("workspaceId", "profileId", channel, status, source, "updatedAt")
       SELECT "workspaceId", $2, channel, status, source, "updatedAt" FROM moved
     ON CONFLICT ("profileId", channel) DO UPDATE SET status = EXCLUDED.status, source = EXCLUDED.source, "updatedAt" = EXCLUDED."updatedAt"
       WHERE EXCLUDED."updatedAt" > "ChannelConsent"."updatedAt"`,
    [from, to],
  );
  await execute(
    q,
    `WITH moved AS (DELETE FROM "TopicSubscription" WHERE "profileId" = $1 RETURNING *)
     INSERT INTO "TopicSubscription" ("workspaceId", "profileId", "topicId", status, source, "updatedAt")
       SELECT "workspaceId", $2, "topicId", status, source, "updatedAt" FROM moved
     ON CONFLICT ("profileId", "topicId") DO UPDATE SET status = EXCLUDED.status, source = EXCLUDED.source, "updatedAt" = EXCLUDED."updatedAt"
       WHERE EXCLUDED."updatedAt" > "TopicSubscription"."updatedAt"`,
    [from, to],
  );
  await execute(
    q,
    `UPDATE "Profile" SET "mergedIntoId" = $2, "updatedAt" = now() WHERE id = $1 OR "mergedIntoId" = $1`,
    [from, to],
  );
}
