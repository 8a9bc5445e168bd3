import type { Operator, TPropertyFilter } from "../journeys/graph";
import { predictionTestSql } from "../predictions/rules";
import type { TCondition, TSegmentDefinition } from "./definition";

/**
 * A segment definition compiled to SQL over one profile row `p` (a surviving profile: mergedIntoId IS NULL),
 * parameterised, in two forms built from the same pieces:
 *
 *   - `predicate`: one boolean expression (EXISTS / scalar subqueries on "Event"), for counting and sampling
 *     (the builder's estimate);
 *   - `evaluation`: for keeping memberships, each condition becomes a LATERAL with its answer `v` and `n`, the
 *     next moment that answer can change with no new event (NULL: only an event or an edit can change it).
 *     Groups combine them (an AND that is false because of a condition that cannot change by the clock cannot
 *     change either), so the root's `n` is the profile's nextCheckAt.
 *
 * Both are used for one profile (event-driven), a list of profiles, or everyone in batches (recompute): the
 * caller adds the scope (`p.id = ANY(...)`).
 *
 * Events: a person's events are theirs and those of anonymous profiles merged into them (a merge re-points
 * events, but an event stored by a request that raced the merge keeps the old id): `pid.ids`. A window of D
 * days holds events with timestamp >= now - D days (86,400,000 ms a day, as journeys count), so an event
 * leaves it at timestamp + D days + 1 ms. Events dated in the future count from the moment they are stored.
 * "At least N" holds while the N-th newest event is in the window, so that event's timestamp tells both the
 * answer and when it changes, in one index probe on Event(workspaceId, profileId, name, timestamp).
 *
 * Traits compare as journey conditions do (lib/engine/rules.ts `compare`): numbers written as text compare
 * as numbers, booleans as their text; date operators read the trait with cairn_trait_time() (the migration
 * "segments"): epoch seconds or milliseconds, an ISO date (midnight UTC) or date-time.
 *
 * Prediction conditions read the person's current PredictionScore row (kept by scoring, which records each change
 * in PredictionScoreChange; inngest/functions/dispatch-prediction-changes.ts re-evaluates from those), so they
 * never change by the clock alone. No row: no match.
 *
 * Segment conditions inline a dynamic segment's definition (so no stored membership can be stale, and time
 * windows inside it schedule checks here too) and read a manual segment's membership rows.
 */

export const DAY_MS = 86_400_000;

export interface SegmentSource {
  id: string;
  kind: "dynamic" | "manual";
  definition: TSegmentDefinition | null;
}

export interface CompileOptions {
  workspaceId: string;
  now: Date;
  /** the workspace's other segments, for segment conditions */
  segments: ReadonlyMap<string, SegmentSource>;
}

/** A parameter list that hands out placeholders. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return `$${this.values.length}${cast ? `::${cast}` : ""}`;
  }
}

// ---------------------------------------------------------------------------------------------------
// JSON values compared like lib/engine/rules.ts compare()

const NUMERIC_TEXT = String.raw`^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]{1,3})?\s*$`;

function asNumber(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** The number a JSON value stands for (a number, or text that is one), else NULL. */
function numberOf(x: string): string {
  return `(CASE WHEN jsonb_typeof(${x}) = 'number' THEN (${x})::numeric WHEN jsonb_typeof(${x}) = 'string' AND (${x} #>> '{}') ~ '${NUMERIC_TEXT}' THEN (${x} #>> '{}')::numeric END)`;
}

const present = (x: string) => `(${x} IS NOT NULL AND jsonb_typeof(${x}) <> 'null')`;

