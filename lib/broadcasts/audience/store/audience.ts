import "server-only";
import { z } from "zod";
import { execute, type Queryable, selectRow, selectRows } from "../../../db/sql";

/**
 * The SQL of a broadcast's audience: who is in it (members of any included segment, minus members of any
 * excluded one, live profiles of the workspace), the holdout rows, the QUEUED messages of a chunk, and the
 * broadcast's progress through its audience (a keyset cursor over profile ids).
 */

/** Below every v4 uuid: the keyset's start, so the statement has one plan with or without a cursor. */
const NIL_UUID = "00000000-0000-0000-0000-000000000000";

const ZAudienceBroadcast = z.object({
  id: z.string(),
  workspaceId: z.string(),
  name: z.string(),
  status: z.string(),
  channel: z.string(),
  segmentIds: z.array(z.string()),
  excludedSegmentIds: z.array(z.string()),
  variants: z.unknown(),
  holdoutPercent: z.number(),
  testPercent: z.number().nullable(),
  winnerVariant: z.string().nullable(),
  phase: z.string().nullable(),
  scheduleKind: z.string(),
  localDate: z.string().nullable(),
  localTime: z.string().nullable(),
  timezone: z.string(),
  audienceCursor: z.string().nullable(),
  audienceDone: z.boolean(),
});
export type AudienceBroadcast = z.infer<typeof ZAudienceBroadcast>;

/** The broadcast, locked until the transaction ends, so two materializers never take the same chunk. */
export function lockBroadcastForAudience(q: Queryable, broadcastId: string): Promise<AudienceBroadcast | undefined> {
  return selectRow(
    q,
    ZAudienceBroadcast,
    `SELECT id::text, "workspaceId"::text, name, status::text, channel, "segmentIds"::text[] AS "segmentIds",
            "excludedSegmentIds"::text[] AS "excludedSegmentIds", variants, "holdoutPercent", "testPercent",
            "winnerVariant", phase, "scheduleKind", "localDate", "localTime", timezone,
            "audienceCursor"::text, "audienceDone"
       FROM "Broadcast" WHERE id = $1::uuid FOR UPDATE`,
    [broadcastId],
  );
}

const ZCandidate = z.object({ id: z.string(), timezone: z.string().nullable(), eligible: z.boolean() });
export type AudienceCandidate = z.infer<typeof ZCandidate>;

/**
 * The next `limit` distinct members of any included segment after `after`, in profile id order, each marked
 * eligible when it is a live profile of the workspace in no excluded segment. Each segment is read along its
 * (segmentId, profileId) key from the cursor on (an index-only scan: the workspace is checked on the profile,
 * since a segment's memberships are all in its workspace), and each candidate's profile is looked up by its key
 * (LIMIT 1 keeps the lookup a nested loop: joined, Postgres hashed the whole Profile table for every chunk). So a
 * chunk costs the same at the start and the end of a million-person audience. Candidates that are not eligible
 * still move the cursor.
 */
export function selectAudienceChunk(
  q: Queryable,
  input: {
    workspaceId: string;
    segmentIds: string[];
    excludedSegmentIds: string[];
    after: string | null;
    limit: number;
  },
): Promise<AudienceCandidate[]> {
  return selectRows(
    q,
    ZCandidate,
    `WITH c AS MATERIALIZED (
       SELECT DISTINCT m."profileId" AS id
         FROM unnest($2::uuid[]) AS s(id)
         CROSS JOIN LATERAL (
           SELECT sm."profileId" FROM "SegmentMembership" sm
            WHERE sm."segmentId" = s.id AND sm."profileId" > $4::uuid
            ORDER BY sm."profileId" LIMIT $5
         ) m
        ORDER BY 1 LIMIT $5
     )
     SELECT c.id::text AS id, p.timezone,
            (p.id IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM "SegmentMembership" x WHERE x."segmentId" = ANY($3::uuid[]) AND x."profileId" = c.id
            )) AS eligible
       FROM c
       LEFT JOIN LATERAL (
         SELECT p.id, p.timezone FROM "Profile" p
          WHERE p.id = c.id AND p."workspaceId" = $1::uuid AND p."mergedIntoId" IS NULL
          LIMIT 1
       ) p ON true
      ORDER BY c.id`,
    [input.workspaceId, input.segmentIds, input.excludedSegmentIds, input.after ?? NIL_UUID, input.limit],
  );
}

/** Records held-out people; a repeated chunk records nobody twice. Returns how many were new. */
export function insertHoldouts(
  q: Queryable,
  input: { broadcastId: string; workspaceId: string; profileIds: string[]; at: Date },
): Promise<number> {
  return execute(
    q,
    `INSERT INTO "BroadcastHoldout" ("broadcastId", "profileId", "workspaceId", at)
     SELECT $1::uuid, p, $2::uuid, $3 FROM unnest($4::uuid[]) AS p
     ON CONFLICT DO NOTHING`,
    [input.broadcastId, input.workspaceId, input.at, input.profileIds],
  );
}

