/**
 * Push to apps through Firebase Cloud Messaging's HTTP v1 API.
 *
 * Auth is Google's service-account flow done by hand (no SDK): sign an RS256 JWT with the service account's
 * key, trade it at the token endpoint for an access token (jwt-bearer grant, RFC 7523), and keep the access
 * token until shortly before it expires. https://developers.google.com/identity/protocols/oauth2/service-account
 * Sending: https://firebase.google.com/docs/reference/fcm/rest/v1/projects.messages/send
 */
import crypto from "node:crypto";
import type { GuardOptions } from "../../security/outbound";
import { providerDetail, providerRequest } from "./http";
import {
  ProviderError,
  pushCollapseKey,
  type FcmConfig,
  type PushMessage,
  type SendContext,
  type SendResult,
} from "./types";

const DEFAULT_TOKEN_URL = "https://oauth2.googleapis.com/token";
const DEFAULT_API_BASE_URL = "https://fcm.googleapis.com";
const SCOPE = "https://www.googleapis.com/auth/firebase.messaging";
const DEFAULT_TIMEOUT_MS = 30_000;
/** refresh this long before the access token's stated expiry, so a token never dies mid-request */
const EXPIRY_MARGIN_MS = 5 * 60_000;

interface AccessToken {
  accessToken: string;
  expiresAt: number;
}
const tokens = new Map<string, AccessToken>();
const pendingTokens = new Map<string, Promise<AccessToken>>();

/** Forget every cached access token (tests; a rotated service-account key). */
export function clearFcmTokenCache(): void {
  tokens.clear();
  pendingTokens.clear();
}

type Answer = { status: number; header(name: string): string | undefined; text: string; json: unknown };

/**
 * POST and read the answer under `signal`, through the outbound guard (the token and API URLs can be set per
 * workspace); a refused address, a network failure or a timeout is a ProviderError (lib/messaging/providers/http.ts).
 */
async function post(
  what: string,
  url: string,
  init: { headers: Record<string, string>; body: string },
  signal: AbortSignal,
  timeoutMs: number,
  guard: GuardOptions,
): Promise<Answer> {
  const response = await providerRequest(what, url, {
    method: "POST",
    headers: init.headers,
    body: init.body,
    signal,
    timeoutMs,
    resolver: guard.resolver,
    allow: guard.allow,
  });
  const text = response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: response.status, header: (name) => response.header(name), text, json };
}

/** A service account's key as it comes from its JSON file, or with its newlines escaped once more (env vars). */
function privateKeyObject(pem: string): crypto.KeyObject {
  const normalized = pem.includes("\\n") && !pem.includes("\n") ? pem.replace(/\\n/g, "\n") : pem;
  try {
    return crypto.createPrivateKey(normalized);
  } catch (error) {
    throw new ProviderError(
      `The FCM service account's private key is not a valid PEM key: ${(error as Error).message}`,
      { retryable: false, providerCode: "INVALID_KEY" },
    );
  }
}

/** The RS256 JWT the service account presents at the token endpoint. */
export function serviceAccountAssertion(
  config: Pick<FcmConfig, "clientEmail" | "privateKey">,
  tokenUrl: string,
  now = Date.now(),
): string {
  const iat = Math.floor(now / 1000);
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const signingInput = `${encode({ alg: "RS256", typ: "JWT" })}.${encode({ iss: config.clientEmail, scope: SCOPE, aud: tokenUrl, iat, exp: iat + 3600 })}`;
  const signature = crypto.sign("RSA-SHA256", Buffer.from(signingInput), privateKeyObject(config.privateKey));
  return `${signingInput}.${signature.toString("base64url")}`;
}