/** looselyEqual(actual, expected) for a known expected value; never NULL. */
function looselyEqual(x: string, expected: unknown, q: SqlParams): string {
  if (typeof expected === "number")
    return Number.isFinite(expected) ? `COALESCE(${numberOf(x)} = ${q.add(expected, "numeric")}, false)` : "false";
  if (typeof expected === "boolean")
    return `COALESCE(jsonb_typeof(${x}) IN ('boolean', 'string') AND (${x} #>> '{}') = '${expected}', false)`;
  if (typeof expected === "string") {
    const terms = [`(jsonb_typeof(${x}) = 'string' AND (${x} #>> '{}') = ${q.add(expected, "text")})`];
    const n = asNumber(expected);
    if (n !== null) terms.push(`${numberOf(x)} = ${q.add(n, "numeric")}`);
    if (expected === "true" || expected === "false")
      terms.push(`(jsonb_typeof(${x}) = 'boolean' AND (${x} #>> '{}') = '${expected}')`);
    return `COALESCE(${terms.join(" OR ")}, false)`;
  }
  return "false";
}

/** compare(actual, operator, expected) with `x` a jsonb expression (NULL when missing); never NULL. */
export function compareSql(x: string, operator: Operator, expected: unknown, q: SqlParams): string {
  switch (operator) {
    case "exists":
      return `COALESCE(${present(x)}, false)`;
    case "not_exists":
      return `NOT COALESCE(${present(x)}, false)`;
    case "equals":
      return `(COALESCE(${present(x)}, false) AND ${looselyEqual(x, expected, q)})`;
    case "not_equals":
      return `NOT (COALESCE(${present(x)}, false) AND ${looselyEqual(x, expected, q)})`;
    case "contains":
    case "not_contains": {
      const has = `COALESCE(CASE jsonb_typeof(${x})
        WHEN 'array' THEN EXISTS (SELECT 1 FROM jsonb_array_elements(${x}) AS item(v) WHERE ${looselyEqual("item.v", expected, q)})
        WHEN 'string' THEN strpos(lower(${x} #>> '{}'), ${q.add(String(expected).toLowerCase(), "text")}) > 0
        ELSE false END, false)`;
      return operator === "contains" ? has : `NOT ${has}`;
    }
    case "gt":
    case "gte":
    case "lt":
    case "lte": {
      const n = asNumber(expected);
      if (n === null) return "false";
      const op = { gt: ">", gte: ">=", lt: "<", lte: "<=" }[operator];
      return `COALESCE(${numberOf(x)} ${op} ${q.add(n, "numeric")}, false)`;
    }
    case "in":
    case "not_in": {
      const list = Array.isArray(expected) ? expected : [expected];
      const found = `(COALESCE(${present(x)}, false) AND (${list.map((item) => looselyEqual(x, item, q)).join(" OR ") || "false"}))`;
      return operator === "in" ? found : `NOT ${found}`;
    }
  }
}

const jsonPath = (column: string, path: string, q: SqlParams) => `${column} #> ${q.add(path.split("."), "text[]")}`;

// ---------------------------------------------------------------------------------------------------
// Pieces shared by both forms

/** A date condition's value as a moment: an ISO date is midnight UTC. */
export function dateValue(value: string): Date {
  return new Date(/^\d{4}-\d{2}-\d{2}$/.test(value.trim()) ? `${value.trim()}T00:00:00Z` : value);
}

const interval = (ms: number, q: SqlParams) => q.add(`${ms} milliseconds`, "interval");

interface Env {
  q: SqlParams;
  options: CompileOptions;
  ws: string;
  readonly now: string;
  /** segments being inlined (a cycle that slipped past validation must not recurse forever) */
  inlining: string[];
  usesEvents: boolean;
}

function newEnv(options: CompileOptions, q: SqlParams): Env {
  let now: string | undefined;
  return {
    q,
    options,
    ws: q.add(options.workspaceId, "uuid"),
    // added when first used: a parameter no statement mentions has no type
    get now() {
      return (now ??= q.add(options.now, "timestamptz"));
    },
    inlining: [],
    usesEvents: false,
  };
}