export interface BroadcastMessageRows {
  workspaceId: string;
  broadcastId: string;
  channel: string;
  /** the same small context on every message of the broadcast */
  context: unknown;
  now: Date;
  /** the variants' keys and templates; each row names its variant by index (1-based, as SQL arrays are) */
  variantKeys: string[];
  templateIds: string[];
  profileIds: string[];
  variantIndexes: number[];
  /** ISO instants, or null to send as soon as the sender gets to it */
  sendAfter: (string | null)[];
}

/**
 * One chunk's QUEUED messages in one statement. The idempotency key `b:<broadcastId>:<profileId>` makes a
 * repeated chunk create nothing. Each message gets the broadcast's subscription topic, which delivery checks and its
 * unsubscribe link leaves. Returns how many were created.
 */
export function insertBroadcastMessages(q: Queryable, rows: BroadcastMessageRows): Promise<number> {
  return execute(
    q,
    `INSERT INTO "Message" ("id", "workspaceId", "profileId", "broadcastId", "variant", "channel", "templateId",
                            "status", "category", "idempotencyKey", "context", "sendAfter", "createdAt", "updatedAt", "topicId")
     SELECT gen_random_uuid(), $1::uuid, r.p, $2::uuid, ($5::text[])[r.v], $3, ($6::text[])[r.v],
            'QUEUED'::"MessageStatus", 'marketing', $4 || r.p::text, $7::jsonb, r.s, $8, $8,
            (SELECT "topicId" FROM "Broadcast" WHERE id = $2::uuid)
       FROM unnest($9::uuid[], $10::int[], $11::timestamptz[]) AS r(p, v, s)
     ON CONFLICT ("idempotencyKey") DO NOTHING`,
    [
      rows.workspaceId,
      rows.broadcastId,
      rows.channel,
      `b:${rows.broadcastId}:`,
      rows.variantKeys,
      rows.templateIds,
      JSON.stringify(rows.context),
      rows.now,
      rows.profileIds,
      rows.variantIndexes,
      rows.sendAfter,
    ],
  );
}

/** Moves the cursor past a chunk and adds what it created; `cursor` null leaves it (an empty chunk). */
export function recordAudienceProgress(
  q: Queryable,
  input: { broadcastId: string; cursor: string | null; created: number; heldOut: number; done: boolean; now: Date },
): Promise<number> {
  return execute(
    q,
    `UPDATE "Broadcast"
        SET "audienceCursor" = COALESCE($2::uuid, "audienceCursor"), "audienceCount" = "audienceCount" + $3,
            "holdoutCount" = "holdoutCount" + $4, "audienceDone" = $5, "lastProgressAt" = $6
      WHERE id = $1::uuid`,
    [input.broadcastId, input.cursor, input.created, input.heldOut, input.done, input.now],
  );
}

/** The rest phase: the winner, and the audience read again from the start for everyone not yet sent. */
export function recordRestPhase(
  q: Queryable,
  input: { broadcastId: string; winnerVariant: string; now: Date },
): Promise<number> {
  return execute(
    q,
    `UPDATE "Broadcast"
        SET phase = 'rest', "winnerVariant" = $2, "winnerDecidedAt" = $3, "audienceCursor" = NULL,
            "audienceDone" = false, "lastProgressAt" = $3, "updatedAt" = $3
      WHERE id = $1::uuid`,
    [input.broadcastId, input.winnerVariant, input.now],
  );
}

const AUDIENCE_FROM = `
  FROM (SELECT DISTINCT m."profileId" AS id FROM "SegmentMembership" m
         WHERE m."segmentId" = ANY($2::uuid[]) AND m."workspaceId" = $1::uuid) a
  JOIN "Profile" p ON p.id = a.id AND p."workspaceId" = $1::uuid AND p."mergedIntoId" IS NULL
 WHERE NOT EXISTS (SELECT 1 FROM "SegmentMembership" x WHERE x."segmentId" = ANY($3::uuid[]) AND x."profileId" = a.id)`;

/** How many distinct live people the audience has now. */
export async function countAudienceMembers(
  q: Queryable,
  input: { workspaceId: string; segmentIds: string[]; excludedSegmentIds: string[] },
): Promise<number> {
  const row = await selectRow(q, z.object({ count: z.number() }), `SELECT count(*)::int AS count ${AUDIENCE_FROM}`, [
    input.workspaceId,
    input.segmentIds,
    input.excludedSegmentIds,
  ]);
  return row?.count ?? 0;
}

/** The audience by the zone on each profile (null: none known), largest first. */
export function selectAudienceByZone(
  q: Queryable,
  input: { workspaceId: string; segmentIds: string[]; excludedSegmentIds: string[] },
): Promise<{ zone: string | null; count: number }[]> {
  return selectRows(
    q,
    z.object({ zone: z.string().nullable(), count: z.number() }),
    `SELECT p.timezone AS zone, count(*)::int AS count ${AUDIENCE_FROM}
      GROUP BY p.timezone ORDER BY count(*) DESC, p.timezone NULLS LAST`,
    [input.workspaceId, input.segmentIds, input.excludedSegmentIds],
  );
}
