import { z } from "zod";
import { PREDICTION_TIERS, ZPredictionTest } from "../predictions/rules";

/**
 * The journey model: a serializable graph of nodes and edges, the one definition shared by the canvas,
 * the API (`GET /api/v1/schema/journey` publishes it as JSON Schema), publishing and the engine.
 * Structural rules (one trigger, reachability, no cycles, every exit connected) live in ./validate.ts;
 * this file says what each node *is* and how it is configured. Documented with a full example in
 * docs/journey-schema.md.
 */

// ---------------------------------------------------------------------------------------------------
// Shared pieces

const ZName = z.string().trim().min(1, "is required").max(255, "has at most 255 characters");
/**
 * A message step's subscription topic (Settings → Subscription topics), like a broadcast's: people who left it are
 * not sent the message, and its unsubscribe link leaves only the topic. "" (the form's "None") is no topic.
 */
const ZTopicId = z
  .string()
  .refine((v) => v === "" || z.uuid().safeParse(v).success, "must be a subscription topic's id")
  .optional();
export const ZNodeId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1–64 letters, digits, _ or -");

export const ZDuration = z.object({
  amount: z
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(100_000, "is too large"),
  unit: z.enum(["minutes", "hours", "days", "weeks"], { error: "must be minutes, hours, days or weeks" }),
});
export type TDuration = z.infer<typeof ZDuration>;

const ZJsonValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** Typed operators: which values they compare with, checked per operator. */
export const OPERATORS = [
  "equals",
  "not_equals",
  "contains",
  "not_contains",
  "gt",
  "gte",
  "lt",
  "lte",
  "exists",
  "not_exists",
  "in",
  "not_in",
] as const;
export type Operator = (typeof OPERATORS)[number];

const comparison = {
  operator: z.enum(OPERATORS, { error: `must be one of ${OPERATORS.join(", ")}` }),
  value: z.union([ZJsonValue, z.array(ZJsonValue)]).optional(),
};

/** Each operator takes the value it can compare with: none, a number, a list, or a single value. */
function checkComparison(c: { operator: Operator; value?: unknown }, ctx: z.RefinementCtx): void {
  const needsNumber = ["gt", "gte", "lt", "lte"].includes(c.operator);
  const needsList = ["in", "not_in"].includes(c.operator);
  const needsNothing = ["exists", "not_exists"].includes(c.operator);
  if (needsNothing) {
    if (c.value !== undefined)
      ctx.addIssue({ code: "custom", path: ["value"], message: `must be left out for ${c.operator}` });
  } else if (c.value === undefined) {
    ctx.addIssue({ code: "custom", path: ["value"], message: `is required for ${c.operator}` });
  } else if (needsList && !Array.isArray(c.value)) {
    ctx.addIssue({ code: "custom", path: ["value"], message: `must be a list for ${c.operator}` });
  } else if (needsNumber && typeof c.value !== "number") {
    ctx.addIssue({ code: "custom", path: ["value"], message: `must be a number for ${c.operator}` });
  } else if (!needsList && Array.isArray(c.value)) {
    ctx.addIssue({ code: "custom", path: ["value"], message: `must be a single value for ${c.operator}` });
  }
}

export const ZPropertyFilter = z.object({ property: ZName, ...comparison }).superRefine(checkComparison);
export type TPropertyFilter = z.infer<typeof ZPropertyFilter>;

/** A single test a condition or branch makes about a person. */
export const ZRule = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("trait"), trait: ZName, ...comparison }).superRefine(checkComparison),
  z.object({ kind: z.literal("event_property"), property: ZName, ...comparison }).superRefine(checkComparison),
  z.object({ kind: z.literal("segment"), segmentId: ZName, member: z.boolean({ error: "must be true or false" }) }),
  /** the person's current score on a prediction: in tiers, or compared with a number (lib/predictions/rules.ts) */
  z.object({ kind: z.literal("prediction"), predictionId: ZName, test: ZPredictionTest }),
  z.object({
    kind: z.literal("performed"),
    eventName: ZName,
    /** true: has done it (at least once) within the window; false: has not */
    performed: z.boolean({ error: "must be true or false" }),
    withinDays: z.number().int().min(1, "must be at least 1").max(3650, "is at most 3650").optional(),
  }),
]);
export type TRule = z.infer<typeof ZRule>;

export const ZRuleGroup = z.object({
  match: z.enum(["all", "any"], { error: "must be all or any" }),
  rules: z.array(ZRule).min(1, "needs at least one rule"),
});
export type TRuleGroup = z.infer<typeof ZRuleGroup>;

