import type { Operator, TRule, TRuleGroup } from "../journeys/graph";
import { describePredictionTest, passesPredictionTest } from "../predictions/rules";

/**
 * Conditions and filters, evaluated the same way everywhere (trigger filters, condition and branch
 * nodes). Pure: facts that need the database ("has done X in the last N days", segment membership) are
 * looked up first and handed in as `Facts`.
 */

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A value at a dotted path ("address.city") in traits or event properties. */
export function valueAt(source: Record<string, unknown> | null | undefined, path: string): unknown {
  let current: unknown = source;
  for (const key of path.split(".")) {
    if (current === null || typeof current !== "object" || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Numbers typed as text (from forms, CSVs, or an inspector field) compare as numbers. */
function asNumber(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return null;
}

function looselyEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const na = asNumber(a);
  const nb = asNumber(b);
  if (na !== null && nb !== null) return na === nb;
  if (typeof a === "boolean" || typeof b === "boolean") return String(a) === String(b);
  return false;
}

export function compare(actual: unknown, operator: Operator, expected: unknown): boolean {
  const present = actual !== undefined && actual !== null;
  switch (operator) {
    case "exists":
      return present;
    case "not_exists":
      return !present;
    case "equals":
      return present && looselyEqual(actual, expected);
    case "not_equals":
      return !present || !looselyEqual(actual, expected);
    case "contains":
    case "not_contains": {
      const has = Array.isArray(actual)
        ? actual.some((item) => looselyEqual(item, expected))
        : typeof actual === "string" && actual.toLowerCase().includes(String(expected).toLowerCase());
      return operator === "contains" ? has : !has;
    }
    case "gt":
    case "gte":
    case "lt":
    case "lte": {
      const a = asNumber(actual);
      const b = asNumber(expected);
      if (a === null || b === null) return false;
      return operator === "gt" ? a > b : operator === "gte" ? a >= b : operator === "lt" ? a < b : a <= b;
    }
    case "in":
    case "not_in": {
      const list = Array.isArray(expected) ? expected : [expected];
      const found = present && list.some((item) => looselyEqual(actual, item));
      return operator === "in" ? found : !found;
    }
  }
}

export interface Facts {
  /** "has performed `eventName` within the last `withinDays` days (ever, if undefined)" */
  performed(eventName: string, withinDays?: number): boolean;
  /** current segment membership (SegmentMembership, loaded once per advance batch) */
  inSegment(segmentId: string): boolean;
  /** the person's current score on a prediction (loaded once per walk batch); undefined: no score */
  prediction?(predictionId: string): { score: number; tier: string } | undefined;
}

export interface RuleSubject {
  traits: Record<string, unknown>;
  eventProperties: Record<string, unknown>;
  facts: Facts;
}

export interface RuleResult {
  matched: boolean;
  /** each rule with the value it saw: the inputs recorded in the trace */
  checks: { rule: string; actual: Json | undefined; matched: boolean }[];
}

function describeRule(rule: TRule): string {
  switch (rule.kind) {
    case "trait":
      return `trait ${rule.trait} ${rule.operator}${rule.value === undefined ? "" : ` ${JSON.stringify(rule.value)}`}`;
    case "event_property":
      return `trigger property ${rule.property} ${rule.operator}${rule.value === undefined ? "" : ` ${JSON.stringify(rule.value)}`}`;
    case "segment":
      return `${rule.member ? "in" : "not in"} segment ${rule.segmentId}`;
    case "performed":
      return `${rule.performed ? "has" : "has not"} done ${rule.eventName}${rule.withinDays ? ` in the last ${rule.withinDays} days` : ""}`;
    case "prediction":
      return `prediction ${rule.predictionId} ${describePredictionTest(rule.test)}`;
  }
}

function toJson(v: unknown): Json | undefined {
  return v === undefined ? undefined : (JSON.parse(JSON.stringify(v)) as Json);
}

export function evaluateRule(rule: TRule, subject: RuleSubject): { matched: boolean; actual: unknown } {
  switch (rule.kind) {
    case "trait": {
      const actual = valueAt(subject.traits, rule.trait);
      return { matched: compare(actual, rule.operator, rule.value), actual };
    }
    case "event_property": {
      const actual = valueAt(subject.eventProperties, rule.property);
      return { matched: compare(actual, rule.operator, rule.value), actual };
    }
    case "segment": {
      const actual = subject.facts.inSegment(rule.segmentId);
      return { matched: actual === rule.member, actual };
    }
    case "performed": {
      const actual = subject.facts.performed(rule.eventName, rule.withinDays);
      return { matched: actual === rule.performed, actual };
    }
    case "prediction": {
      const actual = subject.facts.prediction?.(rule.predictionId);
      return { matched: passesPredictionTest(actual, rule.test), actual: actual ?? null };
    }
  }
}

export function evaluateGroup(group: TRuleGroup, subject: RuleSubject): RuleResult {
  const checks = group.rules.map((rule) => {
    const { matched, actual } = evaluateRule(rule, subject);
    return { rule: describeRule(rule), actual: toJson(actual), matched };
  });
  const matched = group.match === "all" ? checks.every((c) => c.matched) : checks.some((c) => c.matched);
  return { matched, checks };
}

/** The "performed" questions a rule group asks, so the caller can look them all up in one go. */
export function performedQuestions(group: TRuleGroup): { eventName: string; withinDays?: number }[] {
  return group.rules.flatMap((r) =>
    r.kind === "performed" ? [{ eventName: r.eventName, withinDays: r.withinDays }] : [],
  );
}

export const factKey = (eventName: string, withinDays?: number) => `${eventName}\u0000${withinDays ?? "ever"}`;
