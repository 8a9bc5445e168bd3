import type pg from "pg";
import { withTransaction } from "../db/pool";
import { ACTIVE_LEASE_MS, endEnrollment } from "./walk-batch";
import { enroll, type EntryCandidate } from "./enroll";
import { loadVersions, type CompiledVersion } from "./graphs";
import { config, decideOnEvent } from "./interpreter";
import { compare, valueAt } from "./rules";
import { convertsFromAssignment, convertsFromEntry, experimentGoalEvents } from "../experiments/attribution";
import type { TNode } from "../journeys/graph";
import { revenueOf } from "../analytics/revenue";

/**
 * What ingested events do to journeys, in the order they were stored, in one transaction:
 *   1. exit events remove people from journeys that list them;
 *   2. goal events convert people (a goal step's event, or the journey's goal within its attribution
 *      window from entry) and end their journey; people who already left still convert within the window;
 *      people assigned at an A/B split also convert within the window from their assignment, in the
 *      journey or out of it (lib/experiments/attribution.ts: the experiment's window, holdout included);
 *      (or, when the journey goal lets people continue, record the conversion and leave them where they are);
 *   3. people waiting for this event (same profile, same name, same match value: an indexed lookup)
 *      resume through "arrived", also when it converted them under a goal that lets people continue;
 *      the precedence of 1–3 for one person is decideOnEvent's (lib/engine/interpreter.ts);
 *   4. live journeys triggered by this event enroll the person (filters, re-entry rules).
 * Everything is guarded by the enrollment's status and unique keys, so processing the same events again
 * changes nothing. Returns the enrollments to advance now.
 */

interface StoredEvent {
  id: string;
  name: string;
  profileId: string;
  properties: Record<string, unknown>;
  timestamp: Date;
}

interface OpenEnrollment {
  id: string;
  journeyId: string;
  journeyVersionId: string;
  profileId: string;
  status: string;
  enteredAt: Date;
  /** when the enrollment was assigned at each A/B split it passed (epoch ms from SQL, or Dates) */
  assignedAt: (Date | number)[];
  waitEventName: string | null;
  waitMatchProperty: string | null;
  waitMatchValue: string | null;
}

export interface ProcessResult {
  advance: string[];
  enrolled: number;
  resumed: number;
  exited: number;
  converted: number;
}

const ATTRIBUTION_LOOKBACK_MS = 90 * 86_400_000;

function goalNodeFor(version: CompiledVersion, eventName: string): TNode | undefined {
  return version.graph.nodes.find(
    (n) => n.type === "goal" && (n.config as { eventName?: string }).eventName === eventName,
  );
}

/** Does this event convert someone still in the journey? A goal step's event always does. */
function convertsWhileIn(version: CompiledVersion, event: StoredEvent, enrollment: OpenEnrollment): boolean {
  if (goalNodeFor(version, event.name)) return true;
  return withinAttribution(version, event, enrollment);
}

/**
 * Within the goal's window from entry (the journey's own attribution), or within the window from one of
 * the enrollment's split assignments (the experiment's, which the analysis counts from the assignment).
 */
function withinAttribution(version: CompiledVersion, event: StoredEvent, enrollment: OpenEnrollment): boolean {
  if (convertsFromEntry(version.graph, event, enrollment.enteredAt)) return true;
  return convertsFromAssignment(
    version.graph,
    event,
    enrollment.assignedAt.map((at) => new Date(at)),
  );
}

// The split assignments of an enrollment, as epoch milliseconds (a float8[] parses the same on every driver).
const ASSIGNED_AT = `COALESCE((SELECT array_agg(extract(epoch FROM sa."assignedAt") * 1000) FROM "SplitAssignment" sa WHERE sa."enrollmentId" = e.id), '{}')::float8[] AS "assignedAt"`;

function sameValue(actual: unknown, expectedJson: string): boolean {
  if (actual === undefined) return false;
  return JSON.stringify(actual) === expectedJson || compare(actual, "equals", JSON.parse(expectedJson));
}

