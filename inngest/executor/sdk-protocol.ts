import type http from "node:http";
import { parseRetryAfter } from "./backoff";
import type { ActiveJob, StepResult } from "./store/queue-store";

/**
 * The executor's half of the SDK's HTTP execution protocol (inngest@4.24.0, checked on the wire;
 * see shared/docs/inngest-protocol.md). The contract tests drive the real SDK through these.
 */

/** Request body for a call: the event, the memoized steps and the run context. */
export function buildCallBody(job: ActiveJob, maxAttempts: number): Record<string, unknown> {
  const stack = job.steps.map(([id]) => id);
  return {
    event: job.event,
    events: [job.event],
    steps: Object.fromEntries(job.steps),
    ctx: {
      run_id: job.runId,
      attempt: job.attempt,
      // With max_attempts the SDK knows the last attempt: a step error there comes back as StepFailed
      // (final) and a function error as 400 / no-retry, as on Inngest.
      max_attempts: maxAttempts,
      disable_immediate_execution: job.parallel,
      use_api: false,
      // No fn_id: it would switch the SDK into v4 "checkpointing", which calls server APIs we do not have.
      stack: { stack, current: Math.max(0, stack.length - 1) },
    },
  };
}

export function callUrl(functionUrl: string, stepId: string): string {
  const url = new URL(functionUrl);
  url.searchParams.set("stepId", stepId);
  return url.href;
}

export interface Op {
  id: string;
  op: string;
  name?: string;
  displayName?: string;
  opts?: Record<string, unknown> | null;
  data?: unknown;
  error?: unknown;
}

/** What a call's response means for the run. */
export type CallOutcome =
  | { kind: "completed"; output: unknown }
  | { kind: "step-done"; stepId: string; result: StepResult }
  | { kind: "step-error"; stepId: string; error: unknown; retryAfterMs?: number }
  | { kind: "planned"; stepIds: string[] }
  | { kind: "unsupported"; message: string }
  | { kind: "function-error"; error: unknown; retriable: boolean; retryAfterMs?: number };

/** StepPlanned `opts.type`s whose step body calls an Inngest server API this executor does not serve. */
const UNSUPPORTED_PLANNED_TYPES: Record<string, string> = {
  "step.realtime.publish": "step.realtime.publish",
  "step.sendSignal": "step.sendSignal",
};
const OP_NAMES: Record<string, string> = {
  Sleep: "step.sleep / step.sleepUntil",
  WaitForEvent: "step.waitForEvent",
  WaitForSignal: "step.waitForSignal",
  InvokeFunction: "step.invoke",
  AIGateway: "step.ai.infer",
  Gateway: "step.fetch",
  DeferAdd: "defer()",
  DeferAbort: "defer().abort()",
  Step: "a legacy (v0) step",
};

function header(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(body: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    return { ok: false };
  }
}

function errorFromBody(status: number, body: string): unknown {
  const parsed = parseJson(body);
  if (parsed.ok && parsed.value && typeof parsed.value === "object") return parsed.value;
  return { name: "Error", message: `The app answered HTTP ${status}: ${body.slice(0, 300) || "(empty body)"}` };
}

export function unsupportedOpMessage(functionId: string, op: Op): string {
  const what = op.op === "StepPlanned" ? UNSUPPORTED_PLANNED_TYPES[String(op.opts?.type)] : OP_NAMES[op.op];
  const step = op.displayName ?? op.name ?? op.id;
  return `Function "${functionId}", step "${step}": ${what ?? `op ${op.op}`} (${op.op}) is not supported by Cairn's embedded executor`;
}

export function interpretResponse(
  functionId: string,
  status: number,
  headers: http.IncomingHttpHeaders,
  body: string,
  nowMs: number,
): CallOutcome {
  const retryAfterMs = parseRetryAfter(header(headers, "retry-after"), nowMs);
  if (status === 200) {
    const parsed = parseJson(body);
    return { kind: "completed", output: parsed.ok ? parsed.value : body };
  }
  if (status === 206) {
    const parsed = parseJson(body);
    const ops = parsed.ok && Array.isArray(parsed.value) ? (parsed.value as Op[]) : undefined;
    if (!ops || ops.length === 0 || ops.some((op) => !op || typeof op.id !== "string" || typeof op.op !== "string")) {
      return {
        kind: "function-error",
        retriable: true,
        error: {
          name: "ProtocolError",
          message: `Function "${functionId}" answered 206 without a list of step ops: ${body.slice(0, 300)}`,
        },
      };
    }
    if (ops.length === 1) {
      const [op] = ops;
      if (op.op === "StepRun") return { kind: "step-done", stepId: op.id, result: { data: op.data ?? null } };
      if (op.op === "StepFailed") return { kind: "step-done", stepId: op.id, result: { error: op.error ?? null } };
      if (op.op === "StepError") return { kind: "step-error", stepId: op.id, error: op.error ?? null, retryAfterMs };
    }
    const unsupported = ops.find((op) => op.op !== "StepPlanned" || UNSUPPORTED_PLANNED_TYPES[String(op.opts?.type)]);
    if (unsupported) return { kind: "unsupported", message: unsupportedOpMessage(functionId, unsupported) };
    return { kind: "planned", stepIds: ops.map((op) => op.id) };
  }
  // Anything else is a function-level error. The SDK marks NonRetriableError (and a failure on the last
  // attempt) with `X-Inngest-No-Retry: true` and a 400; everything else may be retried.
  const noRetry = header(headers, "x-inngest-no-retry") === "true";
  return { kind: "function-error", retriable: !noRetry, error: errorFromBody(status, body), retryAfterMs };
}
