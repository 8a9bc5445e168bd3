import { OPERATORS, type Operator } from "@/lib/journeys/graph";
import {
  COUNT_OPERATORS,
  DATE_OPERATORS,
  MAX_CONDITIONS,
  MAX_DEPTH,
  REACHABLE_CHANNELS,
  type TCondition,
  type TSegmentDefinition,
} from "@/lib/segments/definition";

/**
 * The builder's view of a segment definition: what each condition kind is called, the conditions it starts
 * from, how values are typed per operator, a sentence per condition for read-only views, and where a
 * validation error's path (`definition.conditions.1.conditions.0.count`) lands in the tree. Pure, no React.
 */

/** A condition while it is being edited: the definition's shape, but any field may hold what was typed. */
export type Draft = { kind: string } & Record<string, unknown>;
export type DraftGroup = { kind: "group"; match: "all" | "any"; conditions: Draft[] };

export type TraitOperator = Operator | (typeof DATE_OPERATORS)[number];
export const TRAIT_OPERATORS: readonly TraitOperator[] = [...OPERATORS, ...DATE_OPERATORS];

/**
 * The operators that fit each type the trait catalog records (lib/segments/traits.ts). Presence fits every
 * type; "date" is a string that reads as a date, so it gets the date operators instead of text ones.
 */
const OPERATORS_BY_TYPE: Record<string, readonly TraitOperator[]> = {
  number: ["equals", "not_equals", "gt", "gte", "lt", "lte", "in", "not_in", "exists", "not_exists"],
  date: ["before", "after", "within_last_days", "exists", "not_exists"],
  string: ["equals", "not_equals", "contains", "not_contains", "in", "not_in", "exists", "not_exists"],
  boolean: ["equals", "not_equals", "exists", "not_exists"],
  array: ["contains", "not_contains", "exists", "not_exists"],
  object: ["exists", "not_exists"],
};

/**
 * The operators to offer for a trait seen with `types` (the union when it was seen with several, in the usual
 * order); every operator for a trait the catalog does not know (new, or typed by hand) or types it has no
 * rule for.
 */
export function traitOperatorsFor(types: readonly string[] | undefined): TraitOperator[] {
  const known = (types ?? []).filter((t) => t in OPERATORS_BY_TYPE);
  if (!known.length) return [...TRAIT_OPERATORS];
  const fit = new Set(known.flatMap((t) => OPERATORS_BY_TYPE[t]));
  return TRAIT_OPERATORS.filter((o) => fit.has(o));
}
export type CountOperator = (typeof COUNT_OPERATORS)[number];
export type Channel = (typeof REACHABLE_CHANNELS)[number];
export { COUNT_OPERATORS, DATE_OPERATORS, MAX_CONDITIONS, MAX_DEPTH, OPERATORS, REACHABLE_CHANNELS };

export const OPERATOR_LABELS: Record<TraitOperator, string> = {
  equals: "equals",
  not_equals: "does not equal",
  contains: "contains",
  not_contains: "does not contain",
  gt: "is greater than",
  gte: "is at least",
  lt: "is less than",
  lte: "is at most",
  exists: "exists",
  not_exists: "does not exist",
  in: "is one of",
  not_in: "is not one of",
  before: "is a date before",
  after: "is a date after",
  within_last_days: "is a date within the last",
};

export const COUNT_LABELS: Record<CountOperator, string> = {
  at_least: "at least",
  at_most: "at most",
  exactly: "exactly",
};
export const DATE_LABELS: Record<(typeof DATE_OPERATORS)[number], string> = {
  before: "before",
  after: "after",
  within_last_days: "within the last",
};
export const TIER_LABELS: Record<"low" | "medium" | "high", string> = { low: "Low", medium: "Medium", high: "High" };
export const SCORE_OPERATOR_LABELS: Record<"gte" | "gt" | "lte" | "lt", string> = {
  gte: "at least",
  gt: "above",
  lte: "at most",
  lt: "below",
};

export const CHANNEL_LABELS: Record<Channel, string> = {
  email: "has an email address and email consent",
  sms: "has a phone number and SMS consent",
  push: "has a push token",
};

/** The kinds a marketer adds from the "Add condition" menu, in that order. */
export const LEAF_KINDS = [
  { kind: "event_count", label: "Did an event", hint: "N times, in the last D days or ever" },
  { kind: "not_performed", label: "Did not do an event", hint: "in the last D days" },
  { kind: "event_time", label: "First or last time of an event", hint: "before, after or within" },
  { kind: "trait", label: "Profile trait", hint: "equals, contains, greater than, a date…" },
  { kind: "segment", label: "In another segment", hint: "or not in it" },
  { kind: "reachable", label: "Reachable on a channel", hint: "email, SMS or push" },
  { kind: "prediction", label: "Prediction score", hint: "a churn or purchase tier, or a score from 0 to 100" },
] as const;
export type LeafKind = (typeof LEAF_KINDS)[number]["kind"];

