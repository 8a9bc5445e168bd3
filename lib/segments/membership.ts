import pg from "pg";
import { pgPool, withTransaction } from "../db/pool";
import { ZSegmentDefinition, type TCondition, type TSegmentDefinition } from "./definition";
import { compileEvaluation, eventsOf, SqlParams, usesProfile, type SegmentSource } from "./evaluate";

/**
 * Keeping memberships current. Every path ends in `applyEvaluation`: one statement that evaluates a dynamic
 * segment for a set of profiles (a list, or a range of ids for the recompute) and, in the same statement,
 * inserts entries, deletes exits, records each entry and exit once (SegmentMembershipChange, from the rows
 * actually inserted or deleted), stores every profile's next check (members: SegmentMembership.nextCheckAt,
 * non-members: SegmentCheck) and keeps the segment's size and daily counts. A transaction-scoped advisory
 * lock per segment serialises the updates of one segment, so each sees what the one before it wrote, and
 * an evaluation always runs on the events committed before it started.
 *
 *   - event-driven (`updateSegmentsForEvents`): only the segments that reference an arriving event's name
 *     (SegmentReference kind "event"), and those reading the profile when the batch can change it (identify,
 *     alias, a device token, Cairn's own messaging events such as Unsubscribed, a person's first events), for
 *     the batch's people: one
 *     statement per segment per batch. A merge moves the anonymous profile's memberships to the person and
 *     re-evaluates every segment for them.
 *   - profile changes outside ingestion (`reevaluateProfileSegments`: a journey's update_profile step, consent
 *     changes): the segments that read the profile, for those people, in the caller's transaction if it has one.
 *   - time-driven (`processDueChecks`): claims rows whose next check passed (FOR UPDATE SKIP LOCKED) and
 *     re-evaluates those people only.
 *   - full recompute (`recomputeSegment`): everyone, in batches of profile ids, with the progress stored.
 */

export interface MembershipChange {
  /** SegmentMembershipChange.id: a journey's entry key for this entry */
  id: string;
  workspaceId: string;
  segmentId: string;
  profileId: string;
  kind: "entered" | "exited";
  at: string;
}

export interface LoadedSegment extends SegmentSource {
  workspaceId: string;
  name: string;
  version: number;
}

type Scope = { ids: string[] } | { after: string; upTo: string | null };

const lockKey = (segmentId: string) => `segment:${segmentId}`;

/** Serialises membership writes per segment, in id order so two holders of several cannot deadlock. */
export async function lockSegments(client: pg.ClientBase, segmentIds: string[]): Promise<void> {
  const keys = [...new Set(segmentIds)].sort().map(lockKey);
  if (keys.length)
    await client.query(
      `SELECT pg_advisory_xact_lock(hashtextextended(k, 8201)) FROM unnest($1::text[]) AS k ORDER BY k`,
      [keys],
    );
}

/** The workspace's live segments (not archived), definitions parsed. */
export async function loadSegments(client: pg.ClientBase, workspaceId: string): Promise<Map<string, LoadedSegment>> {
  const { rows } = await client.query<{ id: string; name: string; kind: string; definition: unknown; version: number }>(
    `SELECT id, name, kind, definition, version FROM "Segment" WHERE "workspaceId" = $1 AND "archivedAt" IS NULL`,
    [workspaceId],
  );
  return new Map(
    rows.map((r) => {
      const parsed = r.kind === "dynamic" ? ZSegmentDefinition.safeParse(r.definition) : null;
      return [
        r.id,
        {
          id: r.id,
          workspaceId,
          name: r.name,
          kind: r.kind as "dynamic" | "manual",
          definition: parsed?.success ? parsed.data : null,
          version: r.version,
        },
      ];
    }),
  );
}

const dayOf = (now: Date) => now.toISOString().slice(0, 10);

/**
 * Evaluates a dynamic segment for the profiles in `scope` and applies the answer (see the top of the file).
 * Requested ids that are not surviving profiles (merged away, unknown) are not members. Call with the
 * segment locked.
 */
