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
import {
  type EventEnrollment as OpenEnrollment,
  insertConversion,
  insertGoalStep,
  resumeOnArrivedEvent,
  selectEndedWithoutConversion,
  selectLiveOrPausedJourneys,
  selectNamedEvents,
  selectOpenEnrollmentsForUpdate,
  type StoredEvent,
} from "./store/event-effects";

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
    const events = await selectNamedEvents(client, workspaceId, eventIds);
    if (!events.length) return result;
    const profileIds = [...new Set(events.map((e) => e.profileId))];

    const journeys = await selectLiveOrPausedJourneys(client, workspaceId);
    // Locked: an advance running now for one of these people finishes before we decide about them.
    const open = await selectOpenEnrollmentsForUpdate(client, workspaceId, profileIds);
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
          await resumeOnArrivedEvent(client, enrollment.id, event.id, new Date(now.getTime() + ACTIVE_LEASE_MS), now);
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
            ...(event.locale ? { locale: event.locale } : {}),
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
  return selectEndedWithoutConversion(
    client,
    workspaceId,
    profileIds,
    new Date(now.getTime() - ATTRIBUTION_LOOKBACK_MS),
  );
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
  return insertConversion(client, {
    enrollmentId: enrollment.id,
    workspaceId,
    journeyId: enrollment.journeyId,
    profileId: enrollment.profileId,
    eventId: event.id,
    eventName: event.name,
    convertedAt: event.timestamp,
    revenue: revenueOf(event.properties, version.graph.settings.goal?.revenueProperty),
  });
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
    await insertGoalStep(client, {
      enrollmentId: enrollment.id,
      journeyId: enrollment.journeyId,
      nodeId: goal.id,
      at: now,
      inputs: { eventId: event.id, eventName: event.name },
      outcome: `Converted: ${event.name}`,
    });
  }
}
