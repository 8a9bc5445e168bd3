import type pg from "pg";
import { pgPool, withTransaction } from "../db/pool";
import { enroll, type EntryCandidate } from "./enroll";
import { loadVersions, type CompiledVersion } from "./graphs";
import { dueOccurrences, type TScheduleTrigger } from "./schedule";
import {
  hasFiredOccurrence,
  insertScheduleAuditEntry,
  lockOccurrence,
  selectJourneyStateForShare,
  selectLastFiredOccurrence,
  selectLiveJourneysWithNames,
  selectSegmentMembersAfter,
  selectTriggerSegment,
  selectVersionHistory,
} from "./store/schedules";
import { localParts } from "./time";

/**
 * Schedule triggers start journeys: at each occurrence of a live journey's `trigger.schedule` (lib/engine/
 * schedule.ts), everyone who is then a member of the trigger's segment enters, under the journey's re-entry rule.
 *
 * Exactly once per person and occurrence. Each entry's key is `schedule:<nodeId>:<occurrence ISO>:<profileId>`
 * (entry keys are unique per journey, so the person is part of the key): a re-run, two runs racing, or a run
 * that crashed half-way and starts the occurrence over enroll nobody twice.
 *
 * "Already fired", without a table of its own. Entry keys alone cannot say it: an occurrence that enrolled
 * nobody (an empty segment, or everyone turned away by a "once" re-entry rule, which is the normal case for a
 * recurring schedule after its first run) leaves no entry, so it would look unfired at every tick, rescanning the
 * whole segment each minute and enrolling anyone who joins the segment hours late. Journey has no JSON column of
 * its own besides the draft (the marketer's, overwritten on every save) and versions are immutable, so the record
 * is an audit entry, `journey.schedule_fired` on the journey, with the occurrence in its metadata, written in the
 * transaction of the occurrence's last batch. It is also what an admin wants to read there: when the schedule ran
 * and how many people it enrolled. Its createdAt is the firing time, never before the occurrence, so the lookup
 * reads the workspace's audit rows by its (workspaceId, createdAt) index from the schedule's start on; a
 * per-process memo of what fired skips even that at the ticks between occurrences.
 *
 * Which occurrences count. Only those after the schedule went live: the publication of the earliest of the
 * unbroken run of versions, up to the live one, whose schedule and time zone are the live one's. Publishing other
 * edits leaves the schedule alone; changing the schedule starts it afresh from that moment, and a time already in
 * the past when it was published never fires. Of the occurrences since the later of that moment and the last one
 * fired, only the latest fires (a long outage or pause fires once, not a flood), and only while the journey is
 * live: a paused journey's occurrences wait for it to resume.
 */

export const SCHEDULE_FIRED = "journey.schedule_fired";
const ZERO_UUID = "00000000-0000-0000-0000-000000000000";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const SCHEDULE_BATCH = 1_000;
const ALREADY_FIRED = "already fired";
export const WAITING_FOR_SEGMENT = "waiting for the segment to be computed";
export const RECOMPUTE_WAIT_MS = 30 * 60_000;

/** An occurrence to fire: plain JSON, so it can travel between Inngest steps. */
export interface DueSchedule {
  workspaceId: string;
  journeyId: string;
  journeyName: string;
  nodeId: string;
  segmentId: string;
  timezone: string;
  /** ISO instant of the occurrence */
  occurrence: string;
  /** earlier occurrences since the last run that are not fired (see lib/engine/schedule.ts) */
  skipped: number;
  /** when the schedule went live (ISO) */
  since: string;
  /** where to start: the beginning, or where an earlier run in this process stopped (see progressMemo) */
  resume: ScheduleCursor;
}

/** Where a firing is: members after `after` (a profile id) are next; totals so far, for the audit entry. */
export interface ScheduleCursor {
  after: string;
  enrolled: number;
  refused: number;
}

export const startCursor = (): ScheduleCursor => ({ after: ZERO_UUID, enrolled: 0, refused: 0 });