export async function applyEvaluation(
  client: pg.ClientBase,
  segment: LoadedSegment,
  segments: ReadonlyMap<string, SegmentSource>,
  scope: Scope,
  now: Date,
): Promise<MembershipChange[]> {
  if (segment.kind !== "dynamic" || !segment.definition) return [];
  const q = new SqlParams();
  const compiled = compileEvaluation(segment.definition, { workspaceId: segment.workspaceId, now, segments }, q);
  const seg = q.add(segment.id, "uuid");
  const ws = q.add(segment.workspaceId, "uuid");
  const at = q.add(now, "timestamptz");
  let profileScope: string;
  let rowScope: (column: string) => string;
  if ("ids" in scope) {
    const ids = q.add(scope.ids, "uuid[]");
    profileScope = `p.id = ANY(${ids})`;
    rowScope = (column) => `${column} = ANY(${ids})`;
  } else {
    const after = q.add(scope.after, "uuid");
    const upTo = scope.upTo === null ? null : q.add(scope.upTo, "uuid");
    rowScope = (column) => `${column} > ${after}${upTo ? ` AND ${column} <= ${upTo}` : ""}`;
    profileScope = rowScope("p.id");
  }
  const sql = `
WITH ev AS MATERIALIZED (${compiled.select(profileScope)}),
ins AS (
  INSERT INTO "SegmentMembership" ("segmentId", "profileId", "workspaceId", "enteredAt", "nextCheckAt")
  SELECT ${seg}, ev.id, ${ws}, ${at}, ev."nextCheckAt" FROM ev
   WHERE ev.member AND NOT EXISTS (SELECT 1 FROM "SegmentMembership" m WHERE m."segmentId" = ${seg} AND m."profileId" = ev.id)
  ON CONFLICT DO NOTHING
  RETURNING "profileId"),
upd AS (
  UPDATE "SegmentMembership" m SET "nextCheckAt" = ev."nextCheckAt" FROM ev
   WHERE m."segmentId" = ${seg} AND m."profileId" = ev.id AND ev.member AND m."nextCheckAt" IS DISTINCT FROM ev."nextCheckAt"),
del AS (
  DELETE FROM "SegmentMembership" m
   WHERE m."segmentId" = ${seg} AND ${rowScope(`m."profileId"`)}
     AND NOT EXISTS (SELECT 1 FROM ev WHERE ev.id = m."profileId" AND ev.member)
  RETURNING m."profileId"),
chk AS (
  INSERT INTO "SegmentCheck" ("segmentId", "profileId", "workspaceId", "nextCheckAt")
  SELECT ${seg}, ev.id, ${ws}, ev."nextCheckAt" FROM ev WHERE NOT ev.member AND ev."nextCheckAt" IS NOT NULL
  ON CONFLICT ("segmentId", "profileId") DO UPDATE SET "nextCheckAt" = EXCLUDED."nextCheckAt"
   WHERE "SegmentCheck"."nextCheckAt" IS DISTINCT FROM EXCLUDED."nextCheckAt"),
unchk AS (
  DELETE FROM "SegmentCheck" c
   WHERE c."segmentId" = ${seg} AND ${rowScope(`c."profileId"`)}
     AND NOT EXISTS (SELECT 1 FROM ev WHERE ev.id = c."profileId" AND NOT ev.member AND ev."nextCheckAt" IS NOT NULL)),
changes AS (
  INSERT INTO "SegmentMembershipChange" ("workspaceId", "segmentId", "profileId", kind, at)
  SELECT ${ws}, ${seg}, "profileId", 'entered', ${at} FROM ins
  UNION ALL
  SELECT ${ws}, ${seg}, "profileId", 'exited', ${at} FROM del
  RETURNING id, "profileId", kind),
counted AS (SELECT count(*) FILTER (WHERE kind = 'entered')::int AS e, count(*) FILTER (WHERE kind = 'exited')::int AS x FROM changes),
sized AS (
  UPDATE "Segment" s SET "memberCount" = s."memberCount" + c.e - c.x FROM counted c
   WHERE s.id = ${seg} AND c.e + c.x > 0 RETURNING s."memberCount"),
daily AS (
  INSERT INTO "SegmentDailySize" ("segmentId", day, size, entered, exited)
  SELECT ${seg}, ${q.add(dayOf(now), "date")}, sized."memberCount", c.e, c.x FROM sized, counted c
  ON CONFLICT ("segmentId", day) DO UPDATE SET size = EXCLUDED.size,
     entered = "SegmentDailySize".entered + EXCLUDED.entered, exited = "SegmentDailySize".exited + EXCLUDED.exited)
SELECT id::text, "profileId", kind FROM changes ORDER BY id`;
  const { rows } = await client.query<{ id: string; profileId: string; kind: "entered" | "exited" }>(sql, q.values);
  return rows.map((r) => ({ ...r, workspaceId: segment.workspaceId, segmentId: segment.id, at: now.toISOString() }));
}