function eventWhere(env: Env, event: string, filters: TPropertyFilter[], sinceDays?: number): string {
  env.usesEvents = true;
  const { q } = env;
  const terms = [`e."workspaceId" = ${env.ws}`, `e."profileId" = ANY(pid.ids)`, `e.name = ${q.add(event, "text")}`];
  if (sinceDays !== undefined)
    terms.push(`e.timestamp >= ${q.add(new Date(env.options.now.getTime() - sinceDays * DAY_MS), "timestamptz")}`);
  for (const f of filters) terms.push(compareSql(jsonPath("e.properties", f.property, q), f.operator, f.value, q));
  return terms.join(" AND ");
}

/** The k-th newest matching event's timestamp (k >= 1): NULL when there are fewer than k. */
function kthNewest(env: Env, where: string, k: number): string {
  return `(SELECT e.timestamp FROM "Event" e WHERE ${where} ORDER BY e.timestamp DESC OFFSET ${k - 1} LIMIT 1)`;
}

/** "at least k" as a predicate. */
function atLeast(where: string, k: number): string {
  if (k <= 0) return "true";
  return `EXISTS (SELECT 1 FROM "Event" e WHERE ${where} OFFSET ${k - 1})`;
}

function traitTime(env: Env, trait: string): string {
  const x = jsonPath("p.traits", trait, env.q);
  return `(CASE WHEN jsonb_typeof(${x}) IN ('number', 'string') THEN cairn_trait_time(${x}) END)`;
}

/** Whether the person may receive the channel, as lib/messaging/policy.ts consentDecision decides. */
function consentSql(env: Env, channel: "email" | "sms" | "push"): string {
  const trait = `p.traits -> '${channel}_subscribe'`;
  const status = `COALESCE(
      (SELECT c.status FROM "ChannelConsent" c WHERE c."profileId" = p.id AND c.channel = '${channel}'),
      CASE WHEN (${trait}) IN ('"opted_in"', '"subscribed"', '"unsubscribed"') THEN ${trait} #>> '{}'
           WHEN (${trait}) = 'true' THEN 'opted_in' WHEN (${trait}) = 'false' THEN 'unsubscribed' END)`;
  const optInRequired = `COALESCE((SELECT '${channel}' = ANY(mp."requireOptIn") FROM "MessagingPolicy" mp WHERE mp."workspaceId" = ${env.ws}), false)`;
  return `(SELECT s IS DISTINCT FROM 'unsubscribed' AND (NOT ${optInRequired} OR s = 'opted_in') FROM (SELECT ${status} AS s) consent)`;
}

/** Has a contact point for the channel that is not suppressed, with consent (lib/messaging/delivery.ts). */
function reachableSql(env: Env, channel: "email" | "sms" | "push"): string {
  const suppressed = (address: string) =>
    `EXISTS (SELECT 1 FROM "Suppression" s WHERE s."workspaceId" = ${env.ws} AND s.channel = '${channel}' AND s.address = ${address})`;
  const consent = consentSql(env, channel);
  switch (channel) {
    case "email":
      return `COALESCE(p.email ~ '^[^\\s@]+@[^\\s@]+$' AND NOT ${suppressed("p.email")} AND ${consent}, false)`;
    case "sms": {
      const phone = `regexp_replace(p.phone, '[\\s().-]', '', 'g')`;
      return `COALESCE(${phone} ~ '^\\+[1-9][0-9]{6,14}$' AND NOT ${suppressed(phone)} AND ${consent}, false)`;
    }
    case "push":
      return `COALESCE(EXISTS (SELECT 1 FROM jsonb_array_elements(p."pushTokens") t WHERE t ->> 'token' <> '' AND NOT ${suppressed("t ->> 'token'")}) AND ${consent}, false)`;
  }
}