export interface ScheduleBatchResult {
  /** enrollments made by this batch, to walk to their next wait */
  enrolled: string[];
  /** the next batch's cursor, or null when the occurrence is done (fired, or no longer to fire) */
  next: ScheduleCursor | null;
  /** why the firing stopped without finishing, when it did */
  stopped?: string;
}

/** What fired, per journey: the schedule's start it was computed for and the latest occurrence fired since. */
const firedMemo = new Map<string, { since: number; through: number }>();
/**
 * How far an unfinished occurrence got, per "journeyId:occurrence", after each committed batch: a run that ends
 * before the segment does (Inngest caps steps per run) is taken up from there by the next, instead of starting over.
 * Starting over is correct too (entry keys), just slower, and is what happens after a restart.
 */
const progressMemo = new Map<string, ScheduleCursor>();
const progressKey = (due: Pick<DueSchedule, "journeyId" | "occurrence">) => `${due.journeyId}:${due.occurrence}`;

function scheduleOf(version: CompiledVersion): TScheduleTrigger | null {
  return version.trigger.type === "trigger.schedule" ? (version.trigger.config as TScheduleTrigger) : null;
}

const sameSchedule = (a: TScheduleTrigger, b: TScheduleTrigger) =>
  JSON.stringify([a.schedule, a.timezone]) === JSON.stringify([b.schedule, b.timezone]);

/**
 * The occurrences to fire now, at most one per live journey with a schedule trigger; of one workspace only when
 * asked (tests share a database).
 */
export async function findDueSchedules(now: Date, options: { workspaceId?: string } = {}): Promise<DueSchedule[]> {
  const client = await pgPool().connect();
  try {
    const journeys = await selectLiveJourneysWithNames(client, options.workspaceId ?? null);
    const live = await loadVersions(
      client,
      journeys.map((j) => j.liveVersionId),
    );
    const scheduled = journeys.filter((j) => {
      const v = live.get(j.liveVersionId);
      return v && scheduleOf(v);
    });
    if (!scheduled.length) return [];
    const since = await scheduleStarts(
      client,
      scheduled.map((j) => ({ journeyId: j.id, liveVersionId: j.liveVersionId })),
    );
    const due: DueSchedule[] = [];
    for (const j of scheduled) {
      const version = live.get(j.liveVersionId)!;
      const trigger = scheduleOf(version)!;
      const start = since.get(j.id)!;
      const candidate = dueOccurrences(trigger, { after: start, now });
      if (!candidate.due) continue;
      const memo = firedMemo.get(j.id);
      if (memo?.since === start.getTime() && memo.through >= candidate.due.getTime()) continue;
      const fired = await lastFired(client, j.workspaceId, j.id, start);
      if (fired) firedMemo.set(j.id, { since: start.getTime(), through: fired.getTime() });
      const window = fired && fired > start ? dueOccurrences(trigger, { after: fired, now }) : candidate;
      if (!window.due) continue;
      due.push({
        workspaceId: j.workspaceId,
        journeyId: j.id,
        journeyName: j.name,
        nodeId: version.trigger.id,
        segmentId: trigger.segmentId,
        timezone: trigger.timezone,
        occurrence: window.due.toISOString(),
        skipped: window.skipped,
        since: start.toISOString(),
        resume:
          progressMemo.get(progressKey({ journeyId: j.id, occurrence: window.due.toISOString() })) ?? startCursor(),
      });
    }
    return due;
  } finally {
    client.release();
  }
}

/** When each journey's current schedule went live (see the top of this file). */
async function scheduleStarts(
  client: pg.ClientBase,
  journeys: { journeyId: string; liveVersionId: string }[],
): Promise<Map<string, Date>> {
  const rows = await selectVersionHistory(
    client,
    journeys.map((j) => j.journeyId),
  );
  const versions = await loadVersions(
    client,
    rows.map((r) => r.id),
  );
  const starts = new Map<string, Date>();
  for (const { journeyId, liveVersionId } of journeys) {
    const history = rows.filter((r) => r.journeyId === journeyId);
    const from = history.findIndex((r) => r.id === liveVersionId);
    const current = scheduleOf(versions.get(liveVersionId)!)!;
    let start = history[from].publishedAt;
    for (const older of history.slice(from + 1)) {
      const theirs = scheduleOf(versions.get(older.id)!);
      if (!theirs || !sameSchedule(theirs, current)) break;
      start = older.publishedAt;
    }
    starts.set(journeyId, start);
  }
  return starts;
}