/**
 * Re-evaluates the given segments for the given people, one transaction and one statement per segment.
 * `work`: segment id → profile ids (surviving ones).
 */
export async function evaluateFor(
  workspaceId: string,
  work: Map<string, Set<string>>,
  now: Date,
): Promise<MembershipChange[]> {
  const changes: MembershipChange[] = [];
  for (const segmentId of [...work.keys()].sort()) {
    const profileIds = [...work.get(segmentId)!];
    if (!profileIds.length) continue;
    changes.push(
      ...(await withTransaction(async (client) => {
        await lockSegments(client, [segmentId]);
        const segments = await loadSegments(client, workspaceId);
        const segment = segments.get(segmentId);
        if (!segment) {
          // archived or gone since: it keeps nobody
          await client.query(`DELETE FROM "SegmentCheck" WHERE "segmentId" = $1 AND "profileId" = ANY($2::uuid[])`, [
            segmentId,
            profileIds,
          ]);
          return [];
        }
        return applyEvaluation(client, segment, segments, { ids: profileIds }, now);
      })),
    );
  }
  return changes;
}

// ---------------------------------------------------------------------------------------------------
// What a segment depends on (the event-driven index)

/**
 * Rewrites SegmentReference for the whole workspace from the definitions: a segment's event names and
 * profile dependence include those of the dynamic segments it refers to, so a change in any of them is seen.
 * Call it in the transaction that changes a definition (or archives a segment).
 */
export async function refreshReferences(client: pg.ClientBase, workspaceId: string): Promise<void> {
  const segments = await loadSegments(client, workspaceId);
  const rows: { s: string; k: string; v: string }[] = [];
  for (const segment of segments.values()) {
    if (!segment.definition) continue;
    const root = segment.definition as TCondition;
    for (const name of eventsOf(root, segments)) rows.push({ s: segment.id, k: "event", v: name });
    if (usesProfile(root, segments)) rows.push({ s: segment.id, k: "profile", v: "" });
    for (const id of new Set(directSegmentRefs(root))) rows.push({ s: segment.id, k: "segment", v: id });
  }
  await client.query(`DELETE FROM "SegmentReference" WHERE "workspaceId" = $1`, [workspaceId]);
  if (rows.length) {
    await client.query(
      `INSERT INTO "SegmentReference" ("workspaceId", "segmentId", kind, value) SELECT $1, s, k, v FROM json_to_recordset($2::json) AS r(s uuid, k text, v text) ON CONFLICT DO NOTHING`,
      [workspaceId, JSON.stringify(rows)],
    );
  }
}

function directSegmentRefs(c: TCondition): string[] {
  if (c.kind === "segment") return [c.segmentId];
  if (c.kind === "group") return c.conditions.flatMap(directSegmentRefs);
  if (c.kind === "not") return directSegmentRefs(c.condition);
  return [];
}

/** Dynamic segments whose answer reads `segmentId` (directly or through other segments). */
export async function dependentsOf(client: pg.ClientBase, workspaceId: string, segmentId: string): Promise<string[]> {
  const { rows } = await client.query<{ segmentId: string }>(
    `WITH RECURSIVE dep(id) AS (
       SELECT "segmentId" FROM "SegmentReference" WHERE "workspaceId" = $1 AND kind = 'segment' AND value = $2
       UNION
       SELECT r."segmentId" FROM "SegmentReference" r JOIN dep ON r.value = dep.id::text WHERE r."workspaceId" = $1 AND r.kind = 'segment')
     SELECT id AS "segmentId" FROM dep WHERE id <> $2::uuid`,
    [workspaceId, segmentId],
  );
  return rows.map((r) => r.segmentId);
}