// ---------------------------------------------------------------------------------------------------
// Node configurations, by type

const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;
const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/**
 * Send-time optimisation (#21): a message step sends at once, or at the person's best hour of the week within the
 * window (lib/send-time/best-time.ts); delay.best_time waits until then.
 */
export const SEND_TIME_WINDOWS = ["24h", "7d"] as const;
const ZSendTimeWindow = z.enum(SEND_TIME_WINDOWS, { error: "must be 24h or 7d" });
export const ZSendTime = z.discriminatedUnion(
  "mode",
  [z.object({ mode: z.literal("now") }), z.object({ mode: z.literal("best"), within: ZSendTimeWindow })],
  { error: "must be now or best" },
);
export type TSendTime = z.infer<typeof ZSendTime>;

export const NODE_CONFIGS = {
  "trigger.event": z.object({ eventName: ZName, filters: z.array(ZPropertyFilter).default([]) }),
  "trigger.segment": z.object({ segmentId: ZName }),
  /** a person's score on the prediction enters the tier (e.g. high churn risk): lib/engine/prediction-entries.ts */
  "trigger.prediction": z.object({
    predictionId: ZName,
    tier: z.enum(PREDICTION_TIERS, { error: `must be one of ${PREDICTION_TIERS.join(", ")}` }),
  }),
  "trigger.schedule": z.object({
    schedule: z.discriminatedUnion("kind", [
      z.object({
        kind: z.literal("once"),
        at: z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time" }),
      }),
      z.object({
        kind: z.literal("recurring"),
        every: ZDuration,
        startAt: z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time" }),
      }),
    ]),
    timezone: z.string().refine(isTimeZone, "must be an IANA time zone, e.g. Europe/Paris"),
    /** who enters: everyone in a segment */
    segmentId: ZName,
  }),
  "trigger.api": z.object({}),
  "delay.duration": z.object({ duration: ZDuration }),
  "delay.time_of_day": z.object({
    time: z.string().regex(TIME_OF_DAY, "must be HH:MM (24-hour)"),
    /** used when the profile has no time zone */
    fallbackTimezone: z.string().refine(isTimeZone, "must be an IANA time zone, e.g. Europe/Paris"),
  }),
  "delay.best_time": z.object({ within: ZSendTimeWindow }),
  "delay.until_date_trait": z.object({
    trait: ZName,
    offset: z
      .object({ duration: ZDuration, direction: z.enum(["before", "after"], { error: "must be before or after" }) })
      .optional(),
  }),
  wait_for_event: z.object({
    eventName: ZName,
    timeout: ZDuration,
    /** the arriving event's property must equal the trigger event's (e.g. the same cartId) */
    match: z.object({ property: ZName, triggerProperty: ZName }).optional(),
  }),
  condition: z.object({ rules: ZRuleGroup }),
  branch: z.object({
    branches: z
      .array(z.object({ id: ZNodeId, label: ZName, rules: ZRuleGroup }))
      .min(1, "needs at least one branch")
      .refine((b) => new Set(b.map((x) => x.id)).size === b.length, "branch ids must be unique"),
  }),
  split: z
    .object({
      arms: z
        .array(
          z.object({
            id: ZNodeId,
            label: ZName,
            weight: z.number().min(0.01, "must be more than 0").max(100, "is at most 100"),
          }),
        )
        .min(2, "needs at least two arms")
        .refine((a) => new Set(a.map((x) => x.id)).size === a.length, "arm ids must be unique"),
      holdout: z.object({ weight: z.number().min(0.01, "must be more than 0").max(99, "is at most 99") }).optional(),
    })
    .refine((s) => Math.abs(s.arms.reduce((sum, a) => sum + a.weight, 0) + (s.holdout?.weight ?? 0) - 100) < 1e-9, {
      message: "arm and holdout weights must add up to 100",
      path: ["arms"],
    }),
  "action.email": z.object({ templateId: ZName, topicId: ZTopicId, sendTime: ZSendTime.optional() }),
  "action.sms": z.object({ templateId: ZName, topicId: ZTopicId, sendTime: ZSendTime.optional() }),
  "action.push": z.object({ templateId: ZName, topicId: ZTopicId, sendTime: ZSendTime.optional() }),
  "action.in_app": z.object({ templateId: ZName, topicId: ZTopicId, sendTime: ZSendTime.optional() }),
  "action.webhook": z
    .object({
      url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
      method: z
        .enum(["GET", "POST", "PUT", "PATCH", "DELETE"], { error: "must be GET, POST, PUT, PATCH or DELETE" })
        .default("POST"),
      headers: z.record(z.string(), z.string()).default({}),
      /** the body written here, as Liquid; or, instead, a saved webhook template's body and headers */
      body: z.string().max(100_000).optional(),
      templateId: ZName.optional(),
    })
    .refine((c) => c.templateId === undefined || c.body === undefined, {
      message: "is left out when the step uses a saved template (the template's body is sent)",
      path: ["body"],
    }),
  "action.update_profile": z
    .object({ set: z.record(z.string(), ZJsonValue).default({}), unset: z.array(ZName).default([]) })
    .refine((u) => Object.keys(u.set).length + u.unset.length > 0, "sets or unsets at least one trait"),
  goal: z.object({ eventName: ZName }),
  exit: z.object({}),
} as const;