function traitPredicate(env: Env, c: Extract<TCondition, { kind: "trait" }>): string {
  const { q } = env;
  switch (c.operator) {
    case "before":
      return `COALESCE(${traitTime(env, c.trait)} < ${q.add(dateValue(String(c.value)), "timestamptz")}, false)`;
    case "after":
      return `COALESCE(${traitTime(env, c.trait)} > ${q.add(dateValue(String(c.value)), "timestamptz")}, false)`;
    case "within_last_days": {
      const since = q.add(new Date(env.options.now.getTime() - Number(c.value) * DAY_MS), "timestamptz");
      return `COALESCE((SELECT t >= ${since} AND t <= ${env.now} FROM (SELECT ${traitTime(env, c.trait)} AS t) d), false)`;
    }
    default:
      return compareSql(jsonPath("p.traits", c.trait, q), c.operator, c.value, q);
  }
}

function eventTimeSql(
  env: Env,
  c: Extract<TCondition, { kind: "event_time" }>,
): { t: string; sinceDays?: number; at?: string } {
  const t = `(SELECT ${c.which === "first" ? "min" : "max"}(e.timestamp) FROM "Event" e WHERE ${eventWhere(env, c.event, [])})`;
  if (c.operator === "within_last_days") return { t, sinceDays: Number(c.value) };
  return { t, at: env.q.add(dateValue(String(c.value)), "timestamptz") };
}

function referenced(env: Env, segmentId: string): SegmentSource | "cycle" | undefined {
  if (env.inlining.includes(segmentId)) return "cycle";
  return env.options.segments.get(segmentId);
}

const manualMember = (env: Env, segmentId: string) =>
  `EXISTS (SELECT 1 FROM "SegmentMembership" sm WHERE sm."segmentId" = ${env.q.add(segmentId, "uuid")} AND sm."profileId" = p.id)`;

/** The person's score on the prediction passes the test (one probe of PredictionScore's primary key). */
function predictionSql(env: Env, c: Extract<TCondition, { kind: "prediction" }>): string {
  const { q } = env;
  return `EXISTS (SELECT 1 FROM "PredictionScore" s WHERE s."predictionId" = ${q.add(c.predictionId, "uuid")} AND s."profileId" = p.id AND s."workspaceId" = ${env.ws} AND ${predictionTestSql(c.test, (v, cast) => q.add(v, cast))})`;
}

// ---------------------------------------------------------------------------------------------------
// The predicate form

function predicate(env: Env, c: TCondition): string {
  switch (c.kind) {
    case "group": {
      const parts = c.conditions.map((child) => predicate(env, child));
      return `(${parts.join(c.match === "all" ? " AND " : " OR ")})`;
    }
    case "not":
      return `(NOT ${predicate(env, c.condition)})`;
    case "trait":
      return traitPredicate(env, c);
    case "event_count": {
      if (c.operator === "at_least" && c.count <= 0) return "true";
      const where = eventWhere(env, c.event, c.filters, c.withinDays);
      if (c.operator === "at_least") return atLeast(where, c.count);
      if (c.operator === "at_most") return `(NOT ${atLeast(where, c.count + 1)})`;
      return `(${atLeast(where, c.count)} AND NOT ${atLeast(where, c.count + 1)})`;
    }
    case "not_performed":
      return `(NOT ${atLeast(eventWhere(env, c.event, c.filters, c.withinDays), 1)})`;
    case "event_time": {
      const { t, sinceDays, at } = eventTimeSql(env, c);
      if (sinceDays !== undefined)
        return `COALESCE(${t} >= ${env.q.add(new Date(env.options.now.getTime() - sinceDays * DAY_MS), "timestamptz")}, false)`;
      return `COALESCE(${t} ${c.operator === "before" ? "<" : ">"} ${at}, false)`;
    }
    case "segment": {
      const source = referenced(env, c.segmentId);
      let inner: string;
      if (source === "cycle" || !source) inner = "false";
      else if (source.kind === "manual" || !source.definition) inner = manualMember(env, c.segmentId);
      else {
        env.inlining.push(c.segmentId);
        inner = predicate(env, source.definition as TCondition);
        env.inlining.pop();
      }
      return c.member ? inner : `(NOT ${inner})`;
    }
    case "reachable":
      return reachableSql(env, c.channel);
    case "prediction":
      return predictionSql(env, c);
  }
}