// ---------------------------------------------------------------------------------------------------
// Event-driven

interface BatchEvent {
  profileId: string;
  name: string | null;
  type: string;
  profileChange: boolean;
}

/**
 * After a batch of events was stored: re-evaluates the segments they can change, for their people only.
 * Returns the entries and exits it recorded.
 */
export async function updateSegmentsForEvents(
  workspaceId: string,
  eventIds: string[],
  now: Date,
): Promise<MembershipChange[]> {
  if (!eventIds.length) return [];
  const pool = pgPool();
  // What the workspace's segments read, first, and whether it has a segment at all (merged memberships move
  // below whatever the segments read): in a workspace without segments the batch's events are not read.
  const { rows: allRefs } = await pool.query<{ segmentId: string; kind: string; value: string }>(
    `SELECT "segmentId", kind, value FROM "SegmentReference" WHERE "workspaceId" = $1 AND kind IN ('event', 'profile')
     UNION ALL
     SELECT id, 'exists', '' FROM (SELECT id FROM "Segment" WHERE "workspaceId" = $1 LIMIT 1) any_segment`,
    [workspaceId],
  );
  if (!allRefs.length) return [];
  const { rows: events } = await pool.query<BatchEvent>(
    `SELECT COALESCE(p."mergedIntoId", ev."profileId") AS "profileId", ev.name, ev.type,
            (ev.type IN ('identify', 'alias') OR ev.source = 'messaging' OR (ev.context #>> '{device,token}') IS NOT NULL
             -- a person new with this batch: profile conditions ("has no plan") may hold for them from the start
             OR NOT EXISTS (SELECT 1 FROM "Event" o WHERE o."workspaceId" = $1 AND o."profileId" = ev."profileId" AND NOT (o.id = ANY($2::bigint[])))) AS "profileChange"
       FROM "Event" ev JOIN "Profile" p ON p.id = ev."profileId"
      WHERE ev."workspaceId" = $1 AND ev.id = ANY($2::bigint[])`,
    [workspaceId, eventIds],
  );
  if (!events.length) return [];
  const names = new Set(events.flatMap((e) => (e.name ? [e.name] : [])));
  const anyProfileChange = events.some((e) => e.profileChange);
  const refs = allRefs.filter((r) =>
    r.kind === "event" ? names.has(r.value) : r.kind === "profile" && anyProfileChange,
  );

  const work = new Map<string, Set<string>>();
  const add = (segmentId: string, profileId: string) => {
    const set = work.get(segmentId) ?? new Set<string>();
    set.add(profileId);
    work.set(segmentId, set);
  };
  const byName = new Map<string, string[]>();
  const profileSegments: string[] = [];
  for (const r of refs) {
    if (r.kind === "event") byName.set(r.value, [...(byName.get(r.value) ?? []), r.segmentId]);
    else profileSegments.push(r.segmentId);
  }
  for (const e of events) {
    for (const segmentId of (e.name && byName.get(e.name)) || []) add(segmentId, e.profileId);
    if (e.profileChange) for (const segmentId of profileSegments) add(segmentId, e.profileId);
  }

  // Merges: identify/alias may have merged anonymous profiles into these people.
  const identified = [
    ...new Set(events.filter((e) => e.type === "identify" || e.type === "alias").map((e) => e.profileId)),
  ];
  const changes: MembershipChange[] = [];
  if (identified.length) {
    const merged = await moveMergedMemberships(workspaceId, identified, now);
    changes.push(...merged.changes);
    if (merged.people.length) {
      const { rows: dynamic } = await pool.query<{ id: string }>(
        `SELECT id FROM "Segment" WHERE "workspaceId" = $1 AND kind = 'dynamic' AND "archivedAt" IS NULL`,
        [workspaceId],
      );
      for (const { id } of dynamic) for (const person of merged.people) add(id, person);
    }
  }
  changes.push(...(await evaluateFor(workspaceId, work, now)));
  return changes;
}

