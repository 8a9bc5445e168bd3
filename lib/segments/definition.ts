import { z } from "zod";
import { OPERATORS, ZPropertyFilter } from "../journeys/graph";
import { ZPredictionId, ZPredictionTest } from "../predictions/rules";

/**
 * What a segment is: a tree of conditions joined by AND / OR / NOT, the one definition shared by the
 * builder, the API (`/api/v1/segments`), evaluation and membership upkeep. Validation errors name the path
 * of the problem, e.g. `definition.conditions.1.conditions.0.window.days`.
 *
 * Conditions:
 *   - trait: a profile trait compared with a value (the journeys' operators, plus dates: before/after an ISO
 *     date, within the last N days);
 *   - event_count: performed an event (optionally with property filters) at least / at most / exactly N
 *     times in the last D days, or ever (`withinDays` left out);
 *   - not_performed: has not performed an event in the last D days;
 *   - event_time: the first or last time an event was performed is before / after a date, or within the last
 *     N days;
 *   - segment: is (or is not) a member of another segment;
 *   - reachable: has an email address with consent, a phone with consent, or a push token;
 *   - prediction: the person's current score on a prediction is in given tiers, or compares with a number
 *     (lib/predictions/rules.ts); a person with no score does not match.
 */
const ZName = z.string().trim().min(1, "is required").max(255, "has at most 255 characters");
const ZDays = z
  .number({ error: "must be a number" })
  .int("must be a whole number")
  .min(1, "must be at least 1")
  .max(3650, "is at most 3650");
const ZIsoDate = z
  .string()
  .refine(
    (v) => !Number.isNaN(Date.parse(v)) && /^\d{4}-\d{2}-\d{2}/.test(v),
    "must be an ISO 8601 date, e.g. 2026-01-31",
  );

export const DATE_OPERATORS = ["before", "after", "within_last_days"] as const;

const ZTraitCondition = z
  .object({
    kind: z.literal("trait"),
    trait: ZName,
    operator: z.enum([...OPERATORS, ...DATE_OPERATORS], {
      error: `must be one of ${[...OPERATORS, ...DATE_OPERATORS].join(", ")}`,
    }),
    value: z
      .union([
        z.string(),
        z.number(),
        z.boolean(),
        z.null(),
        z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])),
      ])
      .optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const need = (ok: boolean, message: string): void => {
      if (!ok) ctx.addIssue({ code: "custom", path: ["value"], message });
    };
    switch (c.operator) {
      case "exists":
      case "not_exists":
        return need(c.value === undefined, `must be left out for ${c.operator}`);
      case "in":
      case "not_in":
        return need(Array.isArray(c.value) && c.value.length > 0, `must be a non-empty list for ${c.operator}`);
      case "gt":
      case "gte":
      case "lt":
      case "lte":
        return need(typeof c.value === "number", `must be a number for ${c.operator}`);
      case "before":
      case "after":
        return need(
          typeof c.value === "string" && ZIsoDate.safeParse(c.value).success,
          `must be an ISO 8601 date for ${c.operator}, e.g. 2026-01-31`,
        );
      case "within_last_days":
        return need(ZDays.safeParse(c.value).success, "must be a whole number of days from 1 to 3650");
      default:
        return need(c.value !== undefined && !Array.isArray(c.value), `must be a single value for ${c.operator}`);
    }
  });

export const COUNT_OPERATORS = ["at_least", "at_most", "exactly"] as const;

const ZEventCountCondition = z
  .object({
    kind: z.literal("event_count"),
    event: ZName,
    filters: z.array(ZPropertyFilter).max(10, "at most 10 filters").default([]),
    operator: z.enum(COUNT_OPERATORS, { error: `must be one of ${COUNT_OPERATORS.join(", ")}` }),
    count: z
      .number({ error: "must be a number" })
      .int("must be a whole number")
      .min(0, "must be 0 or more")
      .max(1_000_000, "is too large"),
    /** left out: ever */
    withinDays: ZDays.optional(),
  })
  .strict();

const ZNotPerformedCondition = z
  .object({
    kind: z.literal("not_performed"),
    event: ZName,
    filters: z.array(ZPropertyFilter).max(10, "at most 10 filters").default([]),
    withinDays: ZDays,
  })
  .strict();

const ZEventTimeCondition = z
  .object({
    kind: z.literal("event_time"),
    event: ZName,
    which: z.enum(["first", "last"], { error: "must be first or last" }),
    operator: z.enum(DATE_OPERATORS, { error: `must be one of ${DATE_OPERATORS.join(", ")}` }),
    value: z.union([z.string(), z.number()]),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (
      c.operator === "within_last_days"
        ? !ZDays.safeParse(c.value).success
        : !(typeof c.value === "string" && ZIsoDate.safeParse(c.value).success)
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["value"],
        message:
          c.operator === "within_last_days"
            ? "must be a whole number of days from 1 to 3650"
            : "must be an ISO 8601 date, e.g. 2026-01-31",
      });
    }
  });

const ZSegmentCondition = z
  .object({
    kind: z.literal("segment"),
    segmentId: z.uuid("must be a segment id"),
    member: z.boolean({ error: "must be true or false" }).default(true),
  })
  .strict();

export const REACHABLE_CHANNELS = ["email", "sms", "push"] as const;
const ZReachableCondition = z
  .object({
    kind: z.literal("reachable"),
    channel: z.enum(REACHABLE_CHANNELS, { error: `must be one of ${REACHABLE_CHANNELS.join(", ")}` }),
  })
  .strict();

const ZPredictionCondition = z
  .object({ kind: z.literal("prediction"), predictionId: ZPredictionId, test: ZPredictionTest })
  .strict();