async function fetchAccessToken(
  config: FcmConfig,
  tokenUrl: string,
  signal: AbortSignal,
  timeoutMs: number,
  guard: GuardOptions,
): Promise<AccessToken> {
  const assertion = serviceAccountAssertion(config, tokenUrl);
  const answer = await post(
    "the Google OAuth token endpoint",
    tokenUrl,
    {
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion }).toString(),
    },
    signal,
    timeoutMs,
    guard,
  );
  const body = (answer.json ?? {}) as {
    access_token?: unknown;
    expires_in?: unknown;
    error?: unknown;
    error_description?: unknown;
  };
  if (answer.status === 200 && typeof body.access_token === "string") {
    const expiresIn = typeof body.expires_in === "number" ? body.expires_in : 3600;
    return { accessToken: body.access_token, expiresAt: Date.now() + expiresIn * 1000 };
  }
  const reason = providerDetail(
    typeof body.error === "string"
      ? `${body.error}${typeof body.error_description === "string" ? `: ${body.error_description}` : ""}`
      : answer.text,
  );
  const message = `Google OAuth token request for ${config.clientEmail} failed with ${answer.status}: ${reason}`;
  const retryable = answer.status === 408 || answer.status === 429 || answer.status >= 500;
  // 400 invalid_grant (wrong key, unknown or disabled service account, clock skew) needs an operator
  throw new ProviderError(message, {
    retryable,
    providerCode: typeof body.error === "string" ? body.error : String(answer.status),
  });
}

/** The cached access token for this service account at this token endpoint, fetched (once, for concurrent callers) when missing or about to expire. */
async function accessToken(
  config: FcmConfig,
  tokenUrl: string,
  signal: AbortSignal,
  timeoutMs: number,
  forceRefresh: boolean,
  guard: GuardOptions,
): Promise<string> {
  const key = `${config.clientEmail}\n${tokenUrl}`;
  const cached = tokens.get(key);
  if (!forceRefresh && cached && cached.expiresAt - EXPIRY_MARGIN_MS > Date.now()) return cached.accessToken;
  let pending = pendingTokens.get(key);
  if (!pending) {
    if (forceRefresh) tokens.delete(key);
    pending = fetchAccessToken(config, tokenUrl, signal, timeoutMs, guard).finally(() => pendingTokens.delete(key));
    pendingTokens.set(key, pending);
  }
  const token = await pending;
  tokens.set(key, token);
  return token.accessToken;
}

/**
 * The FCM v1 `message` for one registration token. `collapseKey` (pushCollapseKey of the message's
 * idempotency key) goes where each platform takes one, so a retried send replaces rather than duplicates:
 * `android.collapse_key`, the `apns-collapse-id` header, and the Web Push `Topic` header for web clients.
 * (v1 has no top-level collapse_key: that was the legacy API's, and v1 refuses unknown fields.)
 */
export function fcmMessage(token: string, message: PushMessage, collapseKey?: string): Record<string, unknown> {
  const data: Record<string, string> = { ...message.data };
  if (message.deepLink) data.link = message.deepLink; // native apps open it from the data (FCM has no link field for Android or APNs)
  const webLink = message.deepLink?.startsWith("https://") ? message.deepLink : undefined;
  // web clients: FCM's own service worker opens this link on click (it must be https)
  const webpush = {
    ...(collapseKey ? { headers: { Topic: collapseKey } } : {}),
    ...(webLink ? { fcm_options: { link: webLink } } : {}),
  };
  const apns = {
    ...(collapseKey ? { headers: { "apns-collapse-id": collapseKey } } : {}),
    // iOS shows the image only when a notification service extension may modify the notification
    ...(message.imageUrl
      ? { payload: { aps: { "mutable-content": 1 } }, fcm_options: { image: message.imageUrl } }
      : {}),
  };
  return {
    token,
    notification: {
      title: message.title,
      body: message.body,
      ...(message.imageUrl ? { image: message.imageUrl } : {}),
    },
    ...(Object.keys(data).length > 0 ? { data } : {}),
    ...(collapseKey ? { android: { collapse_key: collapseKey } } : {}),
    ...(Object.keys(webpush).length > 0 ? { webpush } : {}),
    ...(Object.keys(apns).length > 0 ? { apns } : {}),
  };
}

