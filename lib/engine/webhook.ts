import { randomUUID } from "node:crypto";
import { pgPool } from "../db/pool";
import type { WebhookRequest } from "./interpreter";
import { systemClock, type Clock } from "../runtime/clock";
import { sendWebhookRequest, WebhookTimeoutError } from "./webhook-http";
import { signWebhook, webhookSigningSecret } from "./webhook-signing";
import { forEachAtMost } from "../runtime/at-most";
import { OutboundBlockedError, sanitizedReason } from "../security/outbound";
import {
  type CompletedCall,
  claimWebhookCalls,
  completeWebhookCalls,
  selectWebhookCallStates,
  updateWebhookCallAttempts,
} from "./store/webhook-calls";

/**
 * A journey's webhook call, made once per (enrollment, node, visit).
 *
 * The call is claimed in the database before the request goes out (a claim that lapses, so no
 * transaction is held open over HTTP) and completed with the response. Whoever comes later (a replay,
 * a racing advance, a retry after a crash between the call and the enrollment's bookkeeping) finds the
 * completed row and does not call again. The one window no database can close is a crash after the
 * receiver answered and before the response was stored: then the call is repeated, with the same
 * `Idempotency-Key` header, so receivers that honour it see one call.
 */

export interface WebhookCallTarget {
  workspaceId: string;
  enrollmentId: string;
  nodeId: string;
  visit: number;
  request: WebhookRequest;
}

export interface WebhookOutcome {
  /** skipped: the person is no longer at this step, so nothing was called */
  status: "succeeded" | "failed" | "skipped";
  responseStatus: number | null;
  error: string | null;
  attempts: number;
  /** true when an earlier call had already completed and nothing was sent now */
  alreadyDone: boolean;
}

export interface WebhookOptions {
  clock?: Clock;
  timeoutMs?: number;
  maxAttempts?: number;
  /** waits between attempts; Retry-After (seconds) wins when the receiver sends it, up to 30 s */
  backoffMs?: number[];
  claimMs?: number;
}

export class WebhookBusyError extends Error {
  constructor() {
    super("Another worker is making this webhook call; it will be checked again.");
  }
}

const RESPONSE_KEEP = 4096;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function retryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

export async function performWebhookCall(
  target: WebhookCallTarget,
  options: WebhookOptions = {},
): Promise<WebhookOutcome> {
  const [outcome] = await performWebhookCalls([target], options);
  if (outcome === "busy") throw new WebhookBusyError();
  return outcome;
}

interface CallSettings {
  clock: Clock;
  timeoutMs: number;
  maxAttempts: number;
  backoff: number[];
}

function withDefaults(options: WebhookOptions): CallSettings {
  return {
    clock: options.clock ?? systemClock,
    timeoutMs: options.timeoutMs ?? 10_000,
    maxAttempts: options.maxAttempts ?? 3,
    backoff: options.backoffMs ?? [1_000, 4_000],
  };
}

/** Calls in flight at once for one batch: enough to hide a receiver's latency, few enough to be polite. */
const CALLS_AT_ONCE = 32;

/**
 * The calls of a batch of walks (see performWebhookCall for one): claimed in one statement, made in parallel
 * (CALLS_AT_ONCE at a time), each completed as soon as it answers. Completions that arrive while one is being
 * written go together in the next statement, so the window between a call and its record stays one write
 * long while a batch costs a few statements rather than two per call. "busy": another worker holds the call.
 */
export async function performWebhookCalls(
  targets: WebhookCallTarget[],
  options: WebhookOptions = {},
): Promise<(WebhookOutcome | "busy")[]> {
  if (!targets.length) return [];
  const settings = withDefaults(options);
  const { clock, timeoutMs, maxAttempts } = settings;
  const claimMs = options.claimMs ?? timeoutMs * maxAttempts + 60_000;
  const pool = pgPool();
  const keyOf = (t: Pick<WebhookCallTarget, "enrollmentId" | "nodeId" | "visit">) =>
    `${t.enrollmentId}:${t.nodeId}:${t.visit}`;

  const now = clock();
  const claimUntil = new Date(now.getTime() + claimMs);
  // One statement claims the calls: a new row (only while the person is still at this step: a webhook event
  // that arrives after they moved on or left calls nothing), or a pending row whose claim lapsed.
  const claimedRows = await claimWebhookCalls(
    pool,
    targets.map((t) => ({
      enrollmentId: t.enrollmentId,
      nodeId: t.nodeId,
      visit: t.visit,
      id: randomUUID(),
      workspaceId: t.workspaceId,
      url: t.request.url,
      method: t.request.method,
      body: t.request.body ?? null,
    })),
    claimUntil,
    now,
  );
  const claimed = new Map(claimedRows.map((r) => [keyOf(r), r]));

  // The others: done before (a replay), gone (the person moved on), or someone else's right now.
  const outcomes = new Map<string, WebhookOutcome | "busy">();
  const others = targets.filter((t) => !claimed.has(keyOf(t)));
  if (others.length) {
    const rows = await selectWebhookCallStates(pool, others);
    const found = new Map(rows.map((r) => [keyOf(r), r]));
    for (const t of others) {
      const row = found.get(keyOf(t));
      if (!row)
        outcomes.set(keyOf(t), {
          status: "skipped",
          responseStatus: null,
          error: null,
          attempts: 0,
          alreadyDone: true,
        });
      else if (row.status === "pending") outcomes.set(keyOf(t), "busy");
      else
        outcomes.set(keyOf(t), {
          status: row.status as "succeeded" | "failed",
          responseStatus: row.responseStatus,
          error: row.error,
          attempts: row.attempts,
          alreadyDone: true,
        });
    }
  }

  const completions = coalescingCompletions(clock);
  const work = targets.filter((t) => claimed.has(keyOf(t)));
  await forEachAtMost(work, CALLS_AT_ONCE, async (target) => {
    const claim = claimed.get(keyOf(target))!;
    const done = await makeCall(target, claim, settings);
    await completions.write(done);
    outcomes.set(keyOf(target), {
      status: done.status,
      responseStatus: done.responseStatus,
      error: done.error,
      attempts: done.attempts,
      alreadyDone: false,
    });
  });
  return targets.map((t) => outcomes.get(keyOf(t))!);
}

