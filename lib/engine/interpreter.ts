import { createHash } from "node:crypto";
import { NODE_CONFIGS, type NodeType, type TJourneyGraph, type TNode, type TRuleGroup } from "../journeys/graph";
import { evaluateGroup, performedQuestions, type Facts, type RuleResult } from "./rules";
import { describeDuration, durationMs, isValidTimeZone, nextTimeOfDay, parseDateTrait } from "./time";
import { renderWebhookRequest, webhookScope } from "./placeholders";
import type { PinnedWebhookTemplate } from "../messaging/webhook-templates";
import { effectiveSplitWeights } from "../experiments/weights";
import { type BestTime, bestTimeFor, type SendTimeFacts } from "../send-time/best-time";

/**
 * The interpreter: what one node decides for one person, as a pure function of the graph, the
 * enrollment, the facts looked up for it and the clock. lib/engine/walk-batch.ts applies the decisions
 * (writes the trace, waits, queues messages, calls webhooks) and walks from node to node.
 *
 * Held out. A person an A/B split puts in its holdout is not dropped at the split: they walk on along the
 * control arm's path (the first arm, as lib/experiments/analysis.ts compares against it), so their delays,
 * waits, conditions, branches and goal steps happen at the times they would for control, and what they
 * do meanwhile (conversions, exits) is measured the same way. Every side effect on that path is withheld:
 * a message, webhook or profile-update step decides "withheld" instead (nothing queued, nothing called,
 * the profile untouched) and says in the trace what it would have done. A later split they reach assigns
 * them nothing: they stay held out and follow its control arm too, so no experiment downstream can send
 * them anything, and no experiment counts them among people it never randomized.
 */

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface Person {
  profileId: string;
  userId: string | null;
  email: string | null;
  phone: string | null;
  timezone: string | null;
  traits: Record<string, unknown>;
  /** prediction scores by key, loaded by the walk only for webhook steps whose Liquid reads profile.predictions */
  predictions?: Record<string, unknown>;
}

export interface TriggerInfo {
  eventId?: string;
  name: string;
  properties: Record<string, unknown>;
  timestamp: string;
  /** the event's `context.locale`: a person without a `locale` trait gets their messages in it (lib/content/locales) */
  locale?: string;
}

export interface NodeInput {
  journeyId: string;
  enrollmentId: string;
  person: Person;
  trigger: TriggerInfo;
  facts: Facts;
  now: Date;
  /** a split node's current weights when its experiment overrides the published ones (lib/experiments/weights.ts) */
  splitWeights?: unknown;
  /** the split whose holdout this person is in: they walk the control path and every side effect is withheld */
  heldOutBy?: string;
  /** a webhook step that sends a saved template: that template as pinned at publishing (lib/engine/graphs.ts) */
  webhookTemplate?: PinnedWebhookTemplate;
  /** a best-time step's person: their engagement by hour of week and their workspace's (lib/send-time) */
  sendTime?: SendTimeFacts;
}

export type Decision =
  /** go on through `exit` now */
  | { kind: "continue"; exit: string; outcome: string; inputs: Json }
  /** stay on this node until `wakeAt` (then take `timeoutExit`), or until the awaited event arrives (then "arrived") */
  | {
      kind: "wait";
      wakeAt: Date;
      timeoutExit: string;
      event?: { name: string; matchProperty?: string; matchValue?: Json };
      outcome: string;
      inputs: Json;
    }
  /** queue a message (exactly once per enrollment, node and visit), then go on through "next" */
  | {
      kind: "message";
      channel: "email" | "sms" | "push" | "in_app";
      templateId: string;
      topicId: string | null;
      /** sent at the person's best time (lib/send-time): not before this moment */
      sendAfter?: Date;
      outcome: string;
      inputs: Json;
    }
  /** change the person's traits, then go on through "next" */
  | { kind: "update_profile"; set: Record<string, Json>; unset: string[]; outcome: string; inputs: Json }
  /** make an HTTP call (a side effect outside the database: its own durable step), then go on through "next" */
  | { kind: "webhook"; request: WebhookRequest; outcome: string; inputs: Json }
  /**
   * an A/B split: the arm assigned (or "holdout") and the exit to take, which for the holdout is the control
   * arm's: from here on the person is held out (see the file header)
   */
  | { kind: "split"; armId: string; exit: string; outcome: string; inputs: Json }
  /** held out: the step's side effect (a message, a webhook call, a profile update) is not done; go on through "next" */
  | { kind: "withheld"; effect: "message" | "webhook" | "update_profile"; outcome: string; inputs: Json }
  /** the journey ends for this person here */
  | { kind: "end"; status: "COMPLETED" | "FAILED"; reason: string; inputs: Json };