export type NodeType = keyof typeof NODE_CONFIGS;
export const NODE_TYPES = Object.keys(NODE_CONFIGS) as NodeType[];

export const isTrigger = (type: NodeType) => type.startsWith("trigger.");
export const isTerminal = (type: NodeType) => type === "goal" || type === "exit";

/** The named exits of a node: where its outgoing edges may start. A single unnamed exit is "next". */
export function exitsOf(node: { type: NodeType; config: unknown }): string[] {
  const config = node.config as Record<string, unknown>;
  switch (node.type) {
    case "condition":
      return ["yes", "no"];
    case "wait_for_event":
      return ["arrived", "timed_out"];
    case "branch":
      return [...((config?.branches as { id: string }[] | undefined) ?? []).map((b) => b.id), "else"];
    case "split":
      // The holdout has no exit of its own: held-out people go on through the control's (the first arm's) with
      // every side effect withheld (lib/engine/interpreter.ts).
      return ((config?.arms as { id: string }[] | undefined) ?? []).map((a) => a.id);
    case "goal":
    case "exit":
      return [];
    default:
      return ["next"];
  }
}

// ---------------------------------------------------------------------------------------------------
// The graph

export const ZNode = z.object({
  id: ZNodeId,
  type: z.enum(NODE_TYPES as [NodeType, ...NodeType[]], { error: "is not a known node type" }),
  position: z.object({ x: z.number(), y: z.number() }),
  label: z.string().max(255).optional(),
  /** validated per type by validateJourney, so that one bad node does not hide the others' problems */
  config: z.record(z.string(), z.unknown()).default({}),
});
export type TNode = z.infer<typeof ZNode>;

export const ZEdge = z.object({
  id: ZNodeId,
  source: ZNodeId,
  target: ZNodeId,
  /** which exit of the source: "next" for single-exit nodes, else yes/no, arrived/timed_out, a branch or arm id, "else" */
  branch: z.string().max(64).optional(),
});
export type TEdge = z.infer<typeof ZEdge>;

export const ZJourneySettings = z.object({
  reentry: z
    .discriminatedUnion("mode", [
      z.object({ mode: z.literal("once") }),
      z.object({ mode: z.literal("after"), days: z.number().int().min(1, "must be at least 1").max(3650) }),
      z.object({ mode: z.literal("always") }),
    ])
    .default({ mode: "once" }),
  /** events that remove a person from the journey wherever they are */
  exitEvents: z.array(ZName).default([]),
  goal: z
    .object({
      eventName: ZName,
      attributionHours: z
        .number()
        .int()
        .min(1)
        .max(24 * 90)
        .default(72),
      /** optional: the goal event's property holding the order's value (experiments report revenue per person) */
      revenueProperty: ZName.optional(),
      /**
       * what converting does to someone still in the journey: "end" (the default) ends their journey there;
       * "continue" records the conversion and lets them go on (a wait for this same event takes "arrived")
       */
      onConversion: z.enum(["end", "continue"], { error: "must be end or continue" }).optional(),
    })
    .optional(),
  quietHours: z
    .object({
      start: z.string().regex(TIME_OF_DAY, "must be HH:MM"),
      end: z.string().regex(TIME_OF_DAY, "must be HH:MM"),
    })
    .optional(),
  frequencyCaps: z.boolean().default(true),
});
export type TJourneySettings = z.infer<typeof ZJourneySettings>;

export const ZJourneyGraph = z.object({
  nodes: z.array(ZNode).max(2000, "a journey has at most 2,000 nodes"),
  edges: z.array(ZEdge).max(4000, "a journey has at most 4,000 edges"),
  settings: ZJourneySettings.default({ reentry: { mode: "once" }, exitEvents: [], frequencyCaps: true }),
});
export type TJourneyGraph = z.infer<typeof ZJourneyGraph>;
export type TJourneyGraphInput = z.input<typeof ZJourneyGraph>;