/** The latest occurrence of the journey's schedule fired since `since`, from its audit entries. */
async function lastFired(
  client: pg.ClientBase,
  workspaceId: string,
  journeyId: string,
  since: Date,
): Promise<Date | null> {
  return selectLastFiredOccurrence(client, workspaceId, journeyId, SCHEDULE_FIRED, since);
}

/**
 * Enrolls the next batch of the segment's members for a due occurrence, in one transaction; the last batch
 * also records the occurrence as fired. Members are read in profile-id order (keyset over the membership's
 * primary key), so the cursor survives between Inngest steps. Stops without recording anything when the journey
 * stopped being live meanwhile: a paused journey fires when resumed; an archived one never.
 */
export async function enrollScheduleBatch(
  due: DueSchedule,
  cursor: ScheduleCursor,
  now: Date,
  limit = SCHEDULE_BATCH,
): Promise<ScheduleBatchResult> {
  const result = await withTransaction(async (client): Promise<ScheduleBatchResult> => {
    // FOR SHARE: a pause or archive (an UPDATE of this row) waits for the batch, so nobody enters a journey after
    // it was archived and its people were sent out.
    const journey = await selectJourneyStateForShare(client, due.workspaceId, due.journeyId);
    if (!journey || journey.status !== "LIVE" || !journey.liveVersionId)
      return { enrolled: [], next: null, stopped: `the journey is ${journey?.status.toLowerCase() ?? "gone"}` };
    // New entries take the live version, also when one was published since the occurrence began firing.
    const version = (await loadVersions(client, [journey.liveVersionId])).get(journey.liveVersionId);
    if (!version || !scheduleOf(version))
      return { enrolled: [], next: null, stopped: "the journey no longer starts on a schedule" };

    // Serialises the finishing of one occurrence, so two racing runs record it once.
    await lockOccurrence(client, `${due.journeyId}:${due.occurrence}`);
    if (await hasFired(client, due)) return { enrolled: [], next: null, stopped: ALREADY_FIRED };

    const segment = UUID.test(due.segmentId)
      ? await selectTriggerSegment(client, due.workspaceId, due.segmentId)
      : undefined;
    const missing = !segment ? "the segment does not exist" : segment.archivedAt ? "the segment is archived" : null;
    // A dynamic segment being (re)computed, e.g. created minutes before the occurrence, holds part of its members:
    // firing then would send to part of the audience and close the occurrence for the rest. So the occurrence
    // waits for the computation, up to RECOMPUTE_WAIT_MS (a computation that never runs must not hold it forever).
    const computing = !missing && (segment!.recomputeStatus === "queued" || segment!.recomputeStatus === "running");
    if (computing && cursor.after === ZERO_UUID && now.getTime() - Date.parse(due.occurrence) < RECOMPUTE_WAIT_MS) {
      return { enrolled: [], next: null, stopped: WAITING_FOR_SEGMENT };
    }
    // The person as they are now: a member merged into someone since enters as the person they became.
    const members = missing
      ? []
      : await selectSegmentMembersAfter(client, due.workspaceId, due.segmentId, cursor.after, limit);

    const trigger = {
      name: `Schedule for ${localLabel(due)}, segment ${segment?.name ?? due.segmentId}`,
      properties: {
        occurrence: due.occurrence,
        segmentId: due.segmentId,
        ...(segment ? { segmentName: segment.name } : {}),
      },
      timestamp: due.occurrence,
    };
    const candidates: EntryCandidate[] = members.map((m) => ({
      workspaceId: due.workspaceId,
      journeyId: due.journeyId,
      journeyVersionId: version.id,
      triggerNodeId: version.trigger.id,
      triggerNodeType: version.trigger.type,
      profileId: m.profileId,
      entryKey: `schedule:${due.nodeId}:${due.occurrence}:${m.profileId}`,
      trigger,
      reentry: version.graph.settings.reentry,
    }));
    const { enrolled, refused } = await enroll(client, candidates, now);
    const totals: ScheduleCursor = {
      after: members.length ? members[members.length - 1].memberId : cursor.after,
      enrolled: cursor.enrolled + enrolled.length,
      refused: cursor.refused + refused.length,
    };
    if (members.length === limit) return { enrolled, next: totals };

    await recordFired(
      client,
      due,
      totals,
      missing,
      computing ? "; the segment was still being computed, so only the members computed by then were included" : "",
      now,
    );
    return { enrolled, next: null };
  });
  if (result.next) progressMemo.set(progressKey(due), result.next);
  else progressMemo.delete(progressKey(due));
  if (!result.next && (!result.stopped || result.stopped === ALREADY_FIRED)) {
    const memo = firedMemo.get(due.journeyId);
    const since = Date.parse(due.since);
    firedMemo.set(due.journeyId, {
      since,
      through: Math.max(Date.parse(due.occurrence), memo?.since === since ? memo.through : -Infinity),
    });
  }
  return result;
}

