import { randomUUID } from "node:crypto";
import { pgPool } from "../db/pool";
import type { WebhookRequest } from "./interpreter";
import { systemClock, type Clock } from "../runtime/clock";
import { signWebhook, webhookSigningSecret } from "./webhook-signing";

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

export async function performWebhookCall(target: WebhookCallTarget, options: WebhookOptions = {}): Promise<WebhookOutcome> {
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxAttempts = options.maxAttempts ?? 3;
  const backoff = options.backoffMs ?? [1_000, 4_000];
  const claimMs = options.claimMs ?? timeoutMs * maxAttempts + 60_000;
  const pool = pgPool();
  const key = [target.enrollmentId, target.nodeId, target.visit];

  const now = clock();
  const claimUntil = new Date(now.getTime() + claimMs);
  // One statement claims the call: a new row (only while the person is still at this step: a webhook
  // event that arrives after they moved on or left calls nothing), or a pending row whose claim lapsed.
  const claimed = await pool.query<{ id: string; attempts: number }>(
    `WITH here AS (
       SELECT 1 FROM "Enrollment" WHERE id = $1 AND status = 'ACTIVE' AND "currentNodeId" = $2
     ), fresh AS (
       INSERT INTO "WebhookCall" (id, "workspaceId", "enrollmentId", "nodeId", visit, url, method, "requestBody", "claimedUntil")
       SELECT $4, $5, $1, $2, $3, $6, $7, $8, $9 FROM here ON CONFLICT ("enrollmentId", "nodeId", visit) DO NOTHING RETURNING id, attempts
     ), lapsed AS (
       UPDATE "WebhookCall" SET "claimedUntil" = $9 WHERE "enrollmentId" = $1 AND "nodeId" = $2 AND visit = $3
          AND status = 'pending' AND ("claimedUntil" IS NULL OR "claimedUntil" < $10) RETURNING id, attempts
     )
     SELECT id, attempts FROM fresh UNION ALL SELECT id, attempts FROM lapsed`,
    [...key, randomUUID(), target.workspaceId, target.request.url, target.request.method, target.request.body ?? null, claimUntil, now],
  );
  if (!claimed.rows.length) {
    const { rows } = await pool.query<{ status: string; responseStatus: number | null; error: string | null; attempts: number }>(
      `SELECT status, "responseStatus", error, attempts FROM "WebhookCall" WHERE "enrollmentId" = $1 AND "nodeId" = $2 AND visit = $3`,
      key,
    );
    const row = rows[0];
    if (!row) return { status: "skipped", responseStatus: null, error: null, attempts: 0, alreadyDone: true };
    if (row.status !== "pending") return { status: row.status as "succeeded" | "failed", responseStatus: row.responseStatus, error: row.error, attempts: row.attempts, alreadyDone: true };
    throw new WebhookBusyError();
  }
  const { id } = claimed.rows[0];
  let attempts = claimed.rows[0].attempts;

  // The config's Liquid did not render for this person: the step fails with the reason, and nothing
  // half-rendered goes out. Claimed first all the same, so a replay finds it done.
  if (target.request.renderError) {
    const error = target.request.renderError;
    await pool.query(`UPDATE "WebhookCall" SET status = 'failed', error = $2, "durationMs" = 0, "completedAt" = $3, "claimedUntil" = NULL WHERE id = $1`, [id, error, clock()]);
    return { status: "failed", responseStatus: null, error, attempts, alreadyDone: false };
  }

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
    if (attempts > claimed.rows[0].attempts + 1) await pool.query(`UPDATE "WebhookCall" SET attempts = $2 WHERE id = $1`, [id, attempts]);
    let waitMs = backoff[Math.min(attempts - 1, backoff.length - 1)] ?? 1_000;
    try {
      const headers: Record<string, string> = {
        "user-agent": "Cairn-Webhooks/1",
        "idempotency-key": key.join(":"),
        "x-cairn-signature": signWebhook(secret, body, clock()),
        ...(target.request.body !== undefined ? { "content-type": "application/json" } : {}),
        ...target.request.headers,
      };
      const response = await fetch(target.request.url, {
        method: target.request.method,
        headers,
        body: target.request.method === "GET" || target.request.body === undefined ? undefined : body,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "manual",
      });
      responseStatus = response.status;
      responseBody = (await response.text()).slice(0, RESPONSE_KEEP);
      error = response.ok ? null : `HTTP ${response.status}`;
      succeeded = response.ok;
      if (response.ok || !retryable(response.status)) break;
      const retryAfter = Number(response.headers.get("retry-after"));
      if (Number.isFinite(retryAfter) && retryAfter > 0) waitMs = Math.min(retryAfter * 1000, 30_000);
    } catch (e) {
      responseStatus = null;
      responseBody = null;
      error = (e as Error).name === "TimeoutError" ? `No answer within ${timeoutMs} ms` : `Request failed: ${(e as Error).message}`;
    }
    if (attempts >= maxAttempts) break;
    await sleep(waitMs);
  }
  const status = succeeded ? "succeeded" : "failed";
  await pool.query(
    `UPDATE "WebhookCall" SET status = $2, "responseStatus" = $3, "responseBody" = $4, error = $5, "durationMs" = $6,
       "completedAt" = $7, "claimedUntil" = NULL, attempts = $8 WHERE id = $1`,
    [id, status, responseStatus, responseBody, error, Date.now() - started, clock(), attempts],
  );
  return { status, responseStatus, error, attempts, alreadyDone: false };
}
