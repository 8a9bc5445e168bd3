import type { IncomingEvent } from "./event-payload";
import { evaluateBoolean, evaluateKey } from "./expressions";
import type { FunctionDefinition } from "./registration";
import type { FunctionRegistry } from "./registry";
import { ulid } from "./ulid";

/** A run to create for an accepted event, with everything the queue needs evaluated up front. */
export interface PlannedRun {
  id: string;
  eventId: string;
  functionId: string;
  /** Set when the function has `idempotency`: at most one run per (function, key) per 24 h. */
  idempotencyKey?: string;
  /** Concurrency slots: at most `limit` executing calls share the same key. */
  ckey1?: string;
  climit1?: number;
  ckey2?: string;
  climit2?: number;
}

function triggers(fn: FunctionDefinition, event: IncomingEvent): boolean {
  const scope = { event: event.payload };
  return fn.eventTriggers.some(
    (t) =>
      (t.wildcard ? event.name.startsWith(t.event) : event.name === t.event) &&
      (!t.condition || evaluateBoolean(t.condition, scope)),
  );
}

/** A run of `fn` for `event`: evaluates idempotency and concurrency keys against the event. */
export function planRun(fn: FunctionDefinition, event: IncomingEvent, nowMs: number): PlannedRun {
  const scope = { event: event.payload };
  const run: PlannedRun = { id: ulid(nowMs), eventId: event.internalId, functionId: fn.id };
  if (fn.idempotency) run.idempotencyKey = evaluateKey(fn.idempotency, scope);
  fn.concurrency.forEach((limit, i) => {
    // fn-scoped slots are per function; env/account-scoped ones are shared by every function using the same key.
    const owner = limit.scope === "fn" ? `fn:${fn.id}` : limit.scope;
    const key = `${owner}|${limit.keySource}|${limit.key ? evaluateKey(limit.key, scope) : "*"}`;
    if (i === 0) [run.ckey1, run.climit1] = [key, limit.limit];
    else [run.ckey2, run.climit2] = [key, limit.limit];
  });
  return run;
}

/** Fan-out: one run per (event, function whose trigger matches); duplicates of an idempotency key in one batch collapse. */
export function planRuns(events: IncomingEvent[], registry: FunctionRegistry, nowMs: number): PlannedRun[] {
  const runs: PlannedRun[] = [];
  const idempotent = new Set<string>();
  for (const event of events) {
    for (const fn of registry.candidatesFor(event.name)) {
      if (!triggers(fn, event)) continue;
      const run = planRun(fn, event, nowMs);
      if (run.idempotencyKey !== undefined) {
        const key = `${fn.id}\u0000${run.idempotencyKey}`;
        if (idempotent.has(key)) continue;
        idempotent.add(key);
      }
      runs.push(run);
    }
  }
  return runs;
}
