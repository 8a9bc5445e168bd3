import { sendWebhookRequest, WebhookTimeoutError, type WebhookHttpResponse } from "../../engine/webhook-http";
import { signWebhook, webhookSigningSecret } from "../../engine/webhook-signing";
import type { WebhookContent } from "../../messaging/liquid";
import type { Send } from "../../messaging/prepare-send";
import { retryAfterMs } from "../../http/retry-after";
import { ProviderError } from "../../messaging/providers/types";
import { type WebhookScope, webhookTemplateRequest } from "../../messaging/webhook-templates";
import type { Clock } from "../../runtime/clock";
import { OutboundBlockedError, sanitizedReason } from "../../security/outbound";
import { type BroadcastWebhook, ZBroadcastWebhook } from "../schemas";
import type { CheckedMessage } from "./claim-and-check";
import type { PinnedTemplate, SendContext } from "./load-send-context";

/**
 * A webhook broadcast's provider call: one HTTP request per person ("tell our CRM / Slack / ad platform about each
 * person in the segment"), through the code journey webhook steps use (lib/engine/webhook-http.ts: the outbound
 * guard, no redirects, one deadline, the answer cut) and their signature (webhook-signing.ts). The body and
 * headers are the variant's webhook template rendered in the batch's render pool; the URL, method and fixed
 * headers are the broadcast's (`Broadcast.webhook`).
 *
 * - `Idempotency-Key: <message id>`: the message is the unit sent once, so a resend after a crash (the lapsed claim
 *   of a batch in flight) carries the same key, and so does every retry of it.
 * - Outcomes are the batch's (record-batch.ts): 2xx → SENT; 408, 429, 5xx, a timeout or a connection error →
 *   retried with delivery's backoff (retryBackoffMs, up to MAX_ATTEMPTS), like every other channel's provider;
 *   another status → FAILED with the status and the start of the answer; a refusal of the outbound guard →
 *   FAILED "The URL is not allowed: …" (asking again would be refused again). A Retry-After longer than the
 *   backoff is honoured (up to MAX_RETRY_AFTER_MS).
 * - What is stored as the message's content: method, URL, the body sent, and the answer of the attempt that
 *   succeeded (status and its first 4 KB). Headers are not stored: they may carry the receiver's credentials.
 */

/** How much of an answer is kept (as journey webhook calls keep), and how long one may take. */
export const WEBHOOK_RESPONSE_KEEP = 4096;
export const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * What a broadcast's webhook template reads: the journeys' WebhookScope (so one template serves both) with the
 * person, and `broadcast` ({{ broadcast.name }}, {{ broadcast.variant }}). A broadcast has no trigger event,
 * journey or enrollment: those are empty (ids "", no properties), so a template written for journeys renders
 * blanks there rather than failing.
 */
export interface BroadcastWebhookScope extends WebhookScope {
  broadcast: { id: string; name: string; variant: string | null };
}

export function broadcastWebhookScope(
  broadcast: { id: string; name: string },
  variant: string | null,
  person: WebhookScope["profile"],
): BroadcastWebhookScope {
  return {
    profile: {
      id: person.id,
      userId: person.userId,
      email: person.email,
      phone: person.phone,
      timezone: person.timezone,
      traits: person.traits,
    },
    event: { id: null, name: "", properties: {}, timestamp: "" },
    journey: { id: "" },
    enrollment: { id: "" },
    broadcast: { id: broadcast.id, name: broadcast.name, variant },
  };
}

export interface WebhookBroadcastRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * The request of one message: the broadcast's URL and method, the template's content type and headers, then the
 * broadcast's own headers (they belong to the destination, so they win on a clash, as a journey step's own
 * headers win over its template's; names compared without case). A template that renders badly for this person
 * (a header with a line break, a JSON body that is not JSON) is the reason nothing is sent.
 */
export function webhookBroadcastRequest(
  settings: BroadcastWebhook,
  content: WebhookContent,
  fields: Record<string, string>,
): { ok: true; request: WebhookBroadcastRequest } | { ok: false; reason: string } {
  const rendered = webhookTemplateRequest(content, fields);
  if (!rendered.ok)
    return { ok: false, reason: `Rendering failed: ${rendered.field.replace(/^content\./, "")}: ${rendered.error}` };
  const merged = new Map<string, [string, string]>();
  for (const [name, value] of [
    ["content-type", rendered.contentType],
    ...Object.entries(rendered.headers),
    ...Object.entries(settings.headers),
  ])
    merged.set(name.toLowerCase(), [name, value]);
  return {
    ok: true,
    request: {
      url: settings.url,
      method: settings.method,
      headers: Object.fromEntries(merged.values()),
      body: rendered.body,
    },
  };
}

/**
 * Makes the request, signed as journey webhooks are (X-Cairn-Signature with the workspace's secret, at the moment
 * of sending), with `Idempotency-Key`. Resolves with the answer whatever its status; rejects with the outbound
 * guard's refusal, a timeout, or the network's error.
 */