async function hasFired(client: pg.ClientBase, due: DueSchedule): Promise<boolean> {
  return hasFiredOccurrence(client, due.workspaceId, due.journeyId, SCHEDULE_FIRED, due.occurrence);
}

/** The audit entry (lib/audit/audit-log.ts writes the same row through Prisma; this runs in a pg transaction). */
async function recordFired(
  client: pg.ClientBase,
  due: DueSchedule,
  totals: ScheduleCursor,
  missing: string | null,
  note: string,
  now: Date,
): Promise<void> {
  const count = (n: number, one: string, many: string) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
  const outcome = missing
    ? totals.enrolled
      ? `${count(totals.enrolled, "person", "people")} entered, then it stopped: ${missing}`
      : `${missing}, nobody entered`
    : `${count(totals.enrolled, "person", "people")} entered` +
      (totals.refused ? `, ${count(totals.refused, "member", "members")} turned away by the re-entry rule` : "");
  const skipped = due.skipped
    ? ` (${count(due.skipped, "earlier run", "earlier runs")} missed meanwhile not sent)`
    : "";
  await insertScheduleAuditEntry(client, {
    workspaceId: due.workspaceId,
    action: SCHEDULE_FIRED,
    journeyId: due.journeyId,
    summary: `Schedule of "${due.journeyName}" ran for ${localLabel(due)}: ${outcome}${note}${skipped}`,
    metadata: {
      nodeId: due.nodeId,
      occurrence: due.occurrence,
      segmentId: due.segmentId,
      enrolled: totals.enrolled,
      refused: totals.refused,
      skipped: due.skipped,
    },
    at: now,
  });
}

/** "2026-06-01 09:00 Europe/Paris": the occurrence as the marketer set it. */
function localLabel(due: Pick<DueSchedule, "occurrence" | "timezone">): string {
  const p = localParts(new Date(due.occurrence), due.timezone);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)} ${due.timezone}`;
}

/**
 * Fires everything due now, batch after batch: what the schedule-journeys function does, in-line (tests and
 * scripts). Returns the enrollments made, to walk.
 */
export async function fireDueSchedules(
  now: Date,
  options: { workspaceId?: string; limit?: number } = {},
): Promise<{ fired: DueSchedule[]; enrolled: string[] }> {
  const fired: DueSchedule[] = [];
  const enrolled: string[] = [];
  for (const due of await findDueSchedules(now, options)) {
    let cursor: ScheduleCursor | null = due.resume;
    let stopped: string | undefined;
    while (cursor) {
      const batch = await enrollScheduleBatch(due, cursor, now, options.limit);
      enrolled.push(...batch.enrolled);
      cursor = batch.next;
      stopped = batch.stopped;
    }
    if (!stopped) fired.push(due);
  }
  return { fired, enrolled };
}
