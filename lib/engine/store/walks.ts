import { z } from "zod";
import { execute, type Queryable, selectRow, selectRows } from "../../db/sql";
import type { Person, TriggerInfo } from "../interpreter";

/**
 * The SQL of a walk (lib/engine/walk-batch.ts decides; these statements read what a batch of walks needs and
 * write what it decided): every function runs inside the walk's transaction, `q` being its client.
 */

const isObject = (value: unknown) => typeof value === "object" && value !== null;

const WalkEnrollmentRow = z.object({
  id: z.string(),
  workspaceId: z.string(),
  journeyId: z.string(),
  journeyVersionId: z.string(),
  profileId: z.string(),
  status: z.string(),
  currentNodeId: z.string(),
  pendingExit: z.string().nullable(),
  // jsonb written by the entry (lib/engine/enroll.ts); the interpreter reads it as it was stored
  trigger: z.custom<TriggerInfo>(isObject),
  journeyStatus: z.string(),
  // json_build_object of the person's profile (after a merge, the profile merged into)
  person: z.custom<Person>(isObject),
});
export type WalkEnrollment = z.infer<typeof WalkEnrollmentRow>;

/**
 * The batch's enrollments, locked until the walk's transaction ends, with their journey's status and their
 * person. Locked in id order, so two batches that share enrollments cannot deadlock. Their people come in the
 * same statement: a profile merged into another (an anonymous visitor who signed up) continues as that person.
 */
export async function lockEnrollmentsForWalk(q: Queryable, enrollmentIds: string[]): Promise<WalkEnrollment[]> {
  return selectRows(
    q,
    WalkEnrollmentRow,
    `SELECT e.id, e."workspaceId", e."journeyId", e."journeyVersionId", e."profileId", e.status::text, e."currentNodeId",
              e."pendingExit", e.trigger, j.status::text AS "journeyStatus",
              json_build_object('profileId', p.id, 'userId', p."userId", 'email', p.email, 'phone', p.phone, 'timezone', p.timezone, 'traits', p.traits) AS person
         FROM "Enrollment" e JOIN "Journey" j ON j.id = e."journeyId"
         JOIN "Profile" r ON r.id = e."profileId" JOIN "Profile" p ON p.id = COALESCE(r."mergedIntoId", r.id)
        WHERE e.id = ANY($1::uuid[]) ORDER BY e.id FOR UPDATE OF e`,
    [enrollmentIds],
  );
}

const FoundRow = z.object({ found: z.boolean() });

/** Has the person done `eventName` by `now` (and since `since`, when given)? A condition's "has done X" fact. */
export async function selectPerformed(
  q: Queryable,
  workspaceId: string,
  profileId: string,
  eventName: string,
  now: Date,
  since: Date | null,
): Promise<boolean> {
  const row = await selectRow(
    q,
    FoundRow,
    `SELECT EXISTS (SELECT 1 FROM "Event" WHERE "workspaceId" = $1 AND "profileId" = $2 AND name = $3
         AND timestamp <= $4 AND ($5::timestamptz IS NULL OR timestamp >= $5)) AS found`,
    [workspaceId, profileId, eventName, now, since],
  );
  return row!.found;
}

const KeyRow = z.object({ key: z.string() });

/** "<profileId>:<segmentId>" for each of these people who is in one of these segments. */
export async function selectMembershipKeys(
  q: Queryable,
  profileIds: string[],
  segmentIds: string[],
): Promise<string[]> {
  const rows = await selectRows(
    q,
    KeyRow,
    `SELECT "profileId" || ':' || "segmentId" AS key FROM "SegmentMembership" WHERE "profileId" = ANY($1::uuid[]) AND "segmentId" = ANY($2::uuid[])`,
    [profileIds, segmentIds],
  );
  return rows.map((r) => r.key);
}

const PredictionScoreRow = z.object({
  profileId: z.string(),
  predictionId: z.string(),
  score: z.number(),
  tier: z.string(),
});

