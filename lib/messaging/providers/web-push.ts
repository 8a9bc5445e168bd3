/**
 * Web Push (RFC 8030) with VAPID (RFC 8292) and an aes128gcm-encrypted payload (RFC 8291).
 *
 * The `web-push` package builds the request (encryption, VAPID JWT, headers) with `generateRequestDetails`;
 * the request itself goes out with fetch rather than the package's `sendNotification`, which speaks only
 * https through node's https module: fetch gives one timeout (AbortSignal) over the whole exchange, and it
 * can reach a plain-http push service on this machine in tests. Non-loopback endpoints must be https.
 */
import webpush, { type RequestDetails } from "web-push";
import { ProviderError, pushCollapseKey, type PushMessage, type SendContext, type SendResult, type WebPushConfig, type WebPushSubscription } from "./types";

const DEFAULT_TIMEOUT_MS = 30_000;
/** how long the push service keeps a message for an offline browser */
const TTL_SECONDS = 24 * 3600;

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** What a service worker gets in `event.data.json()`. */
export interface WebPushPayload {
  title: string;
  body: string;
  url?: string;
  image?: string;
  data?: Record<string, string>;
}

export function webPushPayload(message: PushMessage): WebPushPayload {
  return { title: message.title, body: message.body, url: message.deepLink, image: message.imageUrl, data: message.data };
}

function invalidSubscription(reason: string): ProviderError {
  return new ProviderError(`Invalid push subscription: ${reason}`, { retryable: false, permanentAddressFailure: true, providerCode: "INVALID_SUBSCRIPTION" });
}

/** A subscription that can never work (bad endpoint, wrong-size keys) is a dead address, not a config error. */
function checkSubscription(subscription: WebPushSubscription): void {
  let endpoint: URL;
  try {
    endpoint = new URL(subscription.endpoint);
  } catch {
    throw invalidSubscription("the endpoint is not a URL");
  }
  if (endpoint.protocol !== "https:" && !(endpoint.protocol === "http:" && LOOPBACK_HOSTS.has(endpoint.hostname))) {
    throw invalidSubscription(`the endpoint must be https (got ${endpoint.protocol})`);
  }
  const p256dh = Buffer.from(subscription.keys?.p256dh ?? "", "base64url");
  if (p256dh.length !== 65 || p256dh[0] !== 4) throw invalidSubscription("keys.p256dh is not an uncompressed P-256 public key");
  if (Buffer.from(subscription.keys?.auth ?? "", "base64url").length < 16) throw invalidSubscription("keys.auth is shorter than 16 bytes");
}

/** Send one notification. Throws ProviderError; returns the push service's Location for the message. */
export async function sendWebPush(config: WebPushConfig, subscription: WebPushSubscription, message: PushMessage, ctx: SendContext): Promise<SendResult> {
  const timeoutMs = ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  checkSubscription(subscription);

  let request: RequestDetails;
  try {
    request = webpush.generateRequestDetails(subscription, JSON.stringify(webPushPayload(message)), {
      vapidDetails: { subject: config.subject, publicKey: config.vapidPublicKey, privateKey: config.vapidPrivateKey },
      TTL: TTL_SECONDS,
      contentEncoding: webpush.supportedContentEncodings.AES_128_GCM,
      urgency: "normal",
      // a retry of the same message replaces the first attempt while the push service still holds it
      topic: pushCollapseKey(ctx.idempotencyKey),
    });
  } catch (error) {
    // the subscription was checked above, so this is our side: VAPID keys or subject
    throw new ProviderError(`Web Push configuration error: ${(error as Error).message}`, { retryable: false, providerCode: "VAPID_CONFIG" });
  }

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name] = String(value);
  let response: Response;
  let text: string;
  try {
    response = await fetch(request.endpoint, {
      method: request.method,
      headers,
      body: request.body ? new Uint8Array(request.body) : undefined,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "error",
    });
    text = await response.text();
  } catch (error) {
    if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
      throw new ProviderError(`The push service did not answer within ${timeoutMs} ms`, { retryable: true, providerCode: "ETIMEDOUT" });
    }
    const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
    throw new ProviderError(`Could not reach the push service: ${cause?.code ?? cause?.message ?? (error as Error).message}`, { retryable: true, providerCode: cause?.code ?? "ENETWORK" });
  }

  const status = response.status;
  if (response.ok) {
    return { providerMessageId: response.headers.get("location"), response: `${status} ${response.statusText}`.trim() };
  }
  const detail = text.trim().slice(0, 300) || response.statusText;
  const retryAfter = response.headers.get("retry-after");
  const errorMessage = `Push service ${status}: ${detail}${retryAfter ? ` (Retry-After: ${retryAfter})` : ""}`;
  if (status === 404 || status === 410) {
    throw new ProviderError(errorMessage, { retryable: false, permanentAddressFailure: true, providerCode: String(status) });
  }
  if (status === 408 || status === 429 || status >= 500) throw new ProviderError(errorMessage, { retryable: true, providerCode: String(status) });
  // 400 bad request, 401/403 VAPID refused (wrong key for this subscription, bad JWT), 413 payload too large
  throw new ProviderError(errorMessage, { retryable: false, providerCode: String(status) });
}
