import { z } from "zod";
import { type Queryable, selectRows } from "../../db/sql";
import { HOLDOUT } from "../weights";

/**
 * The per-arm counts of one split node, read from SplitAssignment joined to the engine's and delivery's tables
 * (lib/experiments/load-split-data.ts says what each count means). Read-only.
 *
 * The unit is the person (randomization hashes person and node), counted once per split at their first
 * assignment: re-entering people would otherwise count several times in one arm, inflating the SRM's chi-square
 * and shrinking the variances. Merged profiles count as the person they were merged into. Every statement starts
 * from these CTEs (parameters $1 journeyId, $2 nodeId, $3 now).
 */
const units = `
    assigned AS (
      SELECT a.*,
             first_value("armId") OVER person AS "firstArm", first_value("assignedAt") OVER person AS "firstAt",
             row_number() OVER person = 1 AS "isFirst"
        FROM (SELECT COALESCE(p."mergedIntoId", s."profileId") AS person, s."enrollmentId", s."armId", s."assignedAt", s."wouldHaveMessagedAt"
                FROM "SplitAssignment" s LEFT JOIN "Profile" p ON p.id = s."profileId"
               WHERE s."journeyId" = $1 AND s."nodeId" = $2 AND s."assignedAt" <= $3) a
      WINDOW person AS (PARTITION BY person ORDER BY "assignedAt", "enrollmentId")
    ), first AS (
      SELECT person, "enrollmentId", "armId", "assignedAt" AS at, "wouldHaveMessagedAt" AS would FROM assigned WHERE "isFirst"
    )`;

export interface SplitKey {
  journeyId: string;
  nodeId: string;
  /** counts include what happened up to this moment */
  now: Date;
}

const AssignmentGroupRow = z.object({
  versionId: z.string(),
  period: z.number(),
  armId: z.string(),
  n: z.number(),
  matured: z.number(),
  heldDelays: z.array(z.number()).nullable(),
});
export type AssignmentGroup = z.output<typeof AssignmentGroupRow>;

/**
 * First assignments by journey version, weight period (how many of `periodStarts` are at or before the assignment)
 * and arm: the denominators and the SRM's expectations; and, for the holdout, the seconds from each person's
 * assignment to the first message or webhook step they would have had. In this pass rather than a pass of their
 * own over the split's assignments; an array rather than percentile_cont, which as an ordered aggregate would keep
 * Postgres from hashing this GROUP BY.
 */
export async function selectFirstAssignmentGroups(
  q: Queryable,
  key: SplitKey,
  periodStarts: Date[],
  maturedBefore: Date,
): Promise<AssignmentGroup[]> {
  return selectRows(
    q,
    AssignmentGroupRow,
    `WITH ${units}
     SELECT e."journeyVersionId" AS "versionId",
            (SELECT count(*) FROM unnest($4::timestamptz[]) AS t(at) WHERE t.at <= f.at)::int AS period,
            f."armId", count(*)::int AS n, count(*) FILTER (WHERE f.at <= $5)::int AS matured,
            array_agg(round(extract(epoch FROM f.would - f.at))::int) FILTER (WHERE f."armId" = '${HOLDOUT}' AND f.would <= $3) AS "heldDelays"
       FROM first f JOIN "Enrollment" e ON e.id = f."enrollmentId"
      GROUP BY 1, 2, 3`,
    [key.journeyId, key.nodeId, key.now, periodStarts, maturedBefore],
  );
}

const ArmConversionsRow = z.object({
  armId: z.string(),
  converted: z.number(),
  revenue: z.number(),
  revenueSquares: z.number(),
  matured: z.number(),
});

/**
 * Converted people per arm: any conversion of the person's enrollments at this split inside the window from their
 * first assignment; revenue: their distinct goal events in that window, summed (the same event converting two of
 * their enrollments counts once), read from the goal event's `revenueProperty` (a number or a numeric string).
 */