export interface WebhookRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** why the config's Liquid did not render (lib/engine/placeholders.ts): the step fails with it and nothing is called */
  renderError?: string;
}

export function config<T extends NodeType>(node: TNode & { type: T }) {
  return NODE_CONFIGS[node.type as T].parse(node.config) as ReturnType<(typeof NODE_CONFIGS)[T]["parse"]>;
}

/** The database questions a node will ask ("has done X in the last N days"), to be answered before decideNode. */
export function questionsFor(node: TNode): { eventName: string; withinDays?: number }[] {
  if (node.type === "condition") return performedQuestions(config(node as TNode & { type: "condition" }).rules);
  if (node.type === "branch")
    return config(node as TNode & { type: "branch" }).branches.flatMap((b) => performedQuestions(b.rules));
  return [];
}

function ruleInputs(result: RuleResult): Json {
  return { matched: result.matched, checks: result.checks as unknown as Json };
}

function evaluate(group: TRuleGroup, input: NodeInput): RuleResult {
  return evaluateGroup(group, {
    traits: input.person.traits,
    eventProperties: input.trigger.properties,
    facts: input.facts,
  });
}

/**
 * A number in [0, 100) from the person and the split node: the same person always lands in the same arm
 * of the same split (re-entries included), and different splits assign independently.
 */
export function splitBucket(profileId: string, journeyId: string, nodeId: string): number {
  const digest = createHash("sha256").update(`${profileId}:${journeyId}:${nodeId}`).digest();
  return (digest.readUInt32BE(0) / 0x1_0000_0000) * 100;
}

export function pickArm(bucket: number, arms: { id: string; weight: number }[], holdoutWeight = 0): string {
  let edge = 0;
  for (const arm of arms) {
    edge += arm.weight;
    if (bucket < edge) return arm.id;
  }
  // Everything past the arms' share (floating-point leftovers included) is the holdout when there is one,
  // else the last arm that takes traffic (an arm at weight 0, e.g. after an auto-winner, gets nobody).
  return holdoutWeight > 0 ? "holdout" : ([...arms].reverse().find((a) => a.weight > 0) ?? arms[arms.length - 1]).id;
}

const CHANNEL_WORDS: Record<"email" | "sms" | "push" | "in_app", string> = {
  email: "email",
  sms: "SMS",
  push: "push notification",
  in_app: "in-app message",
};

/** "the email “Welcome”", or "the email (template tpl-1)" for a step without a label. */
function describeMessage(node: TNode, channel: keyof typeof CHANNEL_WORDS, templateId: string): string {
  return node.label
    ? `the ${CHANNEL_WORDS[channel]} “${node.label}”`
    : `the ${CHANNEL_WORDS[channel]} (template ${templateId})`;
}

/** A best-time choice as the trace keeps it. */
function bestTimeInputs(choice: BestTime): { [key: string]: Json } {
  return {
    at: choice.at.toISOString(),
    hourOfWeek: choice.hourOfWeek,
    source: choice.source,
    engagements: choice.engagements,
    timeZone: choice.timeZone,
    reason: choice.reason,
  };
}

