/**
 * Web Push (RFC 8030) with VAPID (RFC 8292) and an aes128gcm-encrypted payload (RFC 8291).
 *
 * The `web-push` package builds the request (encryption, VAPID JWT, headers) with `generateRequestDetails`;
 * the request itself goes through the outbound guard (lib/security/outbound.ts) rather than the package's
 * `sendNotification`: the endpoint comes from a browser, via the customer's site, so it is anyone's URL. The
 * guard gives one deadline over the whole exchange and refuses private addresses (a refused endpoint is a
 * dead subscription). Non-loopback endpoints must be https; loopback is reached only where an operator
 * allowed it (CAIRN_OUTBOUND_ALLOW, as the tests do for their local push service).
 */
import webpush, { type RequestDetails } from "web-push";
import type { GuardOptions } from "../../security/outbound";
import { providerDetail, providerRequest } from "./http";
import {
  ProviderError,
  pushCollapseKey,
  type PushMessage,
  type SendContext,
  type SendResult,
  type WebPushConfig,
  type WebPushSubscription,
} from "./types";

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
  return {
    title: message.title,
    body: message.body,
    url: message.deepLink,
    image: message.imageUrl,
    data: message.data,
  };
}

function invalidSubscription(reason: string): ProviderError {
  return new ProviderError(`Invalid push subscription: ${reason}`, {
    retryable: false,
    permanentAddressFailure: true,
    providerCode: "INVALID_SUBSCRIPTION",
  });
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
  if (p256dh.length !== 65 || p256dh[0] !== 4)
    throw invalidSubscription("keys.p256dh is not an uncompressed P-256 public key");
  if (Buffer.from(subscription.keys?.auth ?? "", "base64url").length < 16)
    throw invalidSubscription("keys.auth is shorter than 16 bytes");
}

/** Send one notification. Throws ProviderError; returns the push service's Location for the message. */
export async function sendWebPush(
  config: WebPushConfig,
  subscription: WebPushSubscription,
  message: PushMessage,
  ctx: SendContext & GuardOptions,
): Promise<SendResult> {
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
    throw new ProviderError(`Web Push configuration error: ${(error as Error).message}`, {
      retryable: false,
      providerCode: "VAPID_CONFIG",
    });
  }

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name] = String(value);
  const response = await providerRequest("the push service", request.endpoint, {
    method: request.method,
    headers,
    body: request.body ? new Uint8Array(request.body) : undefined,
    timeoutMs,
    resolver: ctx.resolver,
    allow: ctx.allow,
    blockedIsAddressFailure: true,
  });
  const text = response.text();

  const status = response.status;
  if (status >= 200 && status < 300) {
    return {
      providerMessageId: response.header("location") ?? null,
      response: providerDetail(`${status} ${response.statusText}`),
    };
  }
  const detail = providerDetail(text.trim() || response.statusText);
  const retryAfter = providerDetail(response.header("retry-after") ?? "").slice(0, 40);
  const errorMessage = `Push service ${status}: ${detail}${retryAfter ? ` (Retry-After: ${retryAfter})` : ""}`;
  if (status === 404 || status === 410) {
    throw new ProviderError(errorMessage, {
      retryable: false,
      permanentAddressFailure: true,
      providerCode: String(status),
    });
  }
  if (status === 408 || status === 429 || status >= 500)
    throw new ProviderError(errorMessage, { retryable: true, providerCode: String(status) });
  // 400 bad request, 401/403 VAPID refused (wrong key for this subscription, bad JWT), 413 payload too large
  throw new ProviderError(errorMessage, { retryable: false, providerCode: String(status) });
}