export async function selectConversionsPerArm(
  q: Queryable,
  key: SplitKey,
  attributionHours: number,
  revenueProperty: string | null,
  maturedBefore: Date,
) {
  return selectRows(
    q,
    ArmConversionsRow,
    `WITH ${units}, c AS (
         SELECT DISTINCT a.person, a."firstArm" AS "armId", a."firstAt" AS at, cv."eventId",
                CASE WHEN $5::text IS NULL THEN 0
                     WHEN jsonb_typeof(ev.properties -> $5::text) = 'number' THEN (ev.properties ->> $5::text)::float8
                     WHEN jsonb_typeof(ev.properties -> $5::text) = 'string' AND btrim(ev.properties ->> $5::text) ~ '^-?[0-9]+(\\.[0-9]+)?$'
                       THEN btrim(ev.properties ->> $5::text)::float8
                     ELSE 0 END AS revenue
           FROM assigned a
           JOIN "Conversion" cv ON cv."enrollmentId" = a."enrollmentId"
           LEFT JOIN "Event" ev ON ev.id = cv."eventId"
          WHERE cv."convertedAt" >= a."firstAt" AND cv."convertedAt" <= a."firstAt" + make_interval(hours => $4::int) AND cv."convertedAt" <= $3
       ), per AS (
         SELECT person, "armId", at, sum(revenue) AS revenue FROM c GROUP BY 1, 2, 3
       )
       SELECT "armId", count(*)::int AS converted, COALESCE(sum(revenue), 0)::float8 AS revenue,
              COALESCE(sum(revenue * revenue), 0)::float8 AS "revenueSquares", count(*) FILTER (WHERE at <= $6)::int AS matured
         FROM per GROUP BY 1`,
    [key.journeyId, key.nodeId, key.now, attributionHours, revenueProperty, maturedBefore],
  );
}

const ArmMessagesRow = z.object({
  armId: z.string(),
  messages: z.number(),
  sent: z.number(),
  delivered: z.number(),
  opened: z.number(),
  clicked: z.number(),
  unsubscribed: z.number(),
  bounced: z.number(),
  complained: z.number(),
});

/**
 * Messages of all the person's enrollments at this split (after each one's assignment), in the arm of their first
 * assignment; guardrails count people.
 */
export async function selectMessagesPerArm(q: Queryable, key: SplitKey) {
  return selectRows(
    q,
    ArmMessagesRow,
    `WITH ${units}
       SELECT a."firstArm" AS "armId",
              count(DISTINCT m.id)::int AS messages,
              count(DISTINCT m.id) FILTER (WHERE m."sentAt" IS NOT NULL AND m."sentAt" <= $3)::int AS sent,
              count(DISTINCT m.id) FILTER (WHERE m."deliveredAt" IS NOT NULL AND m."deliveredAt" <= $3)::int AS delivered,
              count(DISTINCT m.id) FILTER (WHERE m."openedAt" IS NOT NULL AND m."openedAt" <= $3)::int AS opened,
              count(DISTINCT m.id) FILTER (WHERE m."clickedAt" IS NOT NULL AND m."clickedAt" <= $3)::int AS clicked,
              count(DISTINCT a.person) FILTER (WHERE me.type = 'unsubscribed')::int AS unsubscribed,
              count(DISTINCT a.person) FILTER (WHERE me.type = 'bounced' OR m.status = 'BOUNCED')::int AS bounced,
              count(DISTINCT a.person) FILTER (WHERE me.type = 'complained')::int AS complained
         FROM assigned a
         JOIN "Message" m ON m."enrollmentId" = a."enrollmentId" AND m."journeyId" = $1 AND m."createdAt" >= a."assignedAt" AND m."createdAt" <= $3
         LEFT JOIN "MessageEvent" me ON me."messageId" = m.id AND me.type IN ('unsubscribed', 'bounced', 'complained') AND me.at <= $3
        GROUP BY 1`,
    [key.journeyId, key.nodeId, key.now],
  );
}