/** The profile-ids lateral: the person and the anonymous profiles merged into them. */
const PERSON_IDS = `CROSS JOIN LATERAL (SELECT ARRAY[p.id] || ARRAY(SELECT m.id FROM "Profile" m WHERE m."mergedIntoId" = p.id) AS ids OFFSET 0) pid`;

export interface CompiledPredicate {
  /** FROM "Profile" p <joins> WHERE <where>: add the scope to the WHERE */
  joins: string;
  /** the workspace's surviving profiles that match */
  where: string;
  /** the definition alone (for counting matches among rows selected otherwise) */
  predicate: string;
  /** the workspace id's placeholder */
  workspaceParam: string;
  params: SqlParams;
}

/** The definition as one boolean over `p` ("Profile"), for the workspace's surviving profiles. */
export function compilePredicate(
  definition: TSegmentDefinition,
  options: CompileOptions,
  params = new SqlParams(),
): CompiledPredicate {
  const env = newEnv(options, params);
  const pred = predicate(env, definition as TCondition);
  return {
    joins: env.usesEvents ? PERSON_IDS : "",
    where: `p."workspaceId" = ${env.ws} AND p."mergedIntoId" IS NULL AND ${pred}`,
    predicate: pred,
    workspaceParam: env.ws,
    params,
  };
}

// ---------------------------------------------------------------------------------------------------
// The evaluation form: answer and next check per profile

interface Node {
  v: string;
  n: string;
}

interface LateralEnv extends Env {
  laterals: string[];
}

/**
 * Each condition is a LATERAL computed once per profile: OFFSET 0 keeps the planner from pulling it up into
 * the expressions that use it, which would run its subquery again for every reference (v and n, and the
 * groups above).
 */
function lateral(env: LateralEnv, select: string): Node {
  const alias = `c${env.laterals.length}`;
  env.laterals.push(`CROSS JOIN LATERAL (${select} OFFSET 0) ${alias}`);
  return { v: `${alias}.v`, n: `${alias}.n` };
}

const NEVER = "NULL::timestamptz";