export function decideNode(node: TNode, input: NodeInput): Decision {
  const { now, person, heldOutBy } = input;
  switch (node.type) {
    case "trigger.event":
    case "trigger.segment":
    case "trigger.prediction":
    case "trigger.schedule":
    case "trigger.api":
      return {
        kind: "continue",
        exit: "next",
        outcome: `Entered from ${input.trigger.name}`,
        inputs: { trigger: input.trigger as unknown as Json },
      };

    case "delay.duration": {
      const c = config(node as TNode & { type: "delay.duration" });
      const wakeAt = new Date(now.getTime() + durationMs(c.duration));
      return {
        kind: "wait",
        wakeAt,
        timeoutExit: "next",
        outcome: `Waiting ${describeDuration(c.duration)}, until ${wakeAt.toISOString()}`,
        inputs: { duration: c.duration },
      };
    }

    case "delay.time_of_day": {
      const c = config(node as TNode & { type: "delay.time_of_day" });
      const usesProfileZone = isValidTimeZone(person.timezone);
      const zone = usesProfileZone ? person.timezone! : c.fallbackTimezone;
      const wakeAt = nextTimeOfDay(now, c.time, zone);
      return {
        kind: "wait",
        wakeAt,
        timeoutExit: "next",
        outcome: `Waiting until ${c.time} in ${zone} (${wakeAt.toISOString()})`,
        inputs: { time: c.time, timezone: zone, source: usesProfileZone ? "profile" : "fallback" },
      };
    }

    case "delay.best_time": {
      const c = config(node as TNode & { type: "delay.best_time" });
      const choice = bestTimeFor(person.timezone, input.sendTime, now, c.within);
      const inputs = { within: c.within, ...bestTimeInputs(choice) };
      if (choice.at.getTime() <= now.getTime())
        return { kind: "continue", exit: "next", outcome: `Best time is now. ${choice.reason}`, inputs };
      return {
        kind: "wait",
        wakeAt: choice.at,
        timeoutExit: "next",
        outcome: `Waiting until ${choice.at.toISOString()}, the best time. ${choice.reason}`,
        inputs,
      };
    }

    case "delay.until_date_trait": {
      const c = config(node as TNode & { type: "delay.until_date_trait" });
      const raw = person.traits[c.trait];
      const zone = isValidTimeZone(person.timezone) ? person.timezone! : "UTC";
      const date = parseDateTrait(raw, zone);
      const inputs = { trait: c.trait, value: (raw ?? null) as Json, offset: (c.offset ?? null) as unknown as Json };
      if (!date)
        return { kind: "end", status: "COMPLETED", reason: `Trait ${c.trait} is missing or not a date`, inputs };
      const shift = c.offset ? durationMs(c.offset.duration) * (c.offset.direction === "before" ? -1 : 1) : 0;
      const wakeAt = new Date(date.getTime() + shift);
      if (wakeAt.getTime() <= now.getTime())
        return { kind: "continue", exit: "next", outcome: `${wakeAt.toISOString()} has already passed`, inputs };
      return { kind: "wait", wakeAt, timeoutExit: "next", outcome: `Waiting until ${wakeAt.toISOString()}`, inputs };
    }

    case "wait_for_event": {
      const c = config(node as TNode & { type: "wait_for_event" });
      const wakeAt = new Date(now.getTime() + durationMs(c.timeout));
      if (!c.match) {
        return {
          kind: "wait",
          wakeAt,
          timeoutExit: "timed_out",
          event: { name: c.eventName },
          outcome: `Waiting for ${c.eventName} until ${wakeAt.toISOString()}`,
          inputs: { eventName: c.eventName },
        };
      }
      const expected = input.trigger.properties[c.match.triggerProperty];
      if (expected === undefined || expected === null) {
        return {
          kind: "wait",
          wakeAt,
          timeoutExit: "timed_out",
          outcome: `The trigger event has no ${c.match.triggerProperty}, so no ${c.eventName} can match; waiting for the timeout (${wakeAt.toISOString()})`,
          inputs: { eventName: c.eventName, match: c.match, expected: null },
        };
      }
      return {
        kind: "wait",
        wakeAt,
        timeoutExit: "timed_out",
        event: { name: c.eventName, matchProperty: c.match.property, matchValue: expected as Json },
        outcome: `Waiting for ${c.eventName} with ${c.match.property} = ${JSON.stringify(expected)} until ${wakeAt.toISOString()}`,
        inputs: { eventName: c.eventName, match: c.match, expected: expected as Json },
      };
    }

    case "condition": {
      const c = config(node as TNode & { type: "condition" });
      const result = evaluate(c.rules, input);
      return {
        kind: "continue",
        exit: result.matched ? "yes" : "no",
        outcome: result.matched ? "Yes: the conditions hold" : "No: the conditions do not hold",
        inputs: ruleInputs(result),
      };
    }

    case "branch": {
      const c = config(node as TNode & { type: "branch" });
      const tried: Json[] = [];
      for (const branch of c.branches) {
        const result = evaluate(branch.rules, input);
        tried.push({ branch: branch.id, ...(ruleInputs(result) as object) } as Json);
        if (result.matched)
          return { kind: "continue", exit: branch.id, outcome: `Matched "${branch.label}"`, inputs: { tried } };
      }
      return { kind: "continue", exit: "else", outcome: "No branch matched: else", inputs: { tried } };
    }

    case "split": {
      const c = config(node as TNode & { type: "split" });
      const control = c.arms[0];
      if (heldOutBy) {
        // Already held out by an earlier split: no assignment here (one could put them in an arm that messages
        // them, and this experiment did not randomize them), only the control arm's path.
        return {
          kind: "continue",
          exit: control.id,
          outcome: `Still held out: follows ${control.label} (the control) without being assigned here`,
          inputs: { heldOutBy, control: control.id },
        };
      }
      const bucket = splitBucket(person.profileId, input.journeyId, node.id);
      // The experiment's current weights when it has changed them (auto-winner, bandit), else the published ones.
      const weights = effectiveSplitWeights(c, input.splitWeights);
      const armId = pickArm(bucket, weights.arms, weights.holdout);
      const inputs = {
        bucket: Math.round(bucket * 1000) / 1000,
        weights: Object.fromEntries(weights.arms.map((a) => [a.id, Math.round(a.weight * 10_000) / 10_000])),
        holdout: weights.holdout,
        ...(weights.source === "override" ? { weightsSource: "experiment" } : {}),
      };
      if (armId === "holdout") {
        return {
          kind: "split",
          armId,
          exit: control.id,
          outcome: `Held out: walks on as ${control.label} (the control) would, and gets nothing from this journey`,
          inputs: { ...inputs, heldOut: true, control: control.id },
        };
      }
      const arm = c.arms.find((a) => a.id === armId)!;
      return { kind: "split", armId, exit: armId, outcome: `Assigned to ${arm.label}`, inputs };
    }

    case "action.email":
    case "action.sms":
    case "action.push":
    case "action.in_app": {
      const { templateId, topicId: chosenTopic, sendTime } = NODE_CONFIGS[node.type].parse(node.config);
      const topicId = chosenTopic || null;
      const channel = node.type.slice("action.".length) as "email" | "sms" | "push" | "in_app";
      const best =
        sendTime?.mode === "best" ? bestTimeFor(person.timezone, input.sendTime, now, sendTime.within) : null;
      if (heldOutBy) {
        return {
          kind: "withheld",
          effect: "message",
          outcome: `Held out: would have sent ${describeMessage(node, channel, templateId)} ${best ? `at ${best.at.toISOString()}` : "now"}; nothing was sent`,
          inputs: { heldOutBy, withheld: "message", channel, templateId },
        };
      }
      const inputs: { [key: string]: Json } = topicId ? { channel, templateId, topicId } : { channel, templateId };
      const queued = `Queued ${channel.replace("_", "-")} message (template ${templateId})`;
      if (!best || sendTime?.mode !== "best")
        return { kind: "message", channel, templateId, topicId, outcome: queued, inputs };
      const later = best.at.getTime() > now.getTime();
      return {
        kind: "message",
        channel,
        templateId,
        topicId,
        ...(later ? { sendAfter: best.at } : {}),
        outcome: `${queued} ${later ? `for ${best.at.toISOString()}` : "to go now"}, the best time. ${best.reason}`,
        inputs: { ...inputs, sendTime: { within: sendTime.within, ...bestTimeInputs(best) } },
      };
    }

    case "action.webhook": {
      const c = config(node as TNode & { type: "action.webhook" });
      if (heldOutBy) {
        // The configured URL as written: no request is built for a call that is not made.
        return {
          kind: "withheld",
          effect: "webhook",
          outcome: `Held out: would have called ${c.method} ${c.url} now; no call was made`,
          inputs: { heldOutBy, withheld: "webhook", method: c.method, url: c.url },
        };
      }
      const request = renderWebhookRequest(c, webhookScope(input), input.webhookTemplate);
      const inputs: Json = {
        url: request.url,
        method: c.method,
        ...(c.templateId === undefined
          ? {}
          : { templateId: c.templateId, templateVersion: input.webhookTemplate?.version ?? null }),
      };
      return { kind: "webhook", request, outcome: `${c.method} ${request.url}`, inputs };
    }

    case "action.update_profile": {
      const c = config(node as TNode & { type: "action.update_profile" });
      const parts = [...Object.keys(c.set).map((k) => `set ${k}`), ...c.unset.map((k) => `removed ${k}`)];
      if (heldOutBy) {
        // Not even the profile changes: the holdout must get nothing from the journey, and a trait the journey
        // set (a "vip" flag, a coupon code) could change what they see elsewhere or what later conditions and
        // other journeys do with them, which would no longer be the "nothing" the holdout measures against.
        return {
          kind: "withheld",
          effect: "update_profile",
          outcome: `Held out: would have updated the profile (${parts.join(", ")}); left unchanged`,
          inputs: { heldOutBy, withheld: "update_profile", set: c.set as Json, unset: c.unset },
        };
      }
      return {
        kind: "update_profile",
        set: c.set as Record<string, Json>,
        unset: c.unset,
        outcome: `Profile updated: ${parts.join(", ")}`,
        inputs: { set: c.set as Json, unset: c.unset },
      };
    }

    case "goal":
      // Doing the goal event converts a person wherever they are (lib/engine/process-events.ts); walking
      // onto the goal step without it ends the journey. A conversion within the attribution window still counts.
      return {
        kind: "end",
        status: "COMPLETED",
        reason: `Reached the goal step without ${config(node as TNode & { type: "goal" }).eventName}`,
        inputs: {},
      };

    case "exit":
      return { kind: "end", status: "COMPLETED", reason: `Exited at ${node.label ?? node.id}`, inputs: {} };
  }
}

