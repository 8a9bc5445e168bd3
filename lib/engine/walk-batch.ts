import type pg from "pg";
import { withTransaction } from "../db/pool";
import type { TNode, TRuleGroup } from "../journeys/graph";
import { rangesOf, reevaluateProfileSegments, type ChangeRange, type MembershipChange } from "../segments/membership";
import { loadVersions, type CompiledVersion } from "./graphs";
import { decideNode, nextNodeId, questionsFor, type Decision, type Person, type WebhookRequest } from "./interpreter";
import { factKey, type Facts } from "./rules";
import { predictionScoresOf } from "../predictions/store/profile-predictions";
import { loadSendTimeFacts } from "../send-time/load-send-time-facts";
import type { SendTimeFacts } from "../send-time/best-time";
import {
  leaveCurrentStep,
  lockEnrollmentsForWalk,
  markEnrollmentEnded,
  markWouldHaveMessaged,
  selectFinishedWebhookCalls,
  selectHoldouts,
  selectMembershipKeys,
  selectPerformed,
  selectPredictionScoresOf,
  selectSplitWeightOverrides,
  updateProfileTraits,
  writeWalkRows,
  type WalkEnrollment,
} from "./store/walks";

/**
 * The walk itself, without the webhook calls (the engine's entry, walkEnrollments in walk-enrollments.ts, makes
 * those and walks on): each enrollment's journey version is walked from the current node until the person has to
 * wait (a delay, a wait-for-event, a webhook call to make) or leaves the journey. One transaction, with the
 * enrollment row locked, so two advances of the same person never interleave; every write is keyed by
 * (enrollment, node, visit), so an advance that runs again after a crash repeats nothing.
 *
 * Held-out people (an A/B split's holdout: lib/engine/interpreter.ts) walk like everyone else; their
 * "withheld" steps write a trace row and nothing else, and the first message or webhook step they pass sets
 * their SplitAssignment's wouldHaveMessagedAt. Being held out is not a column of its own: it is the
 * enrollment's SplitAssignment row in the holdout, read once per batch (and only for versions with a split
 * that has a holdout), so there is one record of it and a batch without a holdout pays nothing.
 */

/** Graphs are acyclic, so each node is visited at most once per enrollment; keys still carry the visit. */
export const VISIT = 1;
/** An ACTIVE enrollment's wakeAt: if no advance has run by then, wake-due sends another. */
export const ACTIVE_LEASE_MS = 30_000;
/** pendingExit set by wake-due: "the wait is over"; the node type says which exit that is */
export const TIMEOUT_EXIT = "$timeout";
const MAX_NODES_PER_ADVANCE = 500;

export interface WalkResult {
  enrollmentId: string;
  state: "waiting" | "ended" | "held" | "webhook" | "idle";
  /** the webhook to call before advancing again */
  webhook?: { workspaceId: string; enrollmentId: string; nodeId: string; visit: number; request: WebhookRequest };
  /** messages this advance queued (each to be announced as cairn/message.queued) */
  queuedMessageIds: string[];
  /** nodes visited */
  steps: number;
  /** segment entries and exits this advance's profile updates caused (recorded, not yet announced) */
  segmentChanges?: MembershipChange[];
}

type EnrollmentRow = Omit<WalkEnrollment, "person">;

interface StepWrite {
  nodeId: string;
  nodeType: string;
  leftAt: Date | null;
  exit: string | null;
  inputs: unknown;
  outcome: string;
}

/**
 * For the batch's people: "<profileId>:<segmentId>" for each segment its journeys' conditions test that they are
 * in, and their scores on the predictions those conditions test, by "<profileId>:<predictionId>".
 */
interface Memberships {
  segments: ReadonlySet<string>;
  scores: ReadonlyMap<string, { score: number; tier: string }>;
}