function evaluation(env: LateralEnv, c: TCondition): Node {
  const { q } = env;
  switch (c.kind) {
    case "group": {
      const children = c.conditions.map((child) => evaluation(env, child));
      if (children.length === 1) return children[0];
      const all = c.match === "all";
      // The group changes when any child that decides it changes: for an AND that holds, any child turning
      // false; for an AND that fails, only once every failing child has turned (never, when one cannot).
      const v = children.map((ch) => ch.v).join(all ? " AND " : " OR ");
      const deciding = (ch: Node) => (all ? `NOT ${ch.v}` : ch.v);
      const stuck = children.map((ch) => `(${deciding(ch)} AND ${ch.n} IS NULL)`).join(" OR ");
      const last = `GREATEST(${children.map((ch) => `CASE WHEN ${deciding(ch)} THEN ${ch.n} END`).join(", ")})`;
      const first = `LEAST(${children.map((ch) => ch.n).join(", ")})`;
      return lateral(
        env,
        `SELECT g.v, CASE WHEN g.v = ${all} THEN ${first} WHEN ${stuck} THEN ${NEVER} ELSE ${last} END AS n FROM (SELECT ${v} AS v OFFSET 0) g`,
      );
    }
    case "not": {
      const inner = evaluation(env, c.condition);
      return lateral(env, `SELECT NOT ${inner.v} AS v, ${inner.n} AS n`);
    }
    case "trait": {
      if (c.operator === "within_last_days") {
        const days = Number(c.value);
        const since = q.add(new Date(env.options.now.getTime() - days * DAY_MS), "timestamptz");
        return lateral(
          env,
          `SELECT COALESCE(d.t >= ${since} AND d.t <= ${env.now}, false) AS v,
                  CASE WHEN d.t > ${env.now} THEN d.t WHEN d.t >= ${since} THEN d.t + ${interval(days * DAY_MS + 1, q)} END AS n
             FROM (SELECT ${traitTime(env, c.trait)} AS t OFFSET 0) d`,
        );
      }
      return lateral(env, `SELECT ${traitPredicate(env, c)} AS v, ${NEVER} AS n`);
    }
    case "event_count":
    case "not_performed": {
      if (c.kind === "event_count" && c.operator === "at_least" && c.count <= 0)
        return lateral(env, `SELECT true AS v, ${NEVER} AS n`);
      const where = eventWhere(env, c.event, c.filters, c.withinDays);
      const leave = c.withinDays !== undefined ? interval(c.withinDays * DAY_MS + 1, q) : null;
      const next = (t: string) => (leave ? `${t} + ${leave}` : NEVER);
      if (c.kind === "not_performed")
        return lateral(
          env,
          `SELECT k.t IS NULL AS v, ${next("k.t")} AS n FROM (SELECT ${kthNewest(env, where, 1)} AS t OFFSET 0) k`,
        );
      const { operator, count } = c;
      if (operator === "at_least") {
        return lateral(
          env,
          `SELECT k.t IS NOT NULL AS v, ${next("k.t")} AS n FROM (SELECT ${kthNewest(env, where, count)} AS t OFFSET 0) k`,
        );
      }
      if (operator === "at_most")
        return lateral(
          env,
          `SELECT k.t IS NULL AS v, ${next("k.t")} AS n FROM (SELECT ${kthNewest(env, where, count + 1)} AS t OFFSET 0) k`,
        );
      // exactly: at least `count` and not `count + 1`; changes when the (count+1)-th newest leaves, else the count-th
      if (count <= 0)
        return lateral(
          env,
          `SELECT k.u IS NULL AS v, ${next("k.u")} AS n FROM (SELECT ${kthNewest(env, where, 1)} AS u OFFSET 0) k`,
        );
      return lateral(
        env,
        `SELECT k.t IS NOT NULL AND k.u IS NULL AS v, LEAST(${next("k.t")}, ${next("k.u")}) AS n
           FROM (SELECT ${kthNewest(env, where, count)} AS t, ${kthNewest(env, where, count + 1)} AS u OFFSET 0) k`,
      );
    }
    case "event_time": {
      const { t, sinceDays, at } = eventTimeSql(env, c);
      if (sinceDays === undefined)
        return lateral(
          env,
          `SELECT COALESCE(${t} ${c.operator === "before" ? "<" : ">"} ${at}, false) AS v, ${NEVER} AS n`,
        );
      const since = q.add(new Date(env.options.now.getTime() - sinceDays * DAY_MS), "timestamptz");
      return lateral(
        env,
        `SELECT COALESCE(k.t >= ${since}, false) AS v, CASE WHEN k.t >= ${since} THEN k.t + ${interval(sinceDays * DAY_MS + 1, q)} END AS n FROM (SELECT ${t} AS t OFFSET 0) k`,
      );
    }
    case "segment": {
      const source = referenced(env, c.segmentId);
      let inner: Node;
      if (source === "cycle" || !source) inner = { v: "false", n: NEVER };
      else if (source.kind === "manual" || !source.definition)
        inner = lateral(env, `SELECT ${manualMember(env, c.segmentId)} AS v, ${NEVER} AS n`);
      else {
        env.inlining.push(c.segmentId);
        inner = evaluation(env, source.definition as TCondition);
        env.inlining.pop();
      }
      return c.member ? inner : lateral(env, `SELECT NOT ${inner.v} AS v, ${inner.n} AS n`);
    }
    case "reachable":
      return lateral(env, `SELECT ${reachableSql(env, c.channel)} AS v, ${NEVER} AS n`);
    case "prediction":
      return lateral(env, `SELECT ${predictionSql(env, c)} AS v, ${NEVER} AS n`);
  }
}

export interface CompiledEvaluation {
  /**
   * SELECT p.id, member, "nextCheckAt" FROM "Profile" p ... WHERE <workspace, surviving> AND <scope>: the
   * caller appends the scope with `scope(sql)` using the same params.
   */
  select(scope: string): string;
  params: SqlParams;
}