interface GoogleError {
  error?: {
    code?: number;
    message?: string;
    status?: string;
    details?: Array<{ "@type"?: string; errorCode?: string }>;
  };
}

function sendError(
  status: number,
  header: (name: string) => string | undefined,
  json: unknown,
  text: string,
  secrets: string[],
): ProviderError {
  const error = (json as GoogleError | null)?.error;
  const errorCode = error?.details?.find((detail) =>
    detail["@type"]?.endsWith("google.firebase.fcm.v1.FcmError"),
  )?.errorCode;
  const statusName = error?.status;
  const detail = providerDetail(
    typeof error?.message === "string" ? error.message : text.trim() || `HTTP ${status}`,
    secrets,
  );
  const retryAfter = providerDetail(header("retry-after") ?? "").slice(0, 40);
  const message =
    `FCM ${status} ${errorCode ?? statusName ?? ""}: ${detail}${retryAfter ? ` (Retry-After: ${retryAfter})` : ""}`.replace(
      / {2,}/g,
      " ",
    );
  const providerCode = errorCode ?? statusName ?? String(status);
  if (errorCode === "UNREGISTERED" || status === 404)
    return new ProviderError(message, { retryable: false, permanentAddressFailure: true, providerCode });
  const aboutToken = /registration token|message\.token/i.test(detail);
  if ((errorCode === "INVALID_ARGUMENT" || statusName === "INVALID_ARGUMENT") && aboutToken) {
    return new ProviderError(message, { retryable: false, permanentAddressFailure: true, providerCode });
  }
  const transient = ["UNAVAILABLE", "INTERNAL", "QUOTA_EXCEEDED", "RESOURCE_EXHAUSTED", "DEADLINE_EXCEEDED"];
  if (
    status === 408 ||
    status === 429 ||
    status >= 500 ||
    transient.includes(errorCode ?? "") ||
    transient.includes(statusName ?? "")
  ) {
    return new ProviderError(message, { retryable: true, providerCode });
  }
  return new ProviderError(message, { retryable: false, providerCode });
}

/** Send one notification to one registration token. Throws ProviderError; returns FCM's message name. */
export async function sendFcm(
  config: FcmConfig,
  token: string,
  message: PushMessage,
  ctx: SendContext & GuardOptions,
): Promise<SendResult> {
  const timeoutMs = ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs); // one deadline over the token fetch, the send and a retry after 401
  const tokenUrl = config.tokenUrl ?? DEFAULT_TOKEN_URL;
  const url = `${(config.apiBaseUrl ?? DEFAULT_API_BASE_URL).replace(/\/+$/, "")}/v1/projects/${encodeURIComponent(config.projectId)}/messages:send`;
  const body = JSON.stringify({ message: fcmMessage(token, message, pushCollapseKey(ctx.idempotencyKey)) });

  for (let attempt = 1; ; attempt++) {
    const bearer = await accessToken(config, tokenUrl, signal, timeoutMs, attempt > 1, ctx);
    const answer = await post(
      "FCM",
      url,
      {
        headers: {
          authorization: `Bearer ${bearer}`,
          "content-type": "application/json; charset=utf-8",
          accept: "application/json",
        },
        body,
      },
      signal,
      timeoutMs,
      ctx,
    );
    if (answer.status === 200) {
      const name = (answer.json as { name?: unknown } | null)?.name;
      return {
        providerMessageId: typeof name === "string" ? name : null,
        response: `200 ${providerDetail(typeof name === "string" ? name : answer.text, [bearer])}`,
      };
    }
    // an access token revoked or expired early: fetch a new one and try the send once more
    if (answer.status === 401 && attempt === 1) continue;
    throw sendError(answer.status, answer.header, answer.json, answer.text, [bearer]);
  }
}
