import { z } from "zod";
import { execute, type Queryable, selectRows } from "../../db/sql";

/** The SQL of what ingested events do to journeys (lib/engine/process-events.ts decides what they do). */

const StoredEventRow = z.object({
  // bigint id, as text (the SQL casts it)
  id: z.string(),
  name: z.string(),
  profileId: z.string(),
  // jsonb, an object (the column defaults to {} and ingestion stores objects)
  properties: z.record(z.string(), z.unknown()),
  timestamp: z.date(),
  // context.locale, for the messages the event triggers (lib/content/locales)
  locale: z.string().nullable(),
});
export type StoredEvent = z.infer<typeof StoredEventRow>;

/** These named events of the workspace, in the order they were stored, each of the person they are of now. */
export async function selectNamedEvents(q: Queryable, workspaceId: string, eventIds: string[]): Promise<StoredEvent[]> {
  return selectRows(
    q,
    StoredEventRow,
    `SELECT ev.id::text, ev.name, COALESCE(p."mergedIntoId", ev."profileId") AS "profileId", ev.properties, ev.timestamp,
              left(ev.context->>'locale', 64) AS locale
         FROM "Event" ev JOIN "Profile" p ON p.id = ev."profileId"
        WHERE ev."workspaceId" = $1 AND ev.id = ANY($2::bigint[]) AND ev.name IS NOT NULL ORDER BY ev.id`,
    [workspaceId, eventIds],
  );
}

const PublishedJourneyRow = z.object({ id: z.string(), liveVersionId: z.string(), status: z.string() });

/** The workspace's live and paused journeys, each with its live version. */
export async function selectLiveOrPausedJourneys(
  q: Queryable,
  workspaceId: string,
): Promise<z.infer<typeof PublishedJourneyRow>[]> {
  return selectRows(
    q,
    PublishedJourneyRow,
    `SELECT id, "liveVersionId", status::text FROM "Journey" WHERE "workspaceId" = $1 AND "liveVersionId" IS NOT NULL AND status IN ('LIVE', 'PAUSED')`,
    [workspaceId],
  );
}

// The split assignments of an enrollment, as epoch milliseconds (a float8[] parses the same on every driver).
const ASSIGNED_AT = `COALESCE((SELECT array_agg(extract(epoch FROM sa."assignedAt") * 1000) FROM "SplitAssignment" sa WHERE sa."enrollmentId" = e.id), '{}')::float8[] AS "assignedAt"`;

const EventEnrollmentRow = z.object({
  id: z.string(),
  journeyId: z.string(),
  journeyVersionId: z.string(),
  profileId: z.string(),
  status: z.string(),
  enteredAt: z.date(),
  /** when the enrollment was assigned at each A/B split it passed, epoch ms */
  assignedAt: z.array(z.number()),
  waitEventName: z.string().nullable(),
  waitMatchProperty: z.string().nullable(),
  waitMatchValue: z.string().nullable(),
});
export type EventEnrollment = z.infer<typeof EventEnrollmentRow>;

/**
 * The open (active or waiting) enrollments of these people, oldest entry first, locked FOR UPDATE. One index probe
 * per person (LATERAL, locked inside, in person order): with `profileId = ANY(…)` a planner without statistics for
 * the table (a new database's first minute) scanned every open enrollment of the workspace instead, 24 ms at
 * 25,000 of them, growing with the table.
 */
export async function selectOpenEnrollmentsForUpdate(
  q: Queryable,
  workspaceId: string,
  profileIds: string[],
): Promise<EventEnrollment[]> {
  return selectRows(
    q,
    EventEnrollmentRow,
    `SELECT e.id, e."journeyId", e."journeyVersionId", e."profileId", e.status::text, e."enteredAt", ${ASSIGNED_AT},
              e."waitEventName", e."waitMatchProperty", e."waitMatchValue"
         FROM unnest($2::uuid[]) AS person(id)
         CROSS JOIN LATERAL (
           SELECT * FROM "Enrollment" e
            WHERE e."workspaceId" = $1 AND e."profileId" = person.id AND e.status IN ('ACTIVE', 'WAITING') FOR UPDATE) e
        ORDER BY e."enteredAt"`,
    [workspaceId, [...profileIds].sort()],
  );
}

/**
 * These people's completed or exited enrollments that have not converted and entered, or were assigned at a split,
 * at or after `since` (someone assigned after a long delay has the window from then).
 */