/**
 * The memberships of anonymous profiles merged into `people` move to the person they became (keeping when
 * they entered), unless the person is a member already: then the anonymous profile's membership ends (an
 * exit, so sizes stay right). Returns the people who had anything merged into them (their events changed:
 * every segment is re-evaluated for them) and the exits.
 */
async function moveMergedMemberships(
  workspaceId: string,
  people: string[],
  now: Date,
): Promise<{ people: string[]; changes: MembershipChange[] }> {
  const { rows: mergedProfiles } = await pgPool().query<{ id: string; into: string }>(
    `SELECT id, "mergedIntoId" AS into FROM "Profile" WHERE "mergedIntoId" = ANY($1::uuid[])`,
    [people],
  );
  if (!mergedProfiles.length) return { people: [], changes: [] };
  const fromIds = mergedProfiles.map((m) => m.id);
  const { rows: involved } = await pgPool().query<{ segmentId: string }>(
    `SELECT DISTINCT "segmentId" FROM "SegmentMembership" WHERE "profileId" = ANY($1::uuid[])`,
    [fromIds],
  );
  const changes = await withTransaction(async (client) => {
    await client.query(`DELETE FROM "SegmentCheck" WHERE "profileId" = ANY($1::uuid[])`, [fromIds]);
    if (!involved.length) return [];
    await lockSegments(
      client,
      involved.map((r) => r.segmentId),
    );
    const day = dayOf(now);
    const { rows } = await client.query<{ id: string; profileId: string; segmentId: string; kind: "exited" }>(
      `WITH gone AS (
         DELETE FROM "SegmentMembership" m USING "Profile" p
          WHERE p.id = m."profileId" AND m."profileId" = ANY($1::uuid[])
         RETURNING m."segmentId", m."profileId", p."mergedIntoId" AS "into", m."enteredAt", m."nextCheckAt"),
       ranked AS (
         SELECT g.*, row_number() OVER (PARTITION BY g."segmentId", g."into" ORDER BY g."enteredAt", g."profileId") AS rank,
                EXISTS (SELECT 1 FROM "SegmentMembership" t WHERE t."segmentId" = g."segmentId" AND t."profileId" = g."into") AS "intoIsMember"
           FROM gone g),
       moved AS (
         INSERT INTO "SegmentMembership" ("segmentId", "profileId", "workspaceId", "enteredAt", "nextCheckAt")
         SELECT "segmentId", "into", $2, "enteredAt", "nextCheckAt" FROM ranked WHERE rank = 1 AND NOT "intoIsMember"
         ON CONFLICT DO NOTHING RETURNING 1),
       exits AS (
         INSERT INTO "SegmentMembershipChange" ("workspaceId", "segmentId", "profileId", kind, at)
         SELECT $2, "segmentId", "profileId", 'exited', $3 FROM ranked WHERE rank > 1 OR "intoIsMember"
         RETURNING id, "profileId", "segmentId", kind),
       per AS (SELECT "segmentId", count(*)::int AS x FROM exits GROUP BY 1),
       sized AS (UPDATE "Segment" s SET "memberCount" = s."memberCount" - per.x FROM per WHERE s.id = per."segmentId" RETURNING s.id, s."memberCount", per.x),
       daily AS (
         INSERT INTO "SegmentDailySize" ("segmentId", day, size, entered, exited) SELECT id, $4::date, "memberCount", 0, x FROM sized
         ON CONFLICT ("segmentId", day) DO UPDATE SET size = EXCLUDED.size, exited = "SegmentDailySize".exited + EXCLUDED.exited)
       SELECT id::text, "profileId", "segmentId", kind FROM exits ORDER BY id`,
      [fromIds, workspaceId, now, day],
    );
    return rows.map((r) => ({ ...r, workspaceId, at: now.toISOString() }));
  });
  return { people: [...new Set(mergedProfiles.map((m) => m.into))], changes };
}

// ---------------------------------------------------------------------------------------------------
// Profile changes outside ingestion