/** These people's current scores on these predictions (a journey's prediction rules), one query per walk batch. */
export function selectPredictionScoresOf(q: Queryable, profileIds: string[], predictionIds: string[]) {
  return selectRows(
    q,
    PredictionScoreRow,
    `SELECT "profileId", "predictionId", score, tier FROM "PredictionScore" WHERE "profileId" = ANY($1::uuid[]) AND "predictionId" = ANY($2::uuid[])`,
    [profileIds, predictionIds],
  );
}

const SplitWeightsRow = z.object({ journeyId: z.string(), nodeId: z.string(), weights: z.unknown() });

/** The weights experiments set for new assignments in these journeys' splits (lib/experiments/weights.ts). */
export async function selectSplitWeightOverrides(
  q: Queryable,
  journeyIds: string[],
): Promise<z.infer<typeof SplitWeightsRow>[]> {
  return selectRows(
    q,
    SplitWeightsRow,
    `SELECT "journeyId", "nodeId", weights FROM "Experiment" WHERE "journeyId" = ANY($1::uuid[]) AND weights IS NOT NULL`,
    [journeyIds],
  );
}

const HoldoutRow = z.object({ enrollmentId: z.string(), nodeId: z.string(), messaged: z.boolean() });

/** These enrollments' holdout assignments: the split, and whether a message or webhook step was already withheld. */
export async function selectHoldouts(q: Queryable, enrollmentIds: string[]): Promise<z.infer<typeof HoldoutRow>[]> {
  return selectRows(
    q,
    HoldoutRow,
    `SELECT "enrollmentId", "nodeId", "wouldHaveMessagedAt" IS NOT NULL AS messaged FROM "SplitAssignment" WHERE "enrollmentId" = ANY($1::uuid[]) AND "armId" = 'holdout'`,
    [enrollmentIds],
  );
}

const FinishedCallRow = z.object({
  enrollmentId: z.string(),
  nodeId: z.string(),
  visit: z.number(),
  status: z.string(),
  responseStatus: z.number().nullable(),
  error: z.string().nullable(),
});
export type FinishedWebhookCall = z.infer<typeof FinishedCallRow>;

/** The webhook calls of these enrollments that were made (succeeded or failed, not pending). */
export async function selectFinishedWebhookCalls(
  q: Queryable,
  enrollmentIds: string[],
): Promise<FinishedWebhookCall[]> {
  return selectRows(
    q,
    FinishedCallRow,
    `SELECT "enrollmentId", "nodeId", visit, status, "responseStatus", error FROM "WebhookCall" WHERE "enrollmentId" = ANY($1::uuid[]) AND status <> 'pending'`,
    [enrollmentIds],
  );
}

const TraitsRow = z.object({ traits: z.record(z.string(), z.unknown()) });

/** An update_profile step: `set` merged into the traits, `unset` removed; the traits as they are now (undefined: no such profile). */
export async function updateProfileTraits(
  q: Queryable,
  profileId: string,
  set: Record<string, unknown>,
  unset: string[],
  now: Date,
): Promise<Record<string, unknown> | undefined> {
  const row = await selectRow(
    q,
    TraitsRow,
    `UPDATE "Profile" SET traits = (traits || $2::jsonb) - $3::text[], "updatedAt" = $4 WHERE id = $1 RETURNING traits`,
    [profileId, JSON.stringify(set), unset, now],
  );
  return row?.traits;
}

/** A trace row a walk writes: an empty outcome and {} inputs mean "only the exit is new" on a row that exists. */
export interface StepWrite {
  enrollmentId: string;
  journeyId: string;
  nodeId: string;
  nodeType: string;
  leftAt: Date | null;
  exit: string | null;
  inputs: unknown;
  outcome: string;
}

export interface SplitWrite {
  enrollmentId: string;
  nodeId: string;
  journeyId: string;
  profileId: string;
  armId: string;
}

/** Where an enrollment is after its walk. */
export interface EnrollmentMove {
  enrollmentId: string;
  status: string;
  nodeId: string;
  wakeAt: Date | null;
  waitEventName: string | null;
  waitMatchProperty: string | null;
  /** JSON text of the value awaited, or null */
  waitMatchValue: string | null;
  endedAt: Date | null;
  endReason: string | null;
}

