import type pg from "pg";
import { withTransaction } from "../db/pool";
import type { TNode } from "../journeys/graph";
import { loadVersion, type CompiledVersion } from "./graphs";
import { decideNode, nextNodeId, questionsFor, type Decision, type Person, type TriggerInfo, type WebhookRequest } from "./interpreter";
import { factKey, type Facts } from "./rules";

/**
 * Advancing an enrollment: walk its journey version from the current node until the person has to wait
 * (a delay, a wait-for-event, a webhook call to make) or leaves the journey. One transaction, with the
 * enrollment row locked, so two advances of the same person never interleave; every write is keyed by
 * (enrollment, node, visit), so an advance that runs again after a crash repeats nothing.
 */

/** Graphs are acyclic, so each node is visited at most once per enrollment; keys still carry the visit. */
export const VISIT = 1;
/** An ACTIVE enrollment's wakeAt: if no advance has run by then, wake-due sends another. */
export const ACTIVE_LEASE_MS = 30_000;
/** pendingExit set by wake-due: "the wait is over"; the node type says which exit that is */
export const TIMEOUT_EXIT = "$timeout";
const MAX_NODES_PER_ADVANCE = 500;

export interface AdvanceResult {
  enrollmentId: string;
  state: "waiting" | "ended" | "held" | "webhook" | "idle";
  /** the webhook to call before advancing again */
  webhook?: { workspaceId: string; enrollmentId: string; nodeId: string; visit: number; request: WebhookRequest };
  /** messages this advance queued (each to be announced as cairn/message.queued) */
  queuedMessageIds: string[];
  /** nodes visited */
  steps: number;
}

interface EnrollmentRow {
  id: string;
  workspaceId: string;
  journeyId: string;
  journeyVersionId: string;
  profileId: string;
  status: string;
  currentNodeId: string;
  pendingExit: string | null;
  trigger: TriggerInfo;
  journeyStatus: string;
}

interface StepWrite {
  nodeId: string;
  nodeType: string;
  leftAt: Date | null;
  exit: string | null;
  inputs: unknown;
  outcome: string;
}

export async function loadPerson(client: pg.ClientBase, profileId: string): Promise<Person> {
  // A profile merged into another (an anonymous visitor who signed up) continues as that person.
  const { rows } = await client.query<Person>(
    `SELECT p.id AS "profileId", p."userId", p.email, p.phone, p.timezone, p.traits FROM "Profile" p
      WHERE p.id = (SELECT COALESCE("mergedIntoId", id) FROM "Profile" WHERE id = $1)`,
    [profileId],
  );
  if (!rows[0]) throw new Error(`profile ${profileId} not found`);
  return rows[0];
}