/**
 * A profile changed outside ingestion (a journey's update_profile step, a consent change): re-evaluates,
 * for those people only, the segments that read the profile (SegmentReference kind "profile", which includes
 * segments that read it through another segment), and records the entries and exits like any others. Merged
 * profile ids count as the person they became; ids of another workspace are ignored.
 *
 *   - `db` a client inside the caller's transaction: the evaluation joins it, so it sees the change and
 *     commits (or rolls back) with it; the segments are locked until then, in id order.
 *   - `db` the pool: one transaction per segment, as event-driven updates do; call it after the change
 *     committed.
 *
 * The changes are recorded unannounced: announce them (`rangesOf` → cairn/segment.changed, then
 * `markDispatched`) once the caller's transaction committed, or the segment-checks sweep announces them
 * about 30 s later.
 */
export async function reevaluateProfileSegments(
  db: pg.Pool | pg.ClientBase,
  workspaceId: string,
  profileIds: readonly string[],
  now: Date,
): Promise<MembershipChange[]> {
  const ids = [...new Set(profileIds)];
  if (!ids.length) return [];
  const { rows: people } = await db.query<{ id: string }>(
    `SELECT DISTINCT COALESCE("mergedIntoId", id) AS id FROM "Profile" WHERE "workspaceId" = $1 AND id = ANY($2::uuid[])`,
    [workspaceId, ids],
  );
  if (!people.length) return [];
  const { rows: refs } = await db.query<{ segmentId: string }>(
    `SELECT DISTINCT "segmentId" FROM "SegmentReference" WHERE "workspaceId" = $1 AND kind = 'profile' ORDER BY 1`,
    [workspaceId],
  );
  if (!refs.length) return [];
  const personIds = people.map((p) => p.id);
  if (db instanceof pg.Pool)
    return evaluateFor(workspaceId, new Map(refs.map((r) => [r.segmentId, new Set(personIds)])), now);
  await lockSegments(
    db,
    refs.map((r) => r.segmentId),
  );
  const segments = await loadSegments(db, workspaceId);
  const changes: MembershipChange[] = [];
  for (const { segmentId } of refs) {
    const segment = segments.get(segmentId);
    if (segment) changes.push(...(await applyEvaluation(db, segment, segments, { ids: personIds }, now)));
  }
  return changes;
}

// ---------------------------------------------------------------------------------------------------
// Time-driven

/** How long a claimed check is reserved; the evaluation replaces it with the real next check. */
export const CHECK_LEASE_MS = 60_000;

/**
 * Claims up to `limit` memberships and non-member checks whose next check passed (SKIP LOCKED: several
 * runs take disjoint sets; the claim moves the check a lease ahead) and re-evaluates those people.
 */
export async function processDueChecks(
  now: Date,
  options: { limit?: number; workspaceId?: string } = {},
): Promise<{ claimed: number; changes: MembershipChange[] }> {
  const lease = new Date(now.getTime() + CHECK_LEASE_MS);
  const claim = async (table: "SegmentMembership" | "SegmentCheck") =>
    (
      await pgPool().query<{ workspaceId: string; segmentId: string; profileId: string }>(
        `WITH due AS (
           SELECT "segmentId", "profileId" FROM "${table}" WHERE "nextCheckAt" <= $1 AND ($4::uuid IS NULL OR "workspaceId" = $4)
            ORDER BY "nextCheckAt" LIMIT $2 FOR UPDATE SKIP LOCKED)
         UPDATE "${table}" t SET "nextCheckAt" = $3 FROM due WHERE t."segmentId" = due."segmentId" AND t."profileId" = due."profileId"
         RETURNING t."workspaceId", t."segmentId", t."profileId"`,
        [now, options.limit ?? 2_000, lease, options.workspaceId ?? null],
      )
    ).rows;
  const due = [...(await claim("SegmentMembership")), ...(await claim("SegmentCheck"))];
  const byWorkspace = new Map<string, Map<string, Set<string>>>();
  for (const d of due) {
    const work = byWorkspace.get(d.workspaceId) ?? new Map<string, Set<string>>();
    work.set(d.segmentId, (work.get(d.segmentId) ?? new Set()).add(d.profileId));
    byWorkspace.set(d.workspaceId, work);
  }
  const changes: MembershipChange[] = [];
  for (const [workspaceId, work] of byWorkspace) changes.push(...(await evaluateFor(workspaceId, work, now)));
  return { claimed: due.length, changes };
}