export function makeWebhookRequest(
  workspaceId: string,
  idempotencyKey: string,
  request: WebhookBroadcastRequest,
  clock: Clock,
  timeoutMs = WEBHOOK_TIMEOUT_MS,
): Promise<WebhookHttpResponse> {
  // names compared without case, so a configured "Idempotency-Key" replaces rather than doubles; ours come last:
  // the receiver's deduplication and its check of the sender must be ours
  const headers = new Map<string, [string, string]>();
  for (const [name, value] of [
    ["user-agent", "Cairn-Webhooks/1"],
    ...Object.entries(request.headers),
    ["idempotency-key", idempotencyKey],
    ["x-cairn-signature", signWebhook(webhookSigningSecret(workspaceId), request.body, clock())],
  ])
    headers.set(name.toLowerCase(), [name, value]);
  return sendWebhookRequest(request.url, {
    method: request.method,
    headers: Object.fromEntries(headers.values()),
    body: request.body,
    timeoutMs,
    keepBytes: WEBHOOK_RESPONSE_KEEP,
  });
}

function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** What went wrong with a request, as the batch records it (the reason is the message's status reason as is). */
export function webhookProviderError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof OutboundBlockedError)
    return new ProviderError(`The URL is not allowed: ${error.message}`, { retryable: false });
  if (error instanceof WebhookTimeoutError) return new ProviderError(error.message, { retryable: true });
  const code = (error as { code?: unknown }).code;
  return new ProviderError(`The request failed: ${sanitizedReason((error as Error).message ?? String(error))}`, {
    retryable: true,
    providerCode: typeof code === "string" ? code : undefined,
  });
}

/** "HTTP 400: <the start of the answer>", control characters out. */
export function describeAnswer(response: { status: number; body: string }, max = 200): string {
  const start = sanitizedReason(response.body, { max });
  return `HTTP ${response.status}${start ? `: ${start}` : ""}`;
}

const settingsOf = new WeakMap<SendContext["broadcast"], BroadcastWebhook | null>();

/**
 * The broadcast's request settings, parsed once per loaded broadcast; null when they are not there (saving requires
 * them, so only a hand-edited row): its messages fail with the reason instead of the batch throwing at every link.
 */
function webhookSettings(context: SendContext): BroadcastWebhook | null {
  let settings = settingsOf.get(context.broadcast);
  if (settings === undefined) {
    const parsed = ZBroadcastWebhook.safeParse(context.broadcast.webhook);
    settings = parsed.success ? parsed.data : null;
    settingsOf.set(context.broadcast, settings);
  }
  return settings;
}

/** The batch's render scope of a message of a webhook broadcast (null for other channels: send-batch.ts's own). */
export function webhookScopeFor(context: SendContext, c: CheckedMessage): BroadcastWebhookScope | null {
  if (context.broadcast.channel !== "webhook") return null;
  return broadcastWebhookScope(context.broadcast, c.message.variant, c.profile);
}

/**
 * The provider call of a rendered message of a webhook broadcast (null for other channels: prepareSend's), or
 * why it cannot go (`notConfigured`: the batch fails it with the reason).
 */
export function webhookSendFor(
  context: SendContext,
  template: PinnedTemplate,
  c: CheckedMessage,
  fields: Record<string, string>,
  clock: Clock,
): Send | { notConfigured: string } | null {
  if (context.broadcast.channel !== "webhook") return null;
  const settings = webhookSettings(context);
  if (!settings) return { notConfigured: "The broadcast has no valid webhook URL" };
  const built = webhookBroadcastRequest(settings, template.content as WebhookContent, fields);
  if (!built.ok) return { notConfigured: built.reason };
  const { request } = built;
  const content: Record<string, unknown> = {
    method: request.method,
    url: request.url,
    body: request.body,
    response: null,
  };
  const workspaceId = context.broadcast.workspaceId;
  return {
    provider: "webhook",
    to: request.url,
    content,
    call: async () => {
      let response: WebhookHttpResponse;
      try {
        response = await makeWebhookRequest(workspaceId, c.message.id, request, clock);
      } catch (error) {
        throw webhookProviderError(error);
      }
      if (response.status >= 200 && response.status < 300) {
        // recorded with the message (markSentMessages stores `content` after the call)
        content.response = { status: response.status, body: response.body };
        return { providerMessageId: null, response: describeAnswer(response) };
      }
      throw new ProviderError(`The receiver answered ${describeAnswer(response)}`, {
        retryable: retryableStatus(response.status),
        providerCode: String(response.status),
        // a 429 or 503 may say when to come back: the retry waits at least that (delivery's retryDelayMs)
        retryAfterMs: retryAfterMs(response.retryAfter, clock()),
      });
    },
  };
}