async function factsFor(client: pg.ClientBase, node: TNode, workspaceId: string, profileId: string, now: Date): Promise<Facts> {
  const answers = new Map<string, boolean>();
  for (const q of questionsFor(node)) {
    const key = factKey(q.eventName, q.withinDays);
    if (answers.has(key)) continue;
    const since = q.withinDays ? new Date(now.getTime() - q.withinDays * 86_400_000) : null;
    const { rows } = await client.query<{ found: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM "Event" WHERE "workspaceId" = $1 AND "profileId" = $2 AND name = $3
         AND timestamp <= $4 AND ($5::timestamptz IS NULL OR timestamp >= $5)) AS found`,
      [workspaceId, profileId, q.eventName, now, since],
    );
    answers.set(key, rows[0].found);
  }
  return {
    performed: (eventName, withinDays) => answers.get(factKey(eventName, withinDays)) ?? false,
    // Segments arrive with their own issue; a journey referencing one cannot be published before then.
    inSegment: () => false,
  };
}

/** The trace's last word on a wait: what ended it. */
function howTheWaitEnded(node: TNode, exit: string): string {
  if (node.type === "wait_for_event") {
    const eventName = (node.config as { eventName?: string }).eventName;
    return exit === "arrived" ? `${eventName} arrived` : `Timed out: no ${eventName} in time`;
  }
  return node.type.startsWith("delay.") ? "The wait is over" : "";
}

function exitForTimeout(node: TNode): string {
  return node.type === "wait_for_event" ? "timed_out" : "next";
}

export async function advanceEnrollment(enrollmentId: string, now: Date): Promise<AdvanceResult> {
  return withTransaction(async (client) => {
    const { rows } = await client.query<EnrollmentRow>(
      `SELECT e.id, e."workspaceId", e."journeyId", e."journeyVersionId", e."profileId", e.status::text, e."currentNodeId",
              e."pendingExit", e.trigger, j.status::text AS "journeyStatus"
         FROM "Enrollment" e JOIN "Journey" j ON j.id = e."journeyId" WHERE e.id = $1 FOR UPDATE OF e`,
      [enrollmentId],
    );
    const enrollment = rows[0];
    const idle: AdvanceResult = { enrollmentId, state: "idle", queuedMessageIds: [], steps: 0 };
    if (!enrollment || enrollment.status !== "ACTIVE") return idle;
    // Paused: the person holds where they are; resuming the journey wakes them (lib/engine/lifecycle.ts).
    if (enrollment.journeyStatus === "PAUSED") return { ...idle, state: "held" };
    if (enrollment.journeyStatus === "ARCHIVED") {
      await endEnrollment(client, enrollment.id, "EXITED", "The journey was archived", now);
      return { ...idle, state: "ended" };
    }
    const version = await loadVersion(client, enrollment.journeyVersionId);
    return walk(client, enrollment, version, now);
  });
}

async function walk(client: pg.ClientBase, enrollment: EnrollmentRow, version: CompiledVersion, now: Date): Promise<AdvanceResult> {
  const person = await loadPerson(client, enrollment.profileId);
  const steps = new Map<string, StepWrite>();
  const messages: { nodeId: string; channel: string; templateId: string }[] = [];
  const splits: { nodeId: string; armId: string }[] = [];
  const result: AdvanceResult = { enrollmentId: enrollment.id, state: "idle", queuedMessageIds: [], steps: 0 };

  let nodeId = enrollment.currentNodeId;
  let node = version.nodes.get(nodeId);
  if (!node) throw new Error(`node ${nodeId} is not in journey version ${version.id}`);
  let exit = enrollment.pendingExit === TIMEOUT_EXIT ? exitForTimeout(node) : enrollment.pendingExit;
  // The row for where we start exists already; this write only adds how it was left (or decided).
  steps.set(nodeId, { nodeId, nodeType: node.type, leftAt: null, exit: null, inputs: {}, outcome: exit === null ? "" : howTheWaitEnded(node, exit) });

  let final: { status: string; wakeAt: Date | null; wait?: Extract<Decision, { kind: "wait" }>["event"]; endReason?: string } | null = null;
  for (let hop = 0; hop < MAX_NODES_PER_ADVANCE && !final; hop++) {
    if (exit !== null) {
      const leaving = steps.get(nodeId)!;
      leaving.leftAt = now;
      leaving.exit = exit;
      const next = nextNodeId(version.graph, nodeId, exit);
      if (!next) {
        final = { status: "COMPLETED", wakeAt: null, endReason: `Nothing follows ${node.label ?? node.id} (${exit})` };
        break;
      }
      nodeId = next;
      node = version.nodes.get(nodeId)!;
      exit = null;
      steps.set(nodeId, { nodeId, nodeType: node.type, leftAt: null, exit: null, inputs: {}, outcome: "" });
    }
    result.steps++;
    const step = steps.get(nodeId)!;
    const decision = decideNode(node, {
      journeyId: enrollment.journeyId,
      enrollmentId: enrollment.id,
      person,
      trigger: enrollment.trigger,
      facts: await factsFor(client, node, enrollment.workspaceId, person.profileId, now),
      now,
    });
    step.inputs = decision.inputs;
    switch (decision.kind) {
      case "continue":
        step.outcome = decision.outcome;
        exit = decision.exit;
        break;
      case "wait":
        step.outcome = decision.outcome;
        final = { status: "WAITING", wakeAt: decision.wakeAt, wait: decision.event };
        break;
      case "message":
        step.outcome = decision.outcome;
        messages.push({ nodeId, channel: decision.channel, templateId: decision.templateId });
        exit = "next";
        break;
      case "update_profile": {
        step.outcome = decision.outcome;
        const { rows } = await client.query<{ traits: Record<string, unknown> }>(
          `UPDATE "Profile" SET traits = (traits || $2::jsonb) - $3::text[], "updatedAt" = $4 WHERE id = $1 RETURNING traits`,
          [person.profileId, JSON.stringify(decision.set), decision.unset, now],
        );
        person.traits = rows[0]?.traits ?? person.traits;
        exit = "next";
        break;
      }
      case "split":
        step.outcome = decision.outcome;
        splits.push({ nodeId, armId: decision.armId });
        if (decision.exit === null) final = { status: "COMPLETED", wakeAt: null, endReason: "Held out of the experiment" };
        else exit = decision.exit;
        break;
      case "webhook": {
        const { rows: calls } = await client.query<{ status: string; responseStatus: number | null; error: string | null }>(
          `SELECT status, "responseStatus", error FROM "WebhookCall" WHERE "enrollmentId" = $1 AND "nodeId" = $2 AND visit = $3`,
          [enrollment.id, nodeId, VISIT],
        );
        const call = calls[0];
        if (call && call.status !== "pending") {
          step.outcome = `${decision.outcome}: ${call.status === "succeeded" ? `answered ${call.responseStatus}` : `failed (${call.error})`}`;
          step.inputs = { ...(decision.inputs as object), responseStatus: call.responseStatus, error: call.error };
          exit = "next";
        } else {
          step.outcome = `${decision.outcome}: calling`;
          result.webhook = { workspaceId: enrollment.workspaceId, enrollmentId: enrollment.id, nodeId, visit: VISIT, request: decision.request };
          final = { status: "ACTIVE", wakeAt: new Date(now.getTime() + ACTIVE_LEASE_MS) };
        }
        break;
      }
      case "end":
        step.outcome = decision.reason;
        step.leftAt = now;
        final = { status: decision.status, wakeAt: null, endReason: decision.reason };
        break;
    }
  }
  if (!final) final = { status: "FAILED", wakeAt: null, endReason: `Stopped after ${MAX_NODES_PER_ADVANCE} steps in one go` };

  await writeSteps(client, enrollment, [...steps.values()], now);
  if (messages.length) result.queuedMessageIds = await queueMessages(client, enrollment, person, messages, now);
  if (splits.length) {
    await client.query(
      `INSERT INTO "SplitAssignment" ("enrollmentId", "nodeId", "journeyId", "profileId", "armId", "assignedAt")
       SELECT $1, n, $2, $3, a, $4 FROM unnest($5::text[], $6::text[]) AS u(n, a) ON CONFLICT DO NOTHING`,
      [enrollment.id, enrollment.journeyId, person.profileId, now, splits.map((s) => s.nodeId), splits.map((s) => s.armId)],
    );
  }
  const ended = final.status !== "ACTIVE" && final.status !== "WAITING";
  await client.query(
    `UPDATE "Enrollment" SET status = $2::"EnrollmentStatus", "currentNodeId" = $3, "pendingExit" = NULL, "wakeAt" = $4,
        "waitEventName" = $5, "waitMatchProperty" = $6, "waitMatchValue" = $7, "updatedAt" = $8, "endedAt" = $9, "endReason" = $10
      WHERE id = $1`,
    [
      enrollment.id,
      final.status,
      nodeId,
      final.wakeAt,
      final.wait?.name ?? null,
      final.wait?.matchProperty ?? null,
      final.wait?.matchValue === undefined ? null : JSON.stringify(final.wait.matchValue),
      now,
      ended ? now : null,
      final.endReason ?? null,
    ],
  );
  result.state = final.status === "WAITING" ? "waiting" : result.webhook ? "webhook" : ended ? "ended" : "idle";
  return result;
}

async function writeSteps(client: pg.ClientBase, enrollment: EnrollmentRow, steps: StepWrite[], now: Date): Promise<void> {
  // One statement for the whole walk; on a row that exists, keep when it was entered and what was decided
  // there unless this advance decided something (an empty outcome / {} inputs mean "only the exit is new").
  await client.query(
    `INSERT INTO "EnrollmentStep" ("enrollmentId", "journeyId", "nodeId", "nodeType", visit, "enteredAt", "leftAt", exit, inputs, outcome)
     SELECT $1, $2, n, t, $3, $4, l, x, i::jsonb, o FROM unnest($5::text[], $6::text[], $7::timestamptz[], $8::text[], $9::text[], $10::text[]) AS u(n, t, l, x, i, o)
     ON CONFLICT ("enrollmentId", "nodeId", visit) DO UPDATE SET
       "leftAt" = COALESCE(EXCLUDED."leftAt", "EnrollmentStep"."leftAt"),
       exit = COALESCE(EXCLUDED.exit, "EnrollmentStep".exit),
       inputs = CASE WHEN EXCLUDED.inputs = '{}'::jsonb THEN "EnrollmentStep".inputs ELSE EXCLUDED.inputs END,
       outcome = CASE WHEN EXCLUDED.outcome = '' THEN "EnrollmentStep".outcome ELSE EXCLUDED.outcome END`,
    [
      enrollment.id,
      enrollment.journeyId,
      VISIT,
      now,
      steps.map((s) => s.nodeId),
      steps.map((s) => s.nodeType),
      steps.map((s) => s.leftAt),
      steps.map((s) => s.exit),
      steps.map((s) => JSON.stringify(s.inputs ?? {})),
      steps.map((s) => s.outcome),
    ],
  );
}

async function queueMessages(client: pg.ClientBase, enrollment: EnrollmentRow, person: Person, messages: { nodeId: string; channel: string; templateId: string }[], now: Date): Promise<string[]> {
  const context = JSON.stringify({ trigger: enrollment.trigger, journeyId: enrollment.journeyId, enrollmentId: enrollment.id });
  // The idempotency key makes a message exist once per (enrollment, node, visit); a repeated advance gets
  // the same row back (DO UPDATE, a no-op, so RETURNING still answers with it).
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO "Message" (id, "workspaceId", "profileId", "journeyId", "journeyVersionId", "enrollmentId", "nodeId", channel, "templateId", "idempotencyKey", context, "createdAt", "updatedAt")
     SELECT gen_random_uuid(), $1, $2, $3, $4, $5::uuid, n, c, t, $5::text || ':' || n || ':' || $6, $7::jsonb, $8, $8
       FROM unnest($9::text[], $10::text[], $11::text[]) AS u(n, c, t)
     ON CONFLICT ("idempotencyKey") DO UPDATE SET "idempotencyKey" = EXCLUDED."idempotencyKey" RETURNING id`,
    [
      enrollment.workspaceId,
      person.profileId,
      enrollment.journeyId,
      enrollment.journeyVersionId,
      enrollment.id,
      String(VISIT),
      context,
      now,
      messages.map((m) => m.nodeId),
      messages.map((m) => m.channel),
      messages.map((m) => m.templateId),
    ],
  );
  return rows.map((r) => r.id);
}