export const KIND_TITLES: Record<string, string> = {
  event_count: "Did an event",
  not_performed: "Did not do an event",
  event_time: "First or last time of an event",
  trait: "Profile trait",
  segment: "Segment membership",
  reachable: "Reachable on a channel",
  prediction: "Prediction score",
  group: "Group",
  not: "Not",
};

export function newCondition(kind: LeafKind | "group"): Draft {
  switch (kind) {
    case "event_count":
      return { kind, event: "", filters: [], operator: "at_least", count: 1, withinDays: 30 };
    case "not_performed":
      return { kind, event: "", filters: [], withinDays: 30 };
    case "event_time":
      return { kind, event: "", which: "last", operator: "within_last_days", value: 30 };
    case "trait":
      return { kind, trait: "", operator: "equals", value: "" };
    case "segment":
      return { kind, segmentId: "", member: true };
    case "reachable":
      return { kind, channel: "email" };
    case "prediction":
      return { kind, predictionId: "", test: { kind: "tier", tiers: ["high"] } };
    case "group":
      return { kind, match: "all", conditions: [] };
  }
}

export const emptyDefinition = (): DraftGroup => ({ kind: "group", match: "all", conditions: [] });

// ---- Values, typed by operator --------------------------------------------------------------------------

export type ValueInput = "none" | "text" | "number" | "list" | "date" | "days";

export function valueInputFor(operator: string): ValueInput {
  if (operator === "exists" || operator === "not_exists") return "none";
  if (["gt", "gte", "lt", "lte"].includes(operator)) return "number";
  if (operator === "in" || operator === "not_in") return "list";
  if (operator === "before" || operator === "after") return "date";
  if (operator === "within_last_days") return "days";
  return "text";
}

/** The text a value shows in its input. */
export function valueText(value: unknown): string {
  if (value === undefined || value === null) return "";
  return Array.isArray(value) ? value.join(", ") : String(value);
}

/** What was typed, as the value the operator compares with (numbers stay text until they are numbers, so the API names the problem). */
export function parseValue(operator: string, text: string): unknown {
  switch (valueInputFor(operator)) {
    case "none":
      return undefined;
    case "number":
    case "days":
      return text.trim() !== "" && !Number.isNaN(Number(text)) ? Number(text) : text;
    case "list":
      return text
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
    case "date":
      return text;
    default:
      return text;
  }
}

/** A number field's value: a number when it is one, else what was typed. */
export function parseNumber(text: string): number | string {
  return text.trim() !== "" && !Number.isNaN(Number(text)) ? Number(text) : text;
}

/** When the operator changes, keep what can be kept (a date stays a date; a list becomes one value…). */
export function convertValue(from: string, to: string, value: unknown): unknown {
  const a = valueInputFor(from);
  const b = valueInputFor(to);
  if (b === "none") return undefined;
  if (a === b) return value;
  if (b === "days") return typeof value === "number" ? value : 30;
  if (b === "date") return "";
  return parseValue(to, valueText(value));
}

// ---- Tree edits ----------------------------------------------------------------------------------------

/** Where a condition is: the keys from the root group, e.g. ["conditions", 1, "condition"]. */
export type TreePath = (string | number)[];

export function pathText(path: TreePath): string {
  return ["definition", ...path].join(".");
}

export function getAt(root: Draft, path: TreePath): Draft | undefined {
  let node: unknown = root;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node && typeof node === "object" && "kind" in node ? (node as Draft) : undefined;
}

/** Immutable replace (or remove, with `undefined` under a group's conditions) at a path. */
export function setAt(root: Draft, path: TreePath, value: Draft | undefined): Draft {
  if (!path.length) return (value ?? root) as Draft;
  const [head, ...rest] = path;
  if (Array.isArray(root)) {
    const list = [...(root as unknown[])];
    if (!rest.length && value === undefined) list.splice(Number(head), 1);
    else list[Number(head)] = setAt(list[Number(head)] as Draft, rest, value);
    return list as unknown as Draft;
  }
  const child = (root as Record<string | number, unknown>)[head] as Draft;
  return { ...root, [head]: setAt(child, rest, value) };
}

export function depthOf(c: Draft): number {
  if (c.kind === "group") return 1 + Math.max(0, ...((c.conditions as Draft[]) ?? []).map(depthOf));
  if (c.kind === "not") return 1 + depthOf(c.condition as Draft);
  return 1;
}

/** How deep a path sits (the root group is level 1), counting NOTs like the definition's depth limit does. */
export function levelOf(path: TreePath): number {
  return 1 + path.filter((k) => k === "condition" || typeof k === "number").length;
}

// ---- Validation errors from the API, placed in the tree ---------------------------------------------------

/**
 * The condition an error path belongs to and the rest of the path inside it:
 * `definition.conditions.1.conditions.0.count` → { at: "definition.conditions.1.conditions.0", field: "count" };
 * `definition.conditions.2.condition.window` → { at: "definition.conditions.2.condition", field: "window" };
 * `definition.conditions` → { at: "definition", field: "conditions" }. Paths outside the definition give null.
 */