export async function processIngestedEvents(
  workspaceId: string,
  eventIds: string[],
  now: Date,
): Promise<ProcessResult> {
  const result: ProcessResult = { advance: [], enrolled: 0, resumed: 0, exited: 0, converted: 0 };
  if (!eventIds.length) return result;
  return withTransaction(async (client) => {
    const { rows: events } = await client.query<StoredEvent>(
      `SELECT ev.id::text, ev.name, COALESCE(p."mergedIntoId", ev."profileId") AS "profileId", ev.properties, ev.timestamp
         FROM "Event" ev JOIN "Profile" p ON p.id = ev."profileId"
        WHERE ev."workspaceId" = $1 AND ev.id = ANY($2::bigint[]) AND ev.name IS NOT NULL ORDER BY ev.id`,
      [workspaceId, eventIds],
    );
    if (!events.length) return result;
    const profileIds = [...new Set(events.map((e) => e.profileId))];

    const { rows: journeys } = await client.query<{ id: string; liveVersionId: string; status: string }>(
      `SELECT id, "liveVersionId", status::text FROM "Journey" WHERE "workspaceId" = $1 AND "liveVersionId" IS NOT NULL AND status IN ('LIVE', 'PAUSED')`,
      [workspaceId],
    );
    // Locked: an advance running now for one of these people finishes before we decide about them. One index
    // probe per person (LATERAL, locked inside, in person order): with `profileId = ANY(…)` a planner without
    // statistics for the table (a new database's first minute) scanned every open enrollment of the workspace
    // instead, 24 ms at 25,000 of them, growing with the table.
    const { rows: open } = await client.query<OpenEnrollment>(
      `SELECT e.id, e."journeyId", e."journeyVersionId", e."profileId", e.status::text, e."enteredAt", ${ASSIGNED_AT},
              e."waitEventName", e."waitMatchProperty", e."waitMatchValue"
         FROM unnest($2::uuid[]) AS person(id)
         CROSS JOIN LATERAL (
           SELECT * FROM "Enrollment" e
            WHERE e."workspaceId" = $1 AND e."profileId" = person.id AND e.status IN ('ACTIVE', 'WAITING') FOR UPDATE) e
        ORDER BY e."enteredAt"`,
      [workspaceId, [...profileIds].sort()],
    );
    const versions = await loadVersions(client, [
      ...journeys.map((j) => j.liveVersionId),
      ...open.map((e) => e.journeyVersionId),
    ]);

    // People who already left a journey still convert within its attribution window (and, when they
    // were assigned at a split, on any goal event within the window from the assignment): find those
    // enrollments only when an event is one of some journey's goal events.
    const goalNames = new Set([...versions.values()].flatMap((v) => experimentGoalEvents(v.graph)));
    const ended = events.some((e) => goalNames.has(e.name))
      ? await endedWithoutConversion(client, workspaceId, profileIds, now)
      : [];
    if (ended.length)
      for (const [id, v] of await loadVersions(
        client,
        ended.map((e) => e.journeyVersionId),
      ))
        versions.set(id, v);

    const openByProfile = groupBy(open, (e) => e.profileId);
    const endedByProfile = groupBy(ended, (e) => e.profileId);
    const resumed = new Set<string>();
    const candidates: EntryCandidate[] = [];

    for (const event of events) {
      for (const enrollment of openByProfile.get(event.profileId) ?? []) {
        if (enrollment.status === "DONE") continue;
        const version = versions.get(enrollment.journeyVersionId)!;
        const awaited =
          enrollment.status === "WAITING" &&
          enrollment.waitEventName === event.name &&
          (enrollment.waitMatchProperty === null ||
            sameValue(valueAt(event.properties, enrollment.waitMatchProperty), enrollment.waitMatchValue!));
        // Which wins when the event is at once an exit, a goal and the awaited one: decideOnEvent (interpreter.ts).
        const effect = decideOnEvent(version.graph, {
          name: event.name,
          converts: convertsWhileIn(version, event, enrollment),
          awaited,
        });
        if (effect.kind === "exit") {
          await endEnrollment(client, enrollment.id, "EXITED", `Exit event ${event.name}`, now);
          enrollment.status = "DONE";
          resumed.delete(enrollment.id);
          result.exited++;
          continue;
        }
        if (effect.kind === "convert" && effect.then === "end") {
          await convert(client, workspaceId, enrollment, version, event, now);
          enrollment.status = "DONE";
          resumed.delete(enrollment.id);
          result.converted++;
          continue;
        }
        if (effect.kind === "convert") {
          // The goal lets people continue: the conversion is recorded (once per enrollment) and they go on.
          if (await recordConversion(client, workspaceId, enrollment, version, event)) result.converted++;
        }
        if (effect.kind === "arrived" || (effect.kind === "convert" && effect.then === "arrived")) {
          await client.query(
            `UPDATE "Enrollment" SET status = 'ACTIVE', "pendingExit" = 'arrived', "waitEventName" = NULL, "waitMatchProperty" = NULL,
                "waitMatchValue" = NULL, "wakeAt" = $2, "updatedAt" = $3 WHERE id = $1 AND status = 'WAITING'`,
            [enrollment.id, new Date(now.getTime() + ACTIVE_LEASE_MS), now],
          );
          await client.query(
            `UPDATE "EnrollmentStep" s SET inputs = s.inputs || jsonb_build_object('arrivedEventId', $2::text) FROM "Enrollment" e
              WHERE e.id = $1 AND s."enrollmentId" = e.id AND s."nodeId" = e."currentNodeId" AND s."leftAt" IS NULL`,
            [enrollment.id, event.id],
          );
          enrollment.status = "ACTIVE";
          resumed.add(enrollment.id);
          result.resumed++;
        }
      }
      for (const enrollment of endedByProfile.get(event.profileId) ?? []) {
        if (enrollment.status === "DONE") continue;
        const version = versions.get(enrollment.journeyVersionId)!;
        if (withinAttribution(version, event, enrollment)) {
          await recordConversion(client, workspaceId, enrollment, version, event);
          enrollment.status = "DONE";
          result.converted++;
        }
      }
      for (const journey of journeys) {
        if (journey.status !== "LIVE") continue;
        const version = versions.get(journey.liveVersionId)!;
        const trigger = version.trigger;
        if (trigger.type !== "trigger.event") continue;
        const c = config(trigger as TNode & { type: "trigger.event" });
        if (c.eventName !== event.name) continue;
        if (!c.filters.every((f) => compare(valueAt(event.properties, f.property), f.operator, f.value))) continue;
        candidates.push({
          workspaceId,
          journeyId: journey.id,
          journeyVersionId: version.id,
          triggerNodeId: trigger.id,
          triggerNodeType: trigger.type,
          profileId: event.profileId,
          entryKey: `event:${event.id}`,
          trigger: {
            eventId: event.id,
            name: event.name,
            properties: event.properties,
            timestamp: event.timestamp.toISOString(),
          },
          reentry: version.graph.settings.reentry,
        });
      }
    }
    const { enrolled } = await enroll(client, candidates, now);
    result.enrolled = enrolled.length;
    result.advance = [...resumed, ...enrolled];
    return result;
  });
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

async function endedWithoutConversion(
  client: pg.ClientBase,
  workspaceId: string,
  profileIds: string[],
  now: Date,
): Promise<OpenEnrollment[]> {
  // Recent by entry, or by a split assignment (someone assigned after a long delay has the window from then).
  const { rows } = await client.query<OpenEnrollment>(
    `SELECT e.id, e."journeyId", e."journeyVersionId", e."profileId", e.status::text, e."enteredAt", ${ASSIGNED_AT},
            NULL AS "waitEventName", NULL AS "waitMatchProperty", NULL AS "waitMatchValue"
       FROM "Enrollment" e
      WHERE e."workspaceId" = $1 AND e."profileId" = ANY($2::uuid[]) AND e.status IN ('COMPLETED', 'EXITED')
        AND (e."enteredAt" >= $3 OR EXISTS (SELECT 1 FROM "SplitAssignment" s WHERE s."enrollmentId" = e.id AND s."assignedAt" >= $3))
        AND NOT EXISTS (SELECT 1 FROM "Conversion" c WHERE c."enrollmentId" = e.id)`,
    [workspaceId, profileIds, new Date(now.getTime() - ATTRIBUTION_LOOKBACK_MS)],
  );
  return rows;
}

/**
 * The Conversion row, with the order's value (the version's goal.revenueProperty of the converting event,
 * lib/analytics/revenue.ts) and the message it is attributed to: the last one the person was sent in this
 * journey at or before the conversion (Message(workspaceId, profileId, createdAt): a person's few messages).
 */
async function recordConversion(
  client: pg.ClientBase,
  workspaceId: string,
  enrollment: OpenEnrollment,
  version: CompiledVersion,
  event: StoredEvent,
): Promise<boolean> {
  const { rowCount } = await client.query(
    `INSERT INTO "Conversion" ("enrollmentId", "workspaceId", "journeyId", "profileId", "eventId", "eventName", "convertedAt", revenue, "messageId")
     VALUES ($1, $2, $3, $4, $5, $6, $7, round($8::numeric, 4),
             (SELECT m.id FROM "Message" m
               WHERE m."workspaceId" = $2 AND m."profileId" = $4 AND m."journeyId" = $3 AND m."sentAt" IS NOT NULL AND m."sentAt" <= $7
               ORDER BY m."sentAt" DESC, m.id DESC LIMIT 1))
     ON CONFLICT DO NOTHING`,
    [
      enrollment.id,
      workspaceId,
      enrollment.journeyId,
      enrollment.profileId,
      event.id,
      event.name,
      event.timestamp,
      revenueOf(event.properties, version.graph.settings.goal?.revenueProperty),
    ],
  );
  return (rowCount ?? 0) > 0;
}

async function convert(
  client: pg.ClientBase,
  workspaceId: string,
  enrollment: OpenEnrollment,
  version: CompiledVersion,
  event: StoredEvent,
  now: Date,
): Promise<void> {
  await recordConversion(client, workspaceId, enrollment, version, event);
  await endEnrollment(client, enrollment.id, "CONVERTED", `Converted: ${event.name}`, now);
  // Shown on the goal step when the journey has one, so the canvas counts and the trace agree.
  const goal = goalNodeFor(version, event.name) ?? version.graph.nodes.find((n) => n.type === "goal");
  if (goal) {
    await client.query(
      `INSERT INTO "EnrollmentStep" ("enrollmentId", "journeyId", "nodeId", "nodeType", visit, "enteredAt", "leftAt", inputs, outcome)
       VALUES ($1, $2, $3, 'goal', 1, $4, $4, $5::jsonb, $6) ON CONFLICT DO NOTHING`,
      [
        enrollment.id,
        enrollment.journeyId,
        goal.id,
        now,
        JSON.stringify({ eventId: event.id, eventName: event.name }),
        `Converted: ${event.name}`,
      ],
    );
    await client.query(`UPDATE "Enrollment" SET "currentNodeId" = $2 WHERE id = $1`, [enrollment.id, goal.id]);
  }
}