// ---------------------------------------------------------------------------------------------------
// Full recompute

export const RECOMPUTE_BATCH = 10_000;

export interface RecomputeProgress {
  segmentId: string;
  processed: number;
  total: number;
  entered: number;
  exited: number;
}

/** Marks a recompute as wanted (the API answers with this while it runs elsewhere). */
export async function queueRecompute(client: pg.ClientBase, segmentIds: string[]): Promise<void> {
  if (!segmentIds.length) return;
  await client.query(
    `UPDATE "Segment" SET "recomputeStatus" = 'queued', "recomputeProcessed" = 0, "recomputeError" = NULL
      WHERE id = ANY($1::uuid[]) AND kind = 'dynamic' AND "archivedAt" IS NULL`,
    [segmentIds],
  );
}

/**
 * Evaluates a dynamic segment for every profile of its workspace, RECOMPUTE_BATCH profile ids at a time (one
 * transaction each, the segment locked only meanwhile, so event-driven updates interleave), storing the
 * progress after each batch. Ends by recounting the size (memberCount and today's SegmentDailySize). Entries
 * and exits are recorded like any others.
 */
export async function recomputeSegment(
  segmentId: string,
  options: { now?: () => Date; batchSize?: number; onProgress?: (p: RecomputeProgress) => void } = {},
): Promise<RecomputeProgress & { changes: number; range: ChangeRange | null; skipped?: string }> {
  const clock = options.now ?? (() => new Date());
  const batchSize = options.batchSize ?? RECOMPUTE_BATCH;
  const pool = pgPool();
  const { rows: found } = await pool.query<{
    workspaceId: string;
    kind: string;
    archivedAt: Date | null;
    version: number;
  }>(`SELECT "workspaceId", kind, "archivedAt", version FROM "Segment" WHERE id = $1`, [segmentId]);
  const segment = found[0];
  const progress: RecomputeProgress = { segmentId, processed: 0, total: 0, entered: 0, exited: 0 };
  if (!segment || segment.kind !== "dynamic" || segment.archivedAt)
    return {
      ...progress,
      changes: 0,
      range: null,
      skipped: !segment ? "no such segment" : segment.archivedAt ? "archived" : "manual segments are not computed",
    };
  const { rows: totals } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "Profile" WHERE "workspaceId" = $1`,
    [segment.workspaceId],
  );
  progress.total = totals[0].n;
  await pool.query(
    `UPDATE "Segment" SET "recomputeStatus" = 'running', "recomputeVersion" = $2, "recomputeProcessed" = 0, "recomputeTotal" = $3,
        "recomputeStartedAt" = $4, "recomputeFinishedAt" = NULL, "recomputeError" = NULL WHERE id = $1`,
    [segmentId, segment.version, progress.total, clock()],
  );
  const seen: MembershipChange[] = [];
  try {
    let after = "00000000-0000-0000-0000-000000000000";
    for (;;) {
      // The batch: the next `batchSize` profile ids (merged ones too: their memberships end).
      const { rows: bound } = await pool.query<{ id: string; n: number }>(
        `SELECT max(id::text)::uuid AS id, count(*)::int AS n FROM (SELECT id FROM "Profile" WHERE "workspaceId" = $1 AND id > $2 ORDER BY id LIMIT $3) b`,
        [segment.workspaceId, after, batchSize],
      );
      const last = bound[0].n < batchSize ? null : bound[0].id;
      const now = clock();
      const changes = await withTransaction(async (client) => {
        await lockSegments(client, [segmentId]);
        const segments = await loadSegments(client, segment.workspaceId);
        const current = segments.get(segmentId);
        if (!current) return null;
        return applyEvaluation(client, current, segments, { after, upTo: last }, now);
      });
      if (!changes) break;
      progress.processed = Math.min(progress.total, progress.processed + bound[0].n);
      for (const c of changes) progress[c.kind]++;
      // only the first and last id matter for the announcement
      if (changes.length) seen.splice(0, seen.length, ...rangeEnds([...seen, changes[0], changes[changes.length - 1]]));
      await pool.query(`UPDATE "Segment" SET "recomputeProcessed" = $2 WHERE id = $1`, [segmentId, progress.processed]);
      options.onProgress?.({ ...progress });
      if (last === null) break;
      after = last;
    }
    // The recount, under the segment's lock so no event-driven update lands between counting and storing;
    // today's point of the size trend gets the same number, so the chart ends where memberCount is.
    const finishedAt = clock();
    await withTransaction(async (client) => {
      await lockSegments(client, [segmentId]);
      await client.query(
        `WITH sized AS (
           UPDATE "Segment" s SET "recomputeStatus" = 'done', "recomputeFinishedAt" = $2, "recomputeProcessed" = "recomputeTotal",
               "memberCount" = (SELECT count(*) FROM "SegmentMembership" m WHERE m."segmentId" = s.id) WHERE id = $1
           RETURNING s."memberCount")
         INSERT INTO "SegmentDailySize" ("segmentId", day, size, entered, exited)
         SELECT $1, $3::date, "memberCount", 0, 0 FROM sized
         ON CONFLICT ("segmentId", day) DO UPDATE SET size = EXCLUDED.size`,
        [segmentId, finishedAt, dayOf(finishedAt)],
      );
    });
  } catch (error) {
    await pool
      .query(
        `UPDATE "Segment" SET "recomputeStatus" = 'failed', "recomputeFinishedAt" = $2, "recomputeError" = $3 WHERE id = $1`,
        [segmentId, clock(), String((error as Error).message ?? error).slice(0, 500)],
      )
      .catch(() => {});
    throw error;
  }
  return {
    ...progress,
    processed: progress.total,
    changes: progress.entered + progress.exited,
    range: rangesOf(seen)[0] ?? null,
  };
}

function rangeEnds(changes: MembershipChange[]): MembershipChange[] {
  const sorted = [...changes].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  return sorted.length > 1 ? [sorted[0], sorted[sorted.length - 1]] : sorted;
}

// ---------------------------------------------------------------------------------------------------
// Announcing changes (cairn/segment.changed)

/**
 * Changes are announced as id ranges per workspace (the engine reads the entries in the range), so an
 * announcement stays small whatever a recompute changed. A range may include changes another batch
 * announces too: the engine's entry key (the change id) makes a repeat enroll nobody twice.
 */
export interface ChangeRange {
  workspaceId: string;
  fromId: string;
  toId: string;
}

export function rangesOf(changes: Pick<MembershipChange, "id" | "workspaceId">[]): ChangeRange[] {
  const byWorkspace = new Map<string, { from: bigint; to: bigint }>();
  for (const c of changes) {
    const id = BigInt(c.id);
    const r = byWorkspace.get(c.workspaceId);
    if (!r) byWorkspace.set(c.workspaceId, { from: id, to: id });
    else {
      if (id < r.from) r.from = id;
      if (id > r.to) r.to = id;
    }
  }
  return [...byWorkspace].map(([workspaceId, r]) => ({
    workspaceId,
    fromId: r.from.toString(),
    toId: r.to.toString(),
  }));
}

/** Changes not announced yet, older than `olderThan` (a crash between recording and announcing left them). */
export async function undispatchedRanges(olderThan: Date, limit = 5_000): Promise<ChangeRange[]> {
  const { rows } = await pgPool().query<{ id: string; workspaceId: string }>(
    `SELECT id::text, "workspaceId" FROM "SegmentMembershipChange" WHERE "dispatchedAt" IS NULL AND at < $1 ORDER BY id LIMIT $2`,
    [olderThan, limit],
  );
  return rangesOf(rows);
}

export async function markDispatched(ranges: ChangeRange[], now: Date): Promise<void> {
  for (const r of ranges) {
    await pgPool().query(
      `UPDATE "SegmentMembershipChange" SET "dispatchedAt" = $4 WHERE "workspaceId" = $1 AND id BETWEEN $2 AND $3 AND "dispatchedAt" IS NULL`,
      [r.workspaceId, r.fromId, r.toId, now],
    );
  }
}

export type { TSegmentDefinition };