export interface MessageWrite {
  workspaceId: string;
  profileId: string;
  journeyId: string;
  journeyVersionId: string;
  enrollmentId: string;
  nodeId: string;
  channel: string;
  templateId: string;
  /** the step's subscription topic: delivery asks the person's choice, the unsubscribe link leaves only it */
  topicId: string | null;
  /** a best-time step's chosen moment (lib/send-time): delivery holds the message until then */
  sendAfter: Date | null;
  context: unknown;
}

const QueuedRow = z.object({ id: z.string(), enrollmentId: z.string() });

/**
 * One statement for all the walks' steps, messages, split assignments and where each enrollment now is (four
 * tables, none reading another's rows, so the CTEs' shared snapshot changes nothing).
 * - steps: on a row that exists, keep when it was entered and what was decided there unless this advance
 *   decided something (an empty outcome / {} inputs mean "only the exit is new");
 * - messages: the idempotency key makes a message exist once per (enrollment, node, visit); a repeated advance
 *   gets the same row back (DO UPDATE, a no-op, so RETURNING still answers with it).
 * Returns the messages' ids, each with its enrollment.
 */
export async function writeWalkRows(
  q: Queryable,
  visit: number,
  now: Date,
  rows: { steps: StepWrite[]; splits: SplitWrite[]; moves: EnrollmentMove[]; messages: MessageWrite[] },
): Promise<z.infer<typeof QueuedRow>[]> {
  const { steps, splits, moves, messages } = rows;
  return selectRows(
    q,
    QueuedRow,
    `WITH steps AS (
       INSERT INTO "EnrollmentStep" ("enrollmentId", "journeyId", "nodeId", "nodeType", visit, "enteredAt", "leftAt", exit, inputs, outcome)
       SELECT e, j, n, t, $1, $2, l, x, i::jsonb, o
         FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::timestamptz[], $8::text[], $9::text[], $10::text[]) AS u(e, j, n, t, l, x, i, o)
       ON CONFLICT ("enrollmentId", "nodeId", visit) DO UPDATE SET
         "leftAt" = COALESCE(EXCLUDED."leftAt", "EnrollmentStep"."leftAt"),
         exit = COALESCE(EXCLUDED.exit, "EnrollmentStep".exit),
         inputs = CASE WHEN EXCLUDED.inputs = '{}'::jsonb THEN "EnrollmentStep".inputs ELSE EXCLUDED.inputs END,
         outcome = CASE WHEN EXCLUDED.outcome = '' THEN "EnrollmentStep".outcome ELSE EXCLUDED.outcome END
     ), splits AS (
       INSERT INTO "SplitAssignment" ("enrollmentId", "nodeId", "journeyId", "profileId", "armId", "assignedAt")
       SELECT e, n, j, p, a, $2 FROM unnest($11::uuid[], $12::text[], $13::uuid[], $14::uuid[], $15::text[]) AS u(e, n, j, p, a) ON CONFLICT DO NOTHING
     ), moved AS (
       UPDATE "Enrollment" AS e SET status = u.s::"EnrollmentStatus", "currentNodeId" = u.n, "pendingExit" = NULL, "wakeAt" = u.w,
          "waitEventName" = u.en, "waitMatchProperty" = u.mp, "waitMatchValue" = u.mv, "updatedAt" = $2, "endedAt" = u.ea, "endReason" = u.r
         FROM unnest($16::uuid[], $17::text[], $18::text[], $19::timestamptz[], $20::text[], $21::text[], $22::text[], $23::timestamptz[], $24::text[])
           AS u(id, s, n, w, en, mp, mv, ea, r)
        WHERE e.id = u.id
     )
     INSERT INTO "Message" (id, "workspaceId", "profileId", "journeyId", "journeyVersionId", "enrollmentId", "nodeId", channel, "templateId", "topicId", "idempotencyKey", context, "sendAfter", "createdAt", "updatedAt")
     SELECT gen_random_uuid(), w, p, j, v, e, n, c, t, tp, e::text || ':' || n || ':' || $25::text, x::jsonb, sa, $2, $2
       FROM unnest($26::uuid[], $27::uuid[], $28::uuid[], $29::uuid[], $30::uuid[], $31::text[], $32::text[], $33::text[], $34::text[], $35::uuid[], $36::timestamptz[])
         AS u(w, p, j, v, e, n, c, t, x, tp, sa)
     ON CONFLICT ("idempotencyKey") DO UPDATE SET "idempotencyKey" = EXCLUDED."idempotencyKey" RETURNING id, "enrollmentId"`,
    [
      visit,
      now,
      steps.map((s) => s.enrollmentId),
      steps.map((s) => s.journeyId),
      steps.map((s) => s.nodeId),
      steps.map((s) => s.nodeType),
      steps.map((s) => s.leftAt),
      steps.map((s) => s.exit),
      steps.map((s) => JSON.stringify(s.inputs ?? {})),
      steps.map((s) => s.outcome),
      splits.map((s) => s.enrollmentId),
      splits.map((s) => s.nodeId),
      splits.map((s) => s.journeyId),
      splits.map((s) => s.profileId),
      splits.map((s) => s.armId),
      moves.map((m) => m.enrollmentId),
      moves.map((m) => m.status),
      moves.map((m) => m.nodeId),
      moves.map((m) => m.wakeAt),
      moves.map((m) => m.waitEventName),
      moves.map((m) => m.waitMatchProperty),
      moves.map((m) => m.waitMatchValue),
      moves.map((m) => m.endedAt),
      moves.map((m) => m.endReason),
      String(visit),
      messages.map((m) => m.workspaceId),
      messages.map((m) => m.profileId),
      messages.map((m) => m.journeyId),
      messages.map((m) => m.journeyVersionId),
      messages.map((m) => m.enrollmentId),
      messages.map((m) => m.nodeId),
      messages.map((m) => m.channel),
      messages.map((m) => m.templateId),
      messages.map((m) => JSON.stringify(m.context)),
      messages.map((m) => m.topicId),
      messages.map((m) => m.sendAfter),
    ],
  );
}