/**
 * Records completed calls: a write resolves once its row is stored. While one statement is in flight, the
 * completions that arrive wait and go together in the next one.
 */
function coalescingCompletions(clock: Clock): { write(completion: CompletedCall): Promise<void> } {
  let waiting: { completion: CompletedCall; resolve: () => void; reject: (error: unknown) => void }[] = [];
  let writing = false;
  const flush = async () => {
    writing = true;
    while (waiting.length) {
      const batch = waiting;
      waiting = [];
      const rows = batch.map((w) => w.completion);
      try {
        await completeWebhookCalls(pgPool(), rows, clock());
        for (const w of batch) w.resolve();
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    writing = false;
  };
  return {
    write(completion) {
      return new Promise<void>((resolve, reject) => {
        waiting.push({ completion, resolve, reject });
        if (!writing) void flush();
      });
    },
  };
}

/** One claimed call, with its retries: the request signed and sent, the answer kept (not yet stored). */
async function makeCall(
  target: WebhookCallTarget,
  claim: { id: string; attempts: number },
  settings: CallSettings,
): Promise<CompletedCall> {
  const { clock, timeoutMs, maxAttempts, backoff } = settings;
  const { id } = claim;
  let attempts = claim.attempts;
  // The config's Liquid did not render for this person: the step fails with the reason, and nothing
  // half-rendered goes out. Claimed first all the same, so a replay finds it done.
  if (target.request.renderError) {
    return {
      id,
      status: "failed",
      responseStatus: null,
      responseBody: null,
      error: target.request.renderError,
      durationMs: 0,
      attempts,
    };
  }
  const key = [target.enrollmentId, target.nodeId, target.visit];
  const body = target.request.body ?? "";
  const secret = webhookSigningSecret(target.workspaceId);
  let responseStatus: number | null = null;
  let responseBody: string | null = null;
  let error: string | null = null;
  let succeeded = false;
  const started = Date.now();
  for (;;) {
    attempts++;
    // A retry is recorded before it is made; the first attempt's count is written with its outcome.
    if (attempts > claim.attempts + 1) await updateWebhookCallAttempts(pgPool(), id, attempts);
    let waitMs = backoff[Math.min(attempts - 1, backoff.length - 1)] ?? 1_000;
    try {
      const headers: Record<string, string> = {
        "user-agent": "Cairn-Webhooks/1",
        "idempotency-key": key.join(":"),
        "x-cairn-signature": signWebhook(secret, body, clock()),
        ...(target.request.body !== undefined ? { "content-type": "application/json" } : {}),
        ...target.request.headers,
      };
      const response = await sendWebhookRequest(target.request.url, {
        method: target.request.method,
        headers,
        body: target.request.method === "GET" || target.request.body === undefined ? undefined : body,
        timeoutMs,
        keepBytes: RESPONSE_KEEP,
      });
      const ok = response.status >= 200 && response.status < 300;
      responseStatus = response.status;
      responseBody = response.body;
      error = ok ? null : `HTTP ${response.status}`;
      succeeded = ok;
      if (ok || !retryable(response.status)) break;
      const retryAfter = Number(response.retryAfter);
      if (Number.isFinite(retryAfter) && retryAfter > 0) waitMs = Math.min(retryAfter * 1000, 30_000);
    } catch (e) {
      responseStatus = null;
      responseBody = null;
      // the outbound guard refused the address: asking again would be refused again
      if (e instanceof OutboundBlockedError) {
        error = `Request refused: ${e.message}`;
        break;
      }
      error = e instanceof WebhookTimeoutError ? e.message : `Request failed: ${sanitizedReason((e as Error).message)}`;
    }
    if (attempts >= maxAttempts) break;
    await sleep(waitMs);
  }
  return {
    id,
    status: succeeded ? "succeeded" : "failed",
    responseStatus,
    responseBody,
    error,
    durationMs: Date.now() - started,
    attempts,
  };
}
