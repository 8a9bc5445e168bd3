import { createHash } from "node:crypto";

/**
 * What every channel provider adapter takes and gives. Delivery (lib/messaging/delivery.ts) renders the
 * message, runs the checks, then calls one adapter's `send`; the adapter makes the real network call.
 *
 * Errors: an adapter throws `ProviderError`. `retryable: true` (network error, timeout, 429, 5xx) makes
 * delivery retry with backoff; `retryable: false` (4xx other than 408/429, an invalid address, bad
 * credentials) fails the message at once. `permanentAddressFailure` marks errors that say the address itself
 * is dead (an SMTP 550 "no such user", a push subscription that is gone, an FCM UNREGISTERED token), so
 * delivery suppresses the address for the future.
 */
export class ProviderError extends Error {
  readonly retryable: boolean;
  readonly permanentAddressFailure: boolean;
  /** the provider's own status or code, e.g. "550", "429", "UNREGISTERED", "21211" */
  readonly providerCode?: string;
  /** how long the provider asked to be left alone (its Retry-After), when it said: the retry waits at least that */
  readonly retryAfterMs?: number;

  constructor(
    message: string,
    options: { retryable: boolean; permanentAddressFailure?: boolean; providerCode?: string; retryAfterMs?: number },
  ) {
    super(message);
    this.name = "ProviderError";
    this.retryable = options.retryable;
    this.permanentAddressFailure = options.permanentAddressFailure ?? false;
    this.providerCode = options.providerCode;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export interface SendResult {
  /** the provider's id for the message (SMTP Message-ID, Twilio SID, FCM message name, push service Location) */
  providerMessageId: string | null;
  /** a short human-readable account of the provider's answer, e.g. "250 2.0.0 OK queued as 1A2B" */
  response: string;
}

/**
 * A push notification's collapse key, from the message's idempotency key: 32 characters of URL-safe base64
 * (SHA-256), which fits every place push protocols take one (Web Push `Topic` allows at most 32 such
 * characters, `apns-collapse-id` 64 bytes). A retried send carries the same key, so a push service that still
 * holds the first attempt replaces it instead of showing the notification twice.
 */
export function pushCollapseKey(idempotencyKey: string): string {
  return createHash("sha256").update(idempotencyKey).digest("base64url").slice(0, 32);
}

/** Every send carries the message's idempotency key; adapters pass it on where the protocol has a place for it. */
export interface SendContext {
  idempotencyKey: string;
  /** abort the provider call after this many milliseconds (a retryable ProviderError) */
  timeoutMs?: number;
}

// ---- email (SMTP, nodemailer)
export interface SmtpConfig {
  host: string;
  port: number;
  /** implicit TLS (port 465); otherwise STARTTLS is used when the server offers it */
  secure: boolean;
  user?: string;
  password?: string;
  /** skip certificate verification: only for local test servers */
  allowSelfSigned?: boolean;
}
export interface EmailMessage {
  from: { address: string; name?: string };
  to: string;
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
  /** extra headers, e.g. List-Unsubscribe, List-Unsubscribe-Post, X-Cairn-Message-Id */
  headers: Record<string, string>;
}

// ---- SMS (a Twilio-compatible HTTP API)
export interface TwilioConfig {
  /** e.g. https://api.twilio.com (no trailing slash); a local server in tests */
  baseUrl: string;
  accountSid: string;
  authToken: string;
  /** a phone number in E.164 or a Messaging Service SID (MG…) */
  from: string;
  /** where Twilio posts status callbacks (delivered/undelivered/failed); optional */
  statusCallbackUrl?: string;
}
export interface SmsMessage {
  to: string;
  body: string;
}

// ---- push
export interface WebPushConfig {
  vapidPublicKey: string;
  vapidPrivateKey: string;
  /** "mailto:ops@example.com" or an https URL, as VAPID requires */
  subject: string;
}
/** A browser's PushSubscription as the customer's site sends it (JSON.stringify(subscription)). */
export interface WebPushSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}
export interface FcmConfig {
  projectId: string;
  /** the service account's client_email and private_key (PEM), from its JSON key file */
  clientEmail: string;
  privateKey: string;
  /** defaults: https://oauth2.googleapis.com/token and https://fcm.googleapis.com; local servers in tests */
  tokenUrl?: string;
  apiBaseUrl?: string;
}
export interface PushMessage {
  title: string;
  body: string;
  deepLink?: string;
  imageUrl?: string;
  /** extra key/values delivered to the app (FCM data / in the web push payload) */
  data?: Record<string, string>;
}