/** The node an exit leads to, or null when nothing is connected there (the journey ends). */
export function nextNodeId(graph: TJourneyGraph, nodeId: string, exit: string): string | null {
  const edge = graph.edges.find((e) => e.source === nodeId && (e.branch ?? "next") === exit);
  return edge?.target ?? null;
}

export function triggerNode(graph: TJourneyGraph): TNode | undefined {
  return graph.nodes.find((n) => n.type.startsWith("trigger."));
}

/**
 * What one ingested event does to one person still in the journey (lib/engine/process-events.ts applies it),
 * as a pure function so that the order of precedence is written, and tested, in one place:
 *   1. an exit event removes them, even when it is also the event a wait is waiting for (or a goal event):
 *      exit events are "leave wherever you are", so a wait for one can never take "arrived";
 *   2. a converting event (a goal step's event, or the journey goal's within its attribution window) records
 *      the conversion; then
 *        - a goal step's event always ends the journey (the person jumps to the goal step);
 *        - the journey goal ends it too unless the goal is set to let people continue
 *          (settings.goal.onConversion = "continue"): then a person waiting for this same event follows the
 *          wait's "arrived" path, and anyone else stays where they are;
 *   3. otherwise a person waiting for this event (same name, same match value) follows "arrived".
 * A goal that ends the journey and is also a wait's event therefore leaves that wait's "arrived" path at
 * zero; validate.ts warns about it (journeyWarnings) while editing and before publishing.
 */
export type EventEffect =
  | { kind: "exit" }
  | { kind: "convert"; then: "end" | "arrived" | "stay" }
  | { kind: "arrived" }
  | { kind: "none" };

export function decideOnEvent(
  graph: Pick<TJourneyGraph, "nodes" | "settings">,
  event: { name: string; converts: boolean; awaited: boolean },
): EventEffect {
  if (graph.settings.exitEvents.includes(event.name)) return { kind: "exit" };
  if (event.converts) {
    const goalStep = graph.nodes.some(
      (n) => n.type === "goal" && (n.config as { eventName?: string }).eventName === event.name,
    );
    if (goalStep || graph.settings.goal?.onConversion !== "continue") return { kind: "convert", then: "end" };
    return { kind: "convert", then: event.awaited ? "arrived" : "stay" };
  }
  return event.awaited ? { kind: "arrived" } : { kind: "none" };
}