async function factsFor(
  client: pg.ClientBase,
  node: TNode,
  workspaceId: string,
  profileId: string,
  now: Date,
  memberships: Memberships,
): Promise<Facts> {
  const answers = new Map<string, boolean>();
  for (const q of questionsFor(node)) {
    const key = factKey(q.eventName, q.withinDays);
    if (answers.has(key)) continue;
    const since = q.withinDays ? new Date(now.getTime() - q.withinDays * 86_400_000) : null;
    answers.set(key, await selectPerformed(client, workspaceId, profileId, q.eventName, now, since));
  }
  return {
    performed: (eventName, withinDays) => answers.get(factKey(eventName, withinDays)) ?? false,
    // Loaded once per batch (loadMemberships): the membership as the segments' upkeep last wrote it.
    inSegment: (segmentId) => memberships.segments.has(`${profileId}:${segmentId}`),
    // Loaded with them: the score as scoring last wrote it.
    prediction: (predictionId) => memberships.scores.get(`${profileId}:${predictionId}`),
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

/** One enrollment walked (advance-enrollment, which makes each webhook call a step of its own in between). */
export async function walkOne(enrollmentId: string, now: Date): Promise<WalkResult> {
  return (await walkBatch([enrollmentId], now))[0];
}

/** What one walk decided, to be written together with the others of its batch. */
interface Walked {
  enrollment: EnrollmentRow;
  person: Person;
  steps: StepWrite[];
  messages: { nodeId: string; channel: string; templateId: string; topicId: string | null; sendAfter: Date | null }[];
  splits: { nodeId: string; armId: string }[];
  /** held out: the split whose SplitAssignment gets wouldHaveMessagedAt = now (this walk withheld the first message or webhook) */
  wouldHaveMessaged: string | null;
  /** an update_profile step changed the person's traits */
  updatedProfile: boolean;
  final: {
    status: string;
    nodeId: string;
    wakeAt: Date | null;
    wait?: Extract<Decision, { kind: "wait" }>["event"];
    endReason?: string;
  };
  result: WalkResult;
}

/**
 * Walks a batch of enrollments in one transaction, with the batch's reads and writes shared: one query
 * locks them all, one loads the people, one the finished webhook calls, and the trace, messages, split
 * assignments and enrollment updates are one statement each, whatever the batch size. Only
 * "has done X" questions and profile updates cost a query of their own.
 */
export async function walkBatch(enrollmentIds: string[], now: Date): Promise<WalkResult[]> {
  const ids = [...new Set(enrollmentIds)];
  if (!ids.length) return [];
  return withTransaction(async (client) => {
    const rows = await lockEnrollmentsForWalk(client, ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const people = new Map(rows.map((r) => [r.profileId, r.person]));
    const results = new Map<string, WalkResult>(
      ids.map((id) => [id, { enrollmentId: id, state: "idle", queuedMessageIds: [], steps: 0 }]),
    );
    const active: EnrollmentRow[] = [];
    for (const e of byId.values()) {
      if (e.status !== "ACTIVE") continue;
      // Paused: the person holds where they are; resuming the journey makes them due again.
      if (e.journeyStatus === "PAUSED") results.get(e.id)!.state = "held";
      else if (e.journeyStatus === "ARCHIVED") {
        await endEnrollment(client, e.id, "EXITED", "The journey was archived", now);
        results.get(e.id)!.state = "ended";
      } else active.push(e);
    }
    if (active.length) {
      const versions = await loadVersions(
        client,
        active.map((e) => e.journeyVersionId),
      );
      // A walk stops before an unmade call, so only an enrollment that starts at a webhook step can find one done.
      const atWebhook = active.filter(
        (e) => versions.get(e.journeyVersionId)?.nodes.get(e.currentNodeId)?.type === "action.webhook",
      );
      const finishedCalls = atWebhook.length
        ? await loadFinishedWebhookCalls(
            client,
            atWebhook.map((e) => e.id),
          )
        : new Map();
      // Prediction scores (Liquid's profile.predictions): once per batch, only for journeys whose webhook steps read them.
      await loadWebhookPredictions(
        client,
        active.filter((e) => webhooksReadPredictions(versions.get(e.journeyVersionId))),
        people,
      );
      // Experiments' current split weights (auto-winner, bandit): once per batch, only for journeys with a split.
      const withSplits = active.filter((e) => hasSplit(versions.get(e.journeyVersionId)));
      const splitWeights = withSplits.length
        ? await loadSplitWeightOverrides(
            client,
            withSplits.map((e) => e.journeyId),
          )
        : new Map<string, unknown>();
      // Who is held out (and already counted as would-have-been-messaged): once per batch, only where a split has a holdout.
      const withHoldouts = withSplits.filter((e) => hasHoldout(versions.get(e.journeyVersionId)!));
      const holdouts = withHoldouts.length
        ? await loadHoldouts(
            client,
            withHoldouts.map((e) => e.id),
          )
        : new Map<string, HeldOut>();
      // Segment membership, once per batch, only for journeys whose conditions test a segment.
      const memberships = await loadMemberships(
        client,
        active.map((e) => [versions.get(e.journeyVersionId), people.get(e.profileId)?.profileId]),
      );
      // Engagement by hour of week, once per batch, only for journeys with a best-time step (lib/send-time).
      const sendTimes = await loadSendTimeFacts(
        client,
        active
          .filter((e) => hasBestTime(versions.get(e.journeyVersionId)))
          .map((e) => ({ workspaceId: e.workspaceId, profileId: e.profileId })),
      );
      const walked: Walked[] = [];
      for (const enrollment of active) {
        const w = await walk(
          client,
          enrollment,
          versions.get(enrollment.journeyVersionId)!,
          people.get(enrollment.profileId)!,
          finishedCalls,
          now,
          splitWeights,
          memberships,
          holdouts.get(enrollment.id),
          sendTimes,
        );
        walked.push(w);
        results.set(enrollment.id, w.result);
      }
      await writeWalks(client, walked, now);
      await reevaluateUpdatedProfiles(client, walked, now);
    }
    return ids.map((id) => results.get(id)!);
  });
}

const splitVersions = new WeakMap<CompiledVersion, boolean>();
function hasSplit(version: CompiledVersion | undefined): boolean {
  if (!version) return false;
  let found = splitVersions.get(version);
  if (found === undefined)
    splitVersions.set(version, (found = [...version.nodes.values()].some((n) => n.type === "split")));
  return found;
}

const BEST_TIME_STEPS = new Set(["action.email", "action.sms", "action.push", "action.in_app", "delay.best_time"]);
/** Does the node choose a best time: a best-time delay, or a message step sent at the person's best time? */
function usesBestTime(node: TNode): boolean {
  if (!BEST_TIME_STEPS.has(node.type)) return false;
  return node.type === "delay.best_time" || (node.config as { sendTime?: { mode?: string } }).sendTime?.mode === "best";
}
const bestTimeVersions = new WeakMap<CompiledVersion, boolean>();
function hasBestTime(version: CompiledVersion | undefined): boolean {
  if (!version) return false;
  let found = bestTimeVersions.get(version);
  if (found === undefined) bestTimeVersions.set(version, (found = [...version.nodes.values()].some(usesBestTime)));
  return found;
}

const predictionVersions = new WeakMap<CompiledVersion, boolean>();
/** Does a webhook step of this version (its URL, headers, body or pinned template) mention `predictions`? */
function webhooksReadPredictions(version: CompiledVersion | undefined): boolean {
  if (!version) return false;
  let found = predictionVersions.get(version);
  if (found === undefined) {
    found = [...version.nodes.values()].some(
      (n) =>
        n.type === "action.webhook" &&
        (JSON.stringify(n.config).includes("predictions") ||
          JSON.stringify(version.webhookTemplates.get(n.id) ?? null).includes("predictions")),
    );
    predictionVersions.set(version, found);
  }
  return found;
}

/** The scores of these enrollments' people, onto the people the walk renders webhooks for (one read per workspace). */
async function loadWebhookPredictions(
  client: pg.ClientBase,
  enrollments: EnrollmentRow[],
  people: Map<string, Person>,
): Promise<void> {
  const byWorkspace = new Map<string, Set<string>>();
  for (const e of enrollments)
    byWorkspace.set(e.workspaceId, (byWorkspace.get(e.workspaceId) ?? new Set()).add(e.profileId));
  for (const [workspaceId, ids] of byWorkspace) {
    const scored = [...ids].flatMap((id) => (people.get(id) ? [[id, people.get(id)!] as const] : []));
    const scores = await predictionScoresOf(
      workspaceId,
      scored.map(([, p]) => p.profileId),
      client,
    );
    for (const [id, person] of scored) people.set(id, { ...person, predictions: scores.get(person.profileId) ?? {} });
  }
}

const holdoutVersions = new WeakMap<CompiledVersion, boolean>();
/** Does a split of this version hold anyone out? (Experiments never move the holdout's share: lib/experiments/weights.ts.) */
function hasHoldout(version: CompiledVersion): boolean {
  let found = holdoutVersions.get(version);
  if (found === undefined) {
    found = [...version.nodes.values()].some(
      (n) => n.type === "split" && Number((n.config as { holdout?: { weight?: unknown } }).holdout?.weight) > 0,
    );
    holdoutVersions.set(version, found);
  }
  return found;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const testedSegments = new WeakMap<CompiledVersion, string[]>();
/** The segments (and, prefixed "prediction:", the predictions) a version's condition and branch rules test. */
function segmentsTested(version: CompiledVersion): string[] {
  let found = testedSegments.get(version);
  if (!found) {
    const ids = new Set<string>();
    for (const node of version.nodes.values()) {
      const c = node.config as { rules?: TRuleGroup; branches?: { rules: TRuleGroup }[] };
      const groups =
        node.type === "condition" ? [c.rules] : node.type === "branch" ? (c.branches ?? []).map((b) => b.rules) : [];
      for (const group of groups)
        for (const rule of group?.rules ?? []) {
          if (rule.kind === "segment" && UUID.test(rule.segmentId)) ids.add(rule.segmentId);
          if (rule.kind === "prediction" && UUID.test(rule.predictionId)) ids.add(`prediction:${rule.predictionId}`);
        }
    }
    testedSegments.set(version, (found = [...ids]));
  }
  return found;
}

async function loadMemberships(
  client: pg.ClientBase,
  walks: [CompiledVersion | undefined, string | undefined][],
): Promise<Memberships> {
  const segmentIds = new Set<string>();
  const predictionIds = new Set<string>();
  const profileIds = new Set<string>();
  for (const [version, profileId] of walks) {
    const tested = version ? segmentsTested(version) : [];
    if (!tested.length || !profileId) continue;
    for (const id of tested)
      if (id.startsWith("prediction:")) predictionIds.add(id.slice("prediction:".length));
      else segmentIds.add(id);
    profileIds.add(profileId);
  }
  return {
    segments: new Set(segmentIds.size ? await selectMembershipKeys(client, [...profileIds], [...segmentIds]) : []),
    scores: new Map(
      predictionIds.size
        ? (await selectPredictionScoresOf(client, [...profileIds], [...predictionIds])).map((r) => [
            `${r.profileId}:${r.predictionId}`,
            { score: r.score, tier: r.tier },
          ])
        : [],
    ),
  };
}

/** The weights experiments set for new assignments, by "<journeyId>:<nodeId>" (lib/experiments/weights.ts). */
async function loadSplitWeightOverrides(client: pg.ClientBase, journeyIds: string[]): Promise<Map<string, unknown>> {
  const rows = await selectSplitWeightOverrides(client, [...new Set(journeyIds)]);
  return new Map(rows.map((r) => [`${r.journeyId}:${r.nodeId}`, r.weights]));
}

/** An enrollment in a split's holdout: which split, and whether a message or webhook step was already withheld. */
interface HeldOut {
  nodeId: string;
  messaged: boolean;
}

/**
 * The batch's held-out enrollments. An enrollment is in at most one holdout: once held out, later splits assign
 * it nothing (lib/engine/interpreter.ts).
 */
async function loadHoldouts(client: pg.ClientBase, enrollmentIds: string[]): Promise<Map<string, HeldOut>> {
  const rows = await selectHoldouts(client, enrollmentIds);
  return new Map(rows.map((r) => [r.enrollmentId, { nodeId: r.nodeId, messaged: r.messaged }]));
}

type FinishedCalls = Map<string, { status: string; responseStatus: number | null; error: string | null }>;

async function loadFinishedWebhookCalls(client: pg.ClientBase, enrollmentIds: string[]): Promise<FinishedCalls> {
  const rows = await selectFinishedWebhookCalls(client, enrollmentIds);
  return new Map(rows.map((r) => [`${r.enrollmentId}:${r.nodeId}:${r.visit}`, r]));
}

async function walk(
  client: pg.ClientBase,
  enrollment: EnrollmentRow,
  version: CompiledVersion,
  person: Person,
  finishedCalls: FinishedCalls,
  now: Date,
  splitWeights: Map<string, unknown>,
  memberships: Memberships,
  heldOutBefore: HeldOut | undefined,
  sendTimes: (workspaceId: string, profileId: string) => SendTimeFacts | undefined,
): Promise<Walked> {
  if (!person) throw new Error(`profile ${enrollment.profileId} not found`);
  const steps = new Map<string, StepWrite>();
  const messages: Walked["messages"] = [];
  const splits: Walked["splits"] = [];
  // A copy: the batch's map is what was stored, this is what the walk has done since.
  let heldOut = heldOutBefore ? { ...heldOutBefore } : null;
  let wouldHaveMessaged: string | null = null;
  let updatedProfile = false;
  const result: WalkResult = { enrollmentId: enrollment.id, state: "idle", queuedMessageIds: [], steps: 0 };

  let nodeId = enrollment.currentNodeId;
  let node = version.nodes.get(nodeId);
  if (!node) throw new Error(`node ${nodeId} is not in journey version ${version.id}`);
  let exit = enrollment.pendingExit === TIMEOUT_EXIT ? exitForTimeout(node) : enrollment.pendingExit;
  // The row for where we start exists already; this write only adds how it was left (or decided).
  steps.set(nodeId, {
    nodeId,
    nodeType: node.type,
    leftAt: null,
    exit: null,
    inputs: {},
    outcome: exit === null ? "" : howTheWaitEnded(node, exit),
  });

  let final: Omit<Walked["final"], "nodeId"> | null = null;
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
      facts: await factsFor(client, node, enrollment.workspaceId, person.profileId, now, memberships),
      now,
      splitWeights: node.type === "split" ? splitWeights.get(`${enrollment.journeyId}:${nodeId}`) : undefined,
      heldOutBy: heldOut?.nodeId,
      webhookTemplate: node.type === "action.webhook" ? version.webhookTemplates.get(nodeId) : undefined,
      sendTime: usesBestTime(node) ? sendTimes(enrollment.workspaceId, enrollment.profileId) : undefined,
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
        messages.push({
          nodeId,
          channel: decision.channel,
          templateId: decision.templateId,
          topicId: decision.topicId,
          sendAfter: decision.sendAfter ?? null,
        });
        exit = "next";
        break;
      case "update_profile": {
        step.outcome = decision.outcome;
        person.traits =
          (await updateProfileTraits(client, person.profileId, decision.set, decision.unset, now)) ?? person.traits;
        updatedProfile = true;
        exit = "next";
        break;
      }
      case "split":
        step.outcome = decision.outcome;
        splits.push({ nodeId, armId: decision.armId });
        // The holdout goes on along the control arm's path (decision.exit), side effects withheld from here on.
        if (decision.armId === "holdout") heldOut = { nodeId, messaged: false };
        exit = decision.exit;
        break;
      case "withheld":
        step.outcome = decision.outcome;
        // "When they would have been messaged": the first message or webhook step only (a profile update is
        // not a message). The flag comes from the stored row, so a later walk of the same person does not move it.
        if (heldOut && !heldOut.messaged && decision.effect !== "update_profile") {
          wouldHaveMessaged = heldOut.nodeId;
          heldOut.messaged = true;
        }
        exit = "next";
        break;
      case "webhook": {
        const call = finishedCalls.get(`${enrollment.id}:${nodeId}:${VISIT}`);
        if (call) {
          step.outcome = `${decision.outcome}: ${call.status === "succeeded" ? `answered ${call.responseStatus}` : `failed (${call.error})`}`;
          step.inputs = { ...(decision.inputs as object), responseStatus: call.responseStatus, error: call.error };
          exit = "next";
        } else {
          step.outcome = `${decision.outcome}: calling`;
          result.webhook = {
            workspaceId: enrollment.workspaceId,
            enrollmentId: enrollment.id,
            nodeId,
            visit: VISIT,
            request: decision.request,
          };
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
  if (!final)
    final = { status: "FAILED", wakeAt: null, endReason: `Stopped after ${MAX_NODES_PER_ADVANCE} steps in one go` };
  const ended = final.status !== "ACTIVE" && final.status !== "WAITING";
  result.state = final.status === "WAITING" ? "waiting" : result.webhook ? "webhook" : ended ? "ended" : "idle";
  return {
    enrollment,
    person,
    steps: [...steps.values()],
    messages,
    splits,
    wouldHaveMessaged,
    updatedProfile,
    final: { ...final, nodeId },
    result,
  };
}

/**
 * Segments that read the profile are re-evaluated for the people whose traits a walk changed, in the walk's
 * transaction (one call per workspace for the batch), so membership never lags a journey's own profile
 * update and commits with it. Later steps of the same walk still see the memberships loaded at its start.
 */
async function reevaluateUpdatedProfiles(client: pg.ClientBase, walked: Walked[], now: Date): Promise<void> {
  const byWorkspace = new Map<string, Walked[]>();
  for (const w of walked)
    if (w.updatedProfile)
      byWorkspace.set(w.enrollment.workspaceId, [...(byWorkspace.get(w.enrollment.workspaceId) ?? []), w]);
  for (const [workspaceId, ws] of byWorkspace) {
    const changes = await reevaluateProfileSegments(
      client,
      workspaceId,
      ws.map((w) => w.person.profileId),
      now,
    );
    if (!changes.length) continue;
    // Each change goes with one walk of its person, so walkInBatches's callers can announce it.
    const walkOf = new Map(ws.map((w) => [w.person.profileId, w.result]));
    for (const c of changes) {
      const result = walkOf.get(c.profileId);
      if (result) (result.segmentChanges ??= []).push(c);
    }
  }
}

async function writeWalks(client: pg.ClientBase, walked: Walked[], now: Date): Promise<void> {
  const steps = walked.flatMap((w) =>
    w.steps.map((s) => ({ ...s, enrollmentId: w.enrollment.id, journeyId: w.enrollment.journeyId })),
  );
  const messages = walked.flatMap((w) => w.messages.map((m) => ({ ...m, w })));
  const splits = walked.flatMap((w) => w.splits.map((s) => ({ ...s, w })));
  const ended = (w: Walked) => w.final.status !== "ACTIVE" && w.final.status !== "WAITING";
  const rows = await writeWalkRows(client, VISIT, now, {
    steps,
    splits: splits.map((s) => ({
      enrollmentId: s.w.enrollment.id,
      nodeId: s.nodeId,
      journeyId: s.w.enrollment.journeyId,
      profileId: s.w.person.profileId,
      armId: s.armId,
    })),
    moves: walked.map((w) => ({
      enrollmentId: w.enrollment.id,
      status: w.final.status,
      nodeId: w.final.nodeId,
      wakeAt: w.final.wakeAt,
      waitEventName: w.final.wait?.name ?? null,
      waitMatchProperty: w.final.wait?.matchProperty ?? null,
      waitMatchValue: w.final.wait?.matchValue === undefined ? null : JSON.stringify(w.final.wait.matchValue),
      endedAt: ended(w) ? now : null,
      endReason: w.final.endReason ?? null,
    })),
    messages: messages.map((m) => ({
      workspaceId: m.w.enrollment.workspaceId,
      profileId: m.w.person.profileId,
      journeyId: m.w.enrollment.journeyId,
      journeyVersionId: m.w.enrollment.journeyVersionId,
      enrollmentId: m.w.enrollment.id,
      nodeId: m.nodeId,
      channel: m.channel,
      templateId: m.templateId,
      topicId: m.topicId,
      sendAfter: m.sendAfter,
      context: {
        trigger: m.w.enrollment.trigger,
        journeyId: m.w.enrollment.journeyId,
        enrollmentId: m.w.enrollment.id,
      },
    })),
  });
  const byEnrollment = new Map(walked.map((w) => [w.enrollment.id, w.result]));
  for (const row of rows) byEnrollment.get(row.enrollmentId)!.queuedMessageIds.push(row.id);

  // After the assignments (the statement above): a person held out and withheld a message in the same walk has
  // their row by now. IS NULL keeps the first time, whatever runs again.
  const heldOutMessaged = walked.filter((w) => w.wouldHaveMessaged !== null);
  if (heldOutMessaged.length) {
    await markWouldHaveMessaged(
      client,
      now,
      heldOutMessaged.map((w) => ({ enrollmentId: w.enrollment.id, nodeId: w.wouldHaveMessaged! })),
    );
  }
}

export async function endEnrollment(
  client: pg.ClientBase,
  enrollmentId: string,
  status: "EXITED" | "CONVERTED" | "COMPLETED",
  reason: string,
  now: Date,
): Promise<void> {
  // The step the person was on is left now.
  await leaveCurrentStep(client, enrollmentId, now, status.toLowerCase());
  await markEnrollmentEnded(client, enrollmentId, status, reason, now);
}

export interface WalkSummary {
  /** enrollments stopped at a webhook call: each needs its own advance-enrollment run, starting with the call */
  needWebhook: NonNullable<WalkResult["webhook"]>[];
  queuedMessageIds: string[];
  steps: number;
  /** segment entries and exits caused by profile updates: announce as cairn/segment.changed */
  segmentRanges: ChangeRange[];
}

/**
 * Walks many enrollments up to their next wait, in batches (see walkBatch), summed up: walkEnrollments' pass
 * between webhook calls. Safe to repeat: each walk locks its enrollment and is keyed by (enrollment, node, visit).
 */
export async function walkInBatches(enrollmentIds: string[], now: Date, batchSize = 500): Promise<WalkSummary> {
  const result: WalkSummary = { needWebhook: [], queuedMessageIds: [], steps: 0, segmentRanges: [] };
  const segmentChanges: MembershipChange[] = [];
  for (let i = 0; i < enrollmentIds.length; i += batchSize) {
    for (const walked of await walkBatch(enrollmentIds.slice(i, i + batchSize), now)) {
      result.steps += walked.steps;
      segmentChanges.push(...(walked.segmentChanges ?? []));
      result.queuedMessageIds.push(...walked.queuedMessageIds);
      if (walked.state === "webhook" && walked.webhook) result.needWebhook.push(walked.webhook);
    }
  }
  result.segmentRanges = rangesOf(segmentChanges);
  return result;
}
