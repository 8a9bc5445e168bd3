import type { FieldIssue } from "../errors";
import { INGEST_LIMITS } from "./limits";

/**
 * One pass over a message's parsed JSON, before validation, the size measurement (JSON.stringify) and
 * storage, refusing what Postgres or the stack cannot take and what would otherwise be stored wrong:
 *   - the character U+0000 in a string or a key (jsonb refuses it: the statement failed, a 500 that
 *     Segment's clients retry, then drop the batch);
 *   - an unpaired UTF-16 surrogate (not Unicode: Postgres refuses it as well);
 *   - a number JSON.parse read as ±Infinity (`1e400`), which JSON.stringify writes as null;
 *   - nesting deeper than INGEST_LIMITS.maxNestingDepth (JSON.stringify and jsonb recursion overflowed);
 *   - more than INGEST_LIMITS.maxKeysPerField keys in `properties`, `traits` or `context`.
 * Each problem is named by its path ("batch.3.properties.tags.2"). Two passes, because problems are rare
 * and this runs on every message of the hot path: a fast one (`clean`, recursion bounded by the depth
 * limit, no paths, no allocation) that only says "fine" or "not", and for a message that is not fine, an
 * iterative one (an explicit stack) that names every problem. A payload nested 250,000 levels deep costs
 * its size either way, never the call stack. A message with a problem is rejected like any invalid message
 * (./parse-payload.ts); a problem in /batch's own envelope refuses the request.
 */
interface Frame {
  value: object;
  parent: Frame | null;
  key: string;
  depth: number;
}

/** The fields whose keys are counted (the free-form objects a client fills). */
const KEYED_FIELDS = new Set(["properties", "traits", "context"]);

function pathOf(frame: Frame | null, key?: string): string {
  const parts: string[] = key === undefined ? [] : [key];
  for (let f = frame; f; f = f.parent) if (f.key !== "") parts.push(f.key);
  return parts.reverse().join(".");
}

/** What is wrong with a string (a value or a key), or null. */
function stringProblem(value: string): string | null {
  if (value.includes("\u0000")) return "contains the character \\u0000, which cannot be stored";
  if (!value.isWellFormed()) return "contains an unpaired UTF-16 surrogate (not valid Unicode)";
  return null;
}

function scalarProblem(value: unknown): string | null {
  if (typeof value === "string") return stringProblem(value);
  if (typeof value === "number" && !Number.isFinite(value))
    return "is a number too large to store (beyond ±1.7976931348623157e308)";
  return null;
}

function badString(value: string): boolean {
  return value.includes("\u0000") || !value.isWellFormed();
}

/**
 * The fast pass: how many object keys `value` holds at every depth, or -1 as soon as anything is wrong
 * (a bad string or key, a non-finite number, a container deeper than the limit). `depth` is the level of
 * `value` itself; recursion stops at the limit, so it is at most maxNestingDepth + 1 calls deep.
 */
function clean(value: unknown, depth: number): number {
  switch (typeof value) {
    case "string":
      return badString(value) ? -1 : 0;
    case "number":
      return Number.isFinite(value) ? 0 : -1;
    case "object": {
      if (value === null) return 0;
      if (depth > INGEST_LIMITS.maxNestingDepth) return -1;
      let keys = 0;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const k = clean(value[i], depth + 1);
          if (k < 0) return -1;
          keys += k;
        }
      } else {
        const object = value as Record<string, unknown>;
        for (const key in object) {
          if (badString(key)) return -1;
          const k = clean(object[key], depth + 1);
          if (k < 0) return -1;
          keys += k + 1;
        }
      }
      return keys;
    }
    default:
      return 0;
  }
}

/** The naming pass: walks `value` (found at `key` under `parent`); returns how many object keys it holds, at every depth. */
function walk(value: unknown, key: string, parent: Frame | null, issues: FieldIssue[]): number {
  if (typeof value !== "object" || value === null) {
    const problem = scalarProblem(value);
    if (problem) issues.push({ path: pathOf(parent, key), message: problem });
    return 0;
  }
  let keys = 0;
  const stack: Frame[] = [{ value, parent, key, depth: (parent?.depth ?? 0) + 1 }];
  while (stack.length) {
    if (issues.length >= INGEST_LIMITS.maxIssues) return keys;
    const frame = stack.pop()!;
    if (frame.depth > INGEST_LIMITS.maxNestingDepth) {
      issues.push({ path: pathOf(frame), message: `nests deeper than ${INGEST_LIMITS.maxNestingDepth} levels` });
      continue;
    }
    const visit = (child: unknown, childKey: string) => {
      if (typeof child === "object" && child !== null)
        stack.push({ value: child, parent: frame, key: childKey, depth: frame.depth + 1 });
      else {
        const problem = scalarProblem(child);
        if (problem) issues.push({ path: pathOf(frame, childKey), message: problem });
      }
    };
    if (Array.isArray(frame.value)) {
      const array = frame.value as unknown[];
      for (let i = 0; i < array.length; i++) visit(array[i], String(i));
    } else {
      const object = frame.value as Record<string, unknown>;
      for (const k in object) {
        keys++;
        const problem = stringProblem(k);
        if (problem) issues.push({ path: pathOf(frame), message: `has a key that ${problem}` });
        else visit(object[k], k);
      }
    }
  }
  return keys;
}

/**
 * Checks one message (or the /batch envelope's own fields, with `skip` = ["batch"]), adding its problems to
 * `issues` under `prefix` ("batch.3", or "" for a single message). Returns whether it found none.
 */
export function checkPayloadHygiene(
  message: Record<string, unknown>,
  prefix: string,
  issues: FieldIssue[],
  skip?: string,
): boolean {
  const before = issues.length;
  const root: Frame | null = prefix ? { value: message, parent: null, key: prefix, depth: 0 } : null;
  for (const key in message) {
    if (key === skip) continue;
    // the fast pass first; the naming one only for a field that has a problem
    const fast = clean(message[key], 1);
    if (fast >= 0 && (fast <= INGEST_LIMITS.maxKeysPerField || !KEYED_FIELDS.has(key)) && !badString(key)) continue;
    const problem = stringProblem(key);
    if (problem) {
      issues.push({ path: prefix || "body", message: `has a key that ${problem}` });
      continue;
    }
    const keys = walk(message[key], key, root, issues);
    if (keys > INGEST_LIMITS.maxKeysPerField && KEYED_FIELDS.has(key)) {
      issues.push({
        path: pathOf(root, key),
        message: `has ${keys} keys; the limit is ${INGEST_LIMITS.maxKeysPerField} (counted at every depth)`,
      });
    }
    if (issues.length >= INGEST_LIMITS.maxIssues) break;
  }
  return issues.length === before;
}