export async function selectEndedWithoutConversion(
  q: Queryable,
  workspaceId: string,
  profileIds: string[],
  since: Date,
): Promise<EventEnrollment[]> {
  return selectRows(
    q,
    EventEnrollmentRow,
    `SELECT e.id, e."journeyId", e."journeyVersionId", e."profileId", e.status::text, e."enteredAt", ${ASSIGNED_AT},
            NULL AS "waitEventName", NULL AS "waitMatchProperty", NULL AS "waitMatchValue"
       FROM "Enrollment" e
      WHERE e."workspaceId" = $1 AND e."profileId" = ANY($2::uuid[]) AND e.status IN ('COMPLETED', 'EXITED')
        AND (e."enteredAt" >= $3 OR EXISTS (SELECT 1 FROM "SplitAssignment" s WHERE s."enrollmentId" = e.id AND s."assignedAt" >= $3))
        AND NOT EXISTS (SELECT 1 FROM "Conversion" c WHERE c."enrollmentId" = e.id)`,
    [workspaceId, profileIds, since],
  );
}

/**
 * A waiting enrollment resumes through "arrived": ACTIVE again, due at `leaseUntil`, and the step it waited at
 * notes the event that arrived.
 */
export async function resumeOnArrivedEvent(
  q: Queryable,
  enrollmentId: string,
  eventId: string,
  leaseUntil: Date,
  now: Date,
): Promise<void> {
  await execute(
    q,
    `UPDATE "Enrollment" SET status = 'ACTIVE', "pendingExit" = 'arrived', "waitEventName" = NULL, "waitMatchProperty" = NULL,
                "waitMatchValue" = NULL, "wakeAt" = $2, "updatedAt" = $3 WHERE id = $1 AND status = 'WAITING'`,
    [enrollmentId, leaseUntil, now],
  );
  await execute(
    q,
    `UPDATE "EnrollmentStep" s SET inputs = s.inputs || jsonb_build_object('arrivedEventId', $2::text) FROM "Enrollment" e
              WHERE e.id = $1 AND s."enrollmentId" = e.id AND s."nodeId" = e."currentNodeId" AND s."leftAt" IS NULL`,
    [enrollmentId, eventId],
  );
}

export interface NewConversion {
  enrollmentId: string;
  workspaceId: string;
  journeyId: string;
  profileId: string;
  eventId: string;
  eventName: string;
  convertedAt: Date;
  /** decimal text (lib/analytics/revenue.ts), rounded to 4 places by the SQL */
  revenue: string | null;
}

/**
 * The Conversion row, attributed to the last message the person was sent in this journey at or before the
 * conversion (Message(workspaceId, profileId, createdAt): a person's few messages). An enrollment converts once:
 * returns whether this inserted it.
 */
export async function insertConversion(q: Queryable, c: NewConversion): Promise<boolean> {
  const inserted = await execute(
    q,
    `INSERT INTO "Conversion" ("enrollmentId", "workspaceId", "journeyId", "profileId", "eventId", "eventName", "convertedAt", revenue, "messageId")
     VALUES ($1, $2, $3, $4, $5, $6, $7, round($8::numeric, 4),
             (SELECT m.id FROM "Message" m
               WHERE m."workspaceId" = $2 AND m."profileId" = $4 AND m."journeyId" = $3 AND m."sentAt" IS NOT NULL AND m."sentAt" <= $7
               ORDER BY m."sentAt" DESC, m.id DESC LIMIT 1))
     ON CONFLICT DO NOTHING`,
    [c.enrollmentId, c.workspaceId, c.journeyId, c.profileId, c.eventId, c.eventName, c.convertedAt, c.revenue],
  );
  return inserted > 0;
}

/** The goal step a converted enrollment is shown at (once), and the enrollment placed on it. */
export async function insertGoalStep(
  q: Queryable,
  step: { enrollmentId: string; journeyId: string; nodeId: string; at: Date; inputs: unknown; outcome: string },
): Promise<void> {
  await execute(
    q,
    `INSERT INTO "EnrollmentStep" ("enrollmentId", "journeyId", "nodeId", "nodeType", visit, "enteredAt", "leftAt", inputs, outcome)
       VALUES ($1, $2, $3, 'goal', 1, $4, $4, $5::jsonb, $6) ON CONFLICT DO NOTHING`,
    [step.enrollmentId, step.journeyId, step.nodeId, step.at, JSON.stringify(step.inputs), step.outcome],
  );
  await execute(q, `UPDATE "Enrollment" SET "currentNodeId" = $2 WHERE id = $1`, [step.enrollmentId, step.nodeId]);
}