/** Held-out people's first withheld message or webhook: IS NULL keeps the first time, whatever runs again. */
export async function markWouldHaveMessaged(
  q: Queryable,
  now: Date,
  assignments: { enrollmentId: string; nodeId: string }[],
): Promise<void> {
  await execute(
    q,
    `UPDATE "SplitAssignment" s SET "wouldHaveMessagedAt" = $1 FROM unnest($2::uuid[], $3::text[]) AS u(e, n)
        WHERE s."enrollmentId" = u.e AND s."nodeId" = u.n AND s."wouldHaveMessagedAt" IS NULL`,
    [now, assignments.map((a) => a.enrollmentId), assignments.map((a) => a.nodeId)],
  );
}

/** The step the person was on is left now, with `exit` unless it has one. */
export async function leaveCurrentStep(q: Queryable, enrollmentId: string, now: Date, exit: string): Promise<void> {
  await execute(
    q,
    `UPDATE "EnrollmentStep" s SET "leftAt" = $2, exit = COALESCE(s.exit, $3) FROM "Enrollment" e
      WHERE e.id = $1 AND s."enrollmentId" = e.id AND s."nodeId" = e."currentNodeId" AND s."leftAt" IS NULL`,
    [enrollmentId, now, exit],
  );
}

/** The enrollment ends with `status`: nothing pending, nothing awaited. */
export async function markEnrollmentEnded(
  q: Queryable,
  enrollmentId: string,
  status: "EXITED" | "CONVERTED" | "COMPLETED",
  reason: string,
  now: Date,
): Promise<void> {
  await execute(
    q,
    `UPDATE "Enrollment" SET status = $2::"EnrollmentStatus", "pendingExit" = NULL, "wakeAt" = NULL, "waitEventName" = NULL,
        "waitMatchProperty" = NULL, "waitMatchValue" = NULL, "updatedAt" = $3, "endedAt" = $3, "endReason" = $4 WHERE id = $1`,
    [enrollmentId, status, now, reason],
  );
}