export async function endEnrollment(client: pg.ClientBase, enrollmentId: string, status: "EXITED" | "CONVERTED" | "COMPLETED", reason: string, now: Date): Promise<void> {
  // The step the person was on is left now.
  await client.query(
    `UPDATE "EnrollmentStep" s SET "leftAt" = $2, exit = COALESCE(s.exit, $3) FROM "Enrollment" e
      WHERE e.id = $1 AND s."enrollmentId" = e.id AND s."nodeId" = e."currentNodeId" AND s."leftAt" IS NULL`,
    [enrollmentId, now, status.toLowerCase()],
  );
  await client.query(
    `UPDATE "Enrollment" SET status = $2::"EnrollmentStatus", "pendingExit" = NULL, "wakeAt" = NULL, "waitEventName" = NULL,
        "waitMatchProperty" = NULL, "waitMatchValue" = NULL, "updatedAt" = $3, "endedAt" = $3, "endReason" = $4 WHERE id = $1`,
    [enrollmentId, status, now, reason],
  );
}

export interface AdvanceManyResult {
  /** enrollments stopped at a webhook call: each needs its own advance-enrollment run */
  needWebhook: string[];
  queuedMessageIds: string[];
  steps: number;
}

/**
 * Walks many enrollments up to their next wait, a few at a time. process-event and wake-due use it so
 * that the common case (walk to the next delay, queue a message) costs no extra Inngest run; only the
 * enrollments that reach a webhook go on in advance-enrollment, where the call gets its own step. Safe
 * to repeat: each walk locks its enrollment and is keyed by (enrollment, node, visit).
 */
export async function advanceMany(enrollmentIds: string[], now: Date, parallel = 4): Promise<AdvanceManyResult> {
  const result: AdvanceManyResult = { needWebhook: [], queuedMessageIds: [], steps: 0 };
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, enrollmentIds.length) }, async () => {
      for (let i = next++; i < enrollmentIds.length; i = next++) {
        const walked = await advanceEnrollment(enrollmentIds[i], now);
        result.steps += walked.steps;
        result.queuedMessageIds.push(...walked.queuedMessageIds);
        if (walked.state === "webhook") result.needWebhook.push(walked.enrollmentId);
      }
    }),
  );
  return result;
}