export function locateError(path: string): { at: string; field: string } | null {
  const tokens = path.split(".");
  if (tokens[0] !== "definition") return null;
  let i = 1;
  const at = ["definition"];
  while (i < tokens.length) {
    if (tokens[i] === "conditions" && i + 1 < tokens.length && /^\d+$/.test(tokens[i + 1])) {
      at.push("conditions", tokens[i + 1]);
      i += 2;
    } else if (tokens[i] === "condition") {
      at.push("condition");
      i += 1;
    } else break;
  }
  return { at: at.join("."), field: tokens.slice(i).join(".") };
}

/** The errors of one condition, by the field they name inside it ("" for the condition itself). */
export function errorsAt(errors: Record<string, string>, at: string): Record<string, string> {
  const mine: Record<string, string> = {};
  for (const [path, message] of Object.entries(errors)) {
    const where = locateError(path);
    if (where && where.at === at) mine[where.field] ??= message;
  }
  return mine;
}

/** Errors no condition of this draft can show (a stale index, or a path outside the definition): shown above the tree. */
export function unplacedErrors(
  errors: Record<string, string>,
  root: Draft,
  known: string[] = ["name"],
): { path: string; message: string }[] {
  return Object.entries(errors)
    .filter(([path]) => {
      if (known.includes(path)) return false;
      const where = locateError(path);
      if (!where) return true;
      const treePath = where.at
        .split(".")
        .slice(1)
        .map((k) => (/^\d+$/.test(k) ? Number(k) : k));
      return !getAt(root, treePath);
    })
    .map(([path, message]) => ({ path, message }));
}

// ---- Read-only sentences --------------------------------------------------------------------------------

function quote(value: unknown): string {
  if (Array.isArray(value)) return value.map(quote).join(", ");
  return typeof value === "string" ? `“${value}”` : String(value);
}

function days(n: unknown): string {
  return n === 1 ? "1 day" : `${n} days`;
}

export function describeFilters(filters: unknown): string {
  const list = Array.isArray(filters) ? (filters as { property?: string; operator?: string; value?: unknown }[]) : [];
  if (!list.length) return "";
  return `, where ${list.map((f) => `${f.property} ${OPERATOR_LABELS[f.operator as TraitOperator] ?? f.operator}${valueInputFor(String(f.operator)) === "none" ? "" : ` ${quote(f.value)}`}`).join(" and ")}`;
}

/** One condition in words: "Did Product Viewed at least 3 times in the last 7 days". */
export function describe(
  c: Draft,
  segmentName: (id: string) => string = (id) => id,
  predictionName: (id: string) => string = (id) => id,
): string {
  switch (c.kind) {
    case "trait": {
      const op = String(c.operator);
      const value =
        valueInputFor(op) === "none" ? "" : op === "within_last_days" ? ` ${days(c.value)}` : ` ${quote(c.value)}`;
      return `Trait ${c.trait} ${OPERATOR_LABELS[op as TraitOperator] ?? op}${value}`;
    }
    case "event_count":
      return `Did ${c.event} ${COUNT_LABELS[c.operator as CountOperator] ?? c.operator} ${c.count} ${c.count === 1 ? "time" : "times"} ${c.withinDays === undefined ? "ever" : `in the last ${days(c.withinDays)}`}${describeFilters(c.filters)}`;
    case "not_performed":
      return `Did not do ${c.event} in the last ${days(c.withinDays)}${describeFilters(c.filters)}`;
    case "event_time": {
      const op = String(c.operator);
      return `The ${c.which === "first" ? "first" : "last"} time they did ${c.event} is ${DATE_LABELS[op as keyof typeof DATE_LABELS] ?? op} ${op === "within_last_days" ? days(c.value) : quote(c.value)}`;
    }
    case "segment":
      return `${c.member === false ? "Not in" : "In"} the segment ${quote(segmentName(String(c.segmentId)))}`;
    case "reachable":
      return `Reachable: ${CHANNEL_LABELS[c.channel as Channel] ?? c.channel}`;
    case "prediction": {
      const test = (c.test ?? {}) as { kind?: string; tiers?: string[]; operator?: string; value?: unknown };
      const what =
        test.kind === "score"
          ? `score is ${SCORE_OPERATOR_LABELS[test.operator as keyof typeof SCORE_OPERATOR_LABELS] ?? test.operator} ${test.value}`
          : `tier is ${(test.tiers ?? []).join(" or ")}`;
      return `Prediction ${quote(predictionName(String(c.predictionId)))}: ${what}`;
    }
    default:
      return KIND_TITLES[c.kind] ?? c.kind;
  }
}

/** A saved definition as the builder's draft (and back: the draft is sent as is, the API validates it). */
export const toDraft = (definition: TSegmentDefinition | TCondition): Draft => definition as unknown as Draft;