export function compileEvaluation(
  definition: TSegmentDefinition,
  options: CompileOptions,
  params = new SqlParams(),
): CompiledEvaluation {
  const env = Object.assign(newEnv(options, params), { laterals: [] as string[] }) as LateralEnv;
  const root = evaluation(env, definition as TCondition);
  const joins = [...(env.usesEvents ? [PERSON_IDS] : []), ...env.laterals].join("\n  ");
  return {
    params,
    select: (scope) => `SELECT p.id, ${root.v} AS member, ${root.n} AS "nextCheckAt"
  FROM "Profile" p
  ${joins}
 WHERE p."workspaceId" = ${env.ws} AND p."mergedIntoId" IS NULL AND (${scope})`,
  };
}

// ---------------------------------------------------------------------------------------------------
// What a definition depends on

/** Whether a definition reads the profile itself (traits, contact points, consent), through referenced segments too. */
export function usesProfile(c: TCondition, segments: ReadonlyMap<string, SegmentSource>, seen: string[] = []): boolean {
  switch (c.kind) {
    case "trait":
    case "reachable":
      return true;
    case "group":
      return c.conditions.some((child) => usesProfile(child, segments, seen));
    case "not":
      return usesProfile(c.condition, segments, seen);
    case "segment": {
      const source = segments.get(c.segmentId);
      if (!source?.definition || seen.includes(c.segmentId)) return false;
      return usesProfile(source.definition as TCondition, segments, [...seen, c.segmentId]);
    }
    default:
      return false;
  }
}

/** Event names whose arrival can change the answer, through referenced dynamic segments too. */
export function eventsOf(c: TCondition, segments: ReadonlyMap<string, SegmentSource>, seen: string[] = []): string[] {
  switch (c.kind) {
    case "event_count":
    case "not_performed":
    case "event_time":
      return [c.event];
    case "group":
      return [...new Set(c.conditions.flatMap((child) => eventsOf(child, segments, seen)))];
    case "not":
      return eventsOf(c.condition, segments, seen);
    case "segment": {
      const source = segments.get(c.segmentId);
      if (!source?.definition || seen.includes(c.segmentId)) return [];
      return eventsOf(source.definition as TCondition, segments, [...seen, c.segmentId]);
    }
    default:
      return [];
  }
}

/** Whether a definition has a condition that can change by the clock alone. */
export function hasTimeWindows(
  c: TCondition,
  segments: ReadonlyMap<string, SegmentSource>,
  seen: string[] = [],
): boolean {
  switch (c.kind) {
    case "event_count":
      return c.withinDays !== undefined;
    case "not_performed":
      return true;
    case "event_time":
    case "trait":
      return c.operator === "within_last_days";
    case "group":
      return c.conditions.some((child) => hasTimeWindows(child, segments, seen));
    case "not":
      return hasTimeWindows(c.condition, segments, seen);
    case "segment": {
      const source = segments.get(c.segmentId);
      if (!source?.definition || seen.includes(c.segmentId)) return false;
      return hasTimeWindows(source.definition as TCondition, segments, [...seen, c.segmentId]);
    }
    default:
      return false;
  }
}

/** Predictions whose scores can change the answer, through referenced dynamic segments too. */
export function predictionsOf(
  c: TCondition,
  segments: ReadonlyMap<string, SegmentSource>,
  seen: string[] = [],
): string[] {
  switch (c.kind) {
    case "prediction":
      return [c.predictionId];
    case "group":
      return [...new Set(c.conditions.flatMap((child) => predictionsOf(child, segments, seen)))];
    case "not":
      return predictionsOf(c.condition, segments, seen);
    case "segment": {
      const source = segments.get(c.segmentId);
      if (!source?.definition || seen.includes(c.segmentId)) return [];
      return predictionsOf(source.definition as TCondition, segments, [...seen, c.segmentId]);
    }
    default:
      return [];
  }
}