export type TCondition =
  | z.output<typeof ZTraitCondition>
  | z.output<typeof ZEventCountCondition>
  | z.output<typeof ZNotPerformedCondition>
  | z.output<typeof ZEventTimeCondition>
  | z.output<typeof ZSegmentCondition>
  | z.output<typeof ZReachableCondition>
  | z.output<typeof ZPredictionCondition>
  | { kind: "group"; match: "all" | "any"; conditions: TCondition[] }
  | { kind: "not"; condition: TCondition };

export const CONDITION_KINDS = [
  "trait",
  "event_count",
  "not_performed",
  "event_time",
  "segment",
  "reachable",
  "prediction",
  "group",
  "not",
] as const;

export const MAX_DEPTH = 5;
export const MAX_CONDITIONS = 50;

export const ZCondition: z.ZodType<TCondition> = z.lazy(() =>
  z.discriminatedUnion(
    "kind",
    [
      ZTraitCondition,
      ZEventCountCondition,
      ZNotPerformedCondition,
      ZEventTimeCondition,
      ZSegmentCondition,
      ZReachableCondition,
      ZPredictionCondition,
      z
        .object({
          kind: z.literal("group"),
          match: z.enum(["all", "any"], { error: "must be all or any" }),
          conditions: z
            .array(ZCondition)
            .min(1, "needs at least one condition")
            .max(MAX_CONDITIONS, `at most ${MAX_CONDITIONS} conditions`),
        })
        .strict(),
      z.object({ kind: z.literal("not"), condition: ZCondition }).strict(),
    ],
    { error: `must be one of ${CONDITION_KINDS.join(", ")}` },
  ),
) as z.ZodType<TCondition>;

function depth(c: TCondition): number {
  if (c.kind === "group") return 1 + Math.max(0, ...c.conditions.map(depth));
  if (c.kind === "not") return 1 + depth(c.condition);
  return 1;
}

/**
 * How deeply a definition's JSON may nest at all, checked before zod reads it: ZCondition is recursive
 * (z.lazy), so a 20,000-level definition overflowed the stack (a 500) before MAX_DEPTH was ever checked.
 * The deepest valid definition (MAX_DEPTH groups, a filter's list value) is about 12 levels.
 */
export const MAX_JSON_DEPTH = 32;

/** The path of the first object or array nested deeper than MAX_JSON_DEPTH, or null; iterative, no recursion. */
export function tooDeepPath(value: unknown, maxDepth = MAX_JSON_DEPTH): (string | number)[] | null {
  type Frame = { value: unknown; path: (string | number)[] };
  const stack: Frame[] = [{ value, path: [] }];
  while (stack.length) {
    const { value: v, path } = stack.pop()!;
    if (typeof v !== "object" || v === null) continue;
    // `path` has one entry per level above this container: the root is level 1
    if (path.length + 1 > maxDepth) return path;
    if (Array.isArray(v)) v.forEach((child, i) => stack.push({ value: child, path: [...path, i] }));
    else for (const [k, child] of Object.entries(v)) stack.push({ value: child, path: [...path, k] });
  }
  return null;
}

/** The root of a definition is always a group, so the builder always has an AND/OR to add to. */
const ZDefinitionTree = z
  .object({
    kind: z.literal("group", {
      error: 'the root must be a group: { "kind": "group", "match": "all", "conditions": [...] }',
    }),
    match: z.enum(["all", "any"], { error: "must be all or any" }),
    conditions: z
      .array(ZCondition)
      .min(1, "needs at least one condition")
      .max(MAX_CONDITIONS, `at most ${MAX_CONDITIONS} conditions`),
  })
  .strict()
  .superRefine((root, ctx) => {
    if (depth(root as TCondition) > MAX_DEPTH)
      ctx.addIssue({ code: "custom", path: ["conditions"], message: `nests deeper than ${MAX_DEPTH} levels` });
  });

/** The nesting is checked first (a pipe stops at the first schema's issues), then the tree. */
export const ZSegmentDefinition = z
  .unknown()
  .superRefine((value, ctx) => {
    const path = tooDeepPath(value);
    if (path)
      ctx.addIssue({
        code: "custom",
        path,
        message: `nests deeper than ${MAX_DEPTH} condition levels (${MAX_JSON_DEPTH} levels of JSON)`,
      });
  })
  .pipe(ZDefinitionTree);
export type TSegmentDefinition = z.output<typeof ZSegmentDefinition>;

/** Every segment a definition refers to (for cycle checks and "used by"). */
export function referencedSegments(c: TCondition): string[] {
  if (c.kind === "segment") return [c.segmentId];
  if (c.kind === "group") return c.conditions.flatMap(referencedSegments);
  if (c.kind === "not") return referencedSegments(c.condition);
  return [];
}

/** Event names whose arrival can change membership (the event-driven re-evaluation's index). */
export function referencedEvents(c: TCondition): string[] {
  if (c.kind === "event_count" || c.kind === "not_performed" || c.kind === "event_time") return [c.event];
  if (c.kind === "group") return [...new Set(c.conditions.flatMap(referencedEvents))];
  if (c.kind === "not") return referencedEvents(c.condition);
  return [];
}

/** Predictions whose scores a definition reads directly (segment conditions are not followed). */
export function referencedPredictions(c: TCondition): string[] {
  if (c.kind === "prediction") return [c.predictionId];
  if (c.kind === "group") return [...new Set(c.conditions.flatMap(referencedPredictions))];
  if (c.kind === "not") return referencedPredictions(c.condition);
  return [];
}
