/**
 * Real local stand-ins for the message providers, over real sockets on 127.0.0.1, for unit, integration and
 * e2e tests of delivery (lib/messaging/providers):
 *
 * - `startSmtpSink()`      an SMTP server (smtp-server) that keeps the raw MIME of every accepted message
 * - `startTwilioServer()`  Twilio's Messages API (POST /2010-04-01/Accounts/{sid}/Messages.json) and its status callbacks
 * - `startPushService()`   a Web Push service: checks the VAPID JWT and the aes128gcm payload, and decrypts it
 * - `startFcmServer()`     Google's OAuth token endpoint (JWT bearer grant) plus FCM v1 messages:send
 *
 * Each returns its address, `received` (what it accepted, in order), `rejected` (what it refused and why),
 * `close()`, `waitFor(n)` and knobs: `failNext(count, status…)` makes the next `count` requests fail with
 * that status (SMTP: reply code), `stallNext(count)` makes them hang until the client gives up or the server
 * is closed. The servers check requests the way the real services do (auth, required fields, signatures) so
 * a malformed call fails here as it would in production.
 */
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer, type SMTPServerError } from "smtp-server";
import type { FcmConfig, SmtpConfig, TwilioConfig, WebPushSubscription } from "../messaging/providers/types";

// ---------------------------------------------------------------- shared

interface Injected {
  kind: "fail" | "stall";
  status: number;
  body?: unknown;
  message?: string;
}

/** The queue behind `failNext` / `stallNext`: each request takes the head, if any. */
class FailureQueue {
  private readonly queue: Injected[] = [];
  fail(count: number, status: number, extra: { body?: unknown; message?: string } = {}): void {
    for (let i = 0; i < count; i++) this.queue.push({ kind: "fail", status, ...extra });
  }
  stall(count: number): void {
    for (let i = 0; i < count; i++) this.queue.push({ kind: "stall", status: 0 });
  }
  take(): Injected | undefined {
    return this.queue.shift();
  }
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface RejectedRequest {
  path: string;
  status: number;
  reason: string;
}

interface HttpRequest {
  method: string;
  url: URL;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}
type HttpReply = { status: number; headers?: Record<string, string>; body?: unknown } | "stall";

async function startHttp(
  handle: (request: HttpRequest) => Promise<HttpReply> | HttpReply,
): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let reply: HttpReply;
    try {
      reply = await handle({
        method: req.method ?? "GET",
        url: new URL(req.url ?? "/", `http://${req.headers.host ?? "127.0.0.1"}`),
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
    } catch (error) {
      reply = { status: 500, body: { error: String(error) } };
    }
    if (reply === "stall") return; // held open until the client gives up or close() drops it
    const isText = typeof reply.body === "string" || reply.body === undefined;
    res.writeHead(reply.status, { ...(isText ? {} : { "content-type": "application/json" }), ...reply.headers });
    res.end(reply.body === undefined ? undefined : isText ? (reply.body as string) : JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function parseForm(body: Buffer): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body.toString("utf8")));
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString("base64url");
}

/** Splits a compact JWS and checks its signature; returns header and claims, or the reason it is refused. */
function verifyJwt(
  token: string,
  verify: (signingInput: Buffer, signature: Buffer, header: Record<string, unknown>) => boolean,
): { header: Record<string, unknown>; claims: Record<string, unknown> } | { error: string } {
  const parts = token.split(".");
  if (parts.length !== 3) return { error: "not a compact JWT" };
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(parts[0], "base64url").toString("utf8"));
    claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
  } catch {
    return { error: "JWT header or claims are not JSON" };
  }
  if (!verify(Buffer.from(`${parts[0]}.${parts[1]}`), Buffer.from(parts[2], "base64url"), header))
    return { error: "JWT signature does not verify" };
  return { header, claims };
}

// ---------------------------------------------------------------- SMTP

export interface CapturedEmail {
  envelope: { from: string; to: string[] };
  /** the message exactly as received after DATA (CRLF line ends, headers and MIME parts) */
  raw: string;
  parsed: ParsedMail;
  /** the Message-ID header, with its angle brackets */
  messageId: string | undefined;
  /** the authenticated user, when the client logged in */
  user: string | undefined;
}

export interface SmtpSink {
  host: string;
  port: number;
  /** an SmtpConfig pointing at this sink (with its credentials when it requires auth) */
  config(overrides?: Partial<SmtpConfig>): SmtpConfig;
  received: CapturedEmail[];
  rejected: Array<{ stage: "auth" | "mail" | "rcpt" | "data"; address?: string; code: number; message: string }>;
  /** RCPT TO this address is refused with `code` (default 550 "5.1.1 … no such user") from now on */
  rejectRecipient(address: string, code?: number, message?: string): void;
  /** the next `count` messages fail with `code` (default 451, a temporary failure) at RCPT TO or after DATA */
  failNext(count: number, code?: number, options?: { message?: string; stage?: "rcpt" | "data" }): void;
  /** the next `count` messages get no answer after their DATA, until the client times out or the sink closes */
  stallNext(count: number): void;
  waitFor(count: number, timeoutMs?: number): Promise<CapturedEmail[]>;
  close(): Promise<void>;
}

export async function startSmtpSink(
  options: { auth?: { user: string; password: string }; starttls?: boolean } = {},
): Promise<SmtpSink> {
  const received: CapturedEmail[] = [];
  const rejected: SmtpSink["rejected"] = [];
  const recipientRejections = new Map<string, { code: number; message: string }>();
  const injected: Array<Injected & { stage: "rcpt" | "data" }> = [];
  const stalledCallbacks = new Set<() => void>();

  function smtpError(code: number, message: string): SMTPServerError {
    return Object.assign(new Error(message), { responseCode: code });
  }
  function takeInjected(stage: "rcpt" | "data"): (Injected & { stage: "rcpt" | "data" }) | undefined {
    const head = injected[0];
    if (!head || head.stage !== stage) return undefined;
    return injected.shift();
  }

  const server = new SMTPServer({
    logger: false,
    banner: "Cairn test SMTP sink",
    authOptional: !options.auth,
    allowInsecureAuth: true,
    disabledCommands: options.starttls ? [] : ["STARTTLS"],
    closeTimeout: 50,
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.password)
        return callback(null, { user: auth.username });
      rejected.push({ stage: "auth", code: 535, message: "5.7.8 Authentication credentials invalid" });
      callback(smtpError(535, "5.7.8 Authentication credentials invalid"));
    },
    onRcptTo(address, _session, callback) {
      const rule = recipientRejections.get(address.address.toLowerCase());
      if (rule) {
        rejected.push({ stage: "rcpt", address: address.address, ...rule });
        return callback(smtpError(rule.code, rule.message));
      }
      const failure = takeInjected("rcpt");
      if (failure) {
        const message = failure.message ?? "4.2.0 Greylisted, please try again later";
        rejected.push({ stage: "rcpt", address: address.address, code: failure.status, message });
        return callback(smtpError(failure.status, message));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", async () => {
        const failure = takeInjected("data");
        if (failure?.kind === "stall") {
          stalledCallbacks.add(() => callback(smtpError(421, "4.3.2 Service shutting down")));
          return;
        }
        if (failure) {
          const message = failure.message ?? "4.3.0 Temporary failure, please try again later";
          rejected.push({ stage: "data", code: failure.status, message });
          return callback(smtpError(failure.status, message));
        }
        const raw = Buffer.concat(chunks).toString("utf8");
        const parsed = await simpleParser(raw);
        received.push({
          envelope: {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          },
          raw,
          parsed,
          messageId: parsed.messageId,
          user: typeof session.user === "string" ? session.user : undefined,
        });
        callback(null, `2.0.0 OK queued as ${crypto.randomBytes(5).toString("hex").toUpperCase()}`);
      });
    },
  });
  server.on("error", () => {}); // a client dropping mid-session is not the sink's problem

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.server.address() as AddressInfo;

  return {
    host: "127.0.0.1",
    port,
    config: (overrides = {}) => ({
      host: "127.0.0.1",
      port,
      secure: false,
      ...(options.auth ? { user: options.auth.user, password: options.auth.password } : {}),
      ...(options.starttls ? { allowSelfSigned: true } : {}),
      ...overrides,
    }),
    received,
    rejected,
    rejectRecipient(address, code = 550, message) {
      recipientRejections.set(address.toLowerCase(), {
        code,
        message: message ?? `5.1.1 <${address}>: Recipient address rejected: no such user`,
      });
    },
    failNext(count, code = 451, { message, stage = "rcpt" } = {}) {
      for (let i = 0; i < count; i++) injected.push({ kind: "fail", status: code, message, stage });
    },
    stallNext(count) {
      for (let i = 0; i < count; i++) injected.push({ kind: "stall", status: 0, stage: "data" });
    },
    async waitFor(count, timeoutMs = 5_000) {
      await waitUntil(() => received.length >= count, timeoutMs, `${count} email(s) at the SMTP sink`);
      return received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const release of stalledCallbacks) release();
        stalledCallbacks.clear();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------- Twilio

export interface TwilioRequest {
  accountSid: string;
  /** the form fields as posted: To, From or MessagingServiceSid, Body, StatusCallback… */
  form: Record<string, string>;
  /** HTTP Basic credentials */
  auth: { user: string; password: string };
  idempotencyToken: string | undefined;
  headers: http.IncomingHttpHeaders;
  /** the SID the server answered with */
  sid: string;
}

export interface TwilioServer {
  url: string;
  port: number;
  accountSid: string;
  authToken: string;
  /** a TwilioConfig pointing at this server */
  config(overrides?: Partial<TwilioConfig>): TwilioConfig;
  received: TwilioRequest[];
  rejected: RejectedRequest[];
  /** the next `count` requests fail with `status` and Twilio's JSON error body ({code, message, status, more_info}) */
  failNext(count: number, status: number, error?: { code?: number; message?: string }): void;
  stallNext(count: number): void;
  /** messages to this number fail with Twilio error `code` (e.g. 21610 unsubscribed, 21614 not a mobile number) */
  rejectRecipient(to: string, code: number, message?: string): void;
  /**
   * Post a status callback for a message to its StatusCallback URL, form-encoded and signed with
   * X-Twilio-Signature as Twilio does. Returns the receiver's answer.
   */
  sendStatusCallback(
    sid: string,
    status: "queued" | "sent" | "delivered" | "undelivered" | "failed",
    errorCode?: number,
  ): Promise<{ status: number; body: string }>;
  waitFor(count: number, timeoutMs?: number): Promise<TwilioRequest[]>;
  close(): Promise<void>;
}

/** X-Twilio-Signature: base64 HMAC-SHA1, keyed by the auth token, of the URL followed by the sorted params' names and values. */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data =
    url +
    Object.keys(params)
      .sort()
      .map((key) => key + params[key])
      .join("");
  return crypto.createHmac("sha1", authToken).update(data, "utf8").digest("base64");
}

const TWILIO_MESSAGES = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;

export async function startTwilioServer(
  options: { accountSid?: string; authToken?: string } = {},
): Promise<TwilioServer> {
  const accountSid = options.accountSid ?? `AC${crypto.randomBytes(16).toString("hex")}`;
  const authToken = options.authToken ?? crypto.randomBytes(16).toString("hex");
  const received: TwilioRequest[] = [];
  const rejected: RejectedRequest[] = [];
  const failures = new FailureQueue();
  const recipientRejections = new Map<string, { code: number; message: string }>();

  const twilioError = (path: string, status: number, code: number, message: string): HttpReply => {
    rejected.push({ path, status, reason: `${code} ${message}` });
    return { status, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
  };

  const server = await startHttp(({ method, url, headers, body }) => {
    const path = url.pathname;
    const match = TWILIO_MESSAGES.exec(path);
    if (!match || method !== "POST") return twilioError(path, 404, 20404, "The requested resource was not found");
    const injected = failures.take();
    if (injected?.kind === "stall") return "stall";
    if (injected) {
      const error = (injected.body ?? {}) as { code?: number; message?: string };
      const defaultCode =
        ({ 401: 20003, 404: 20404, 429: 20429 } as Record<number, number>)[injected.status] ??
        (injected.status >= 500 ? 20500 : 20001);
      return twilioError(
        path,
        injected.status,
        error.code ?? defaultCode,
        error.message ?? statusText(injected.status),
      );
    }
    const authHeader = headers.authorization ?? "";
    const [user, password] = authHeader.startsWith("Basic ")
      ? Buffer.from(authHeader.slice(6), "base64").toString("utf8").split(/:(.*)/s)
      : ["", ""];
    if (user !== accountSid || password !== authToken) return twilioError(path, 401, 20003, "Authenticate");
    if (match[1] !== accountSid) return twilioError(path, 404, 20404, `The requested resource ${path} was not found`);
    if (!String(headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded"))
      return twilioError(path, 400, 20001, "Content-Type must be application/x-www-form-urlencoded");
    const form = parseForm(body);
    if (!form.To) return twilioError(path, 400, 21604, "A 'To' phone number is required.");
    if (!/^\+[1-9]\d{6,14}$/.test(form.To))
      return twilioError(path, 400, 21211, `Invalid 'To' Phone Number: ${form.To}`);
    if (!form.From && !form.MessagingServiceSid)
      return twilioError(path, 400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message");
    if (form.From && !/^\+[1-9]\d{6,14}$/.test(form.From))
      return twilioError(path, 400, 21212, `Invalid From Number: ${form.From}`);
    if (form.MessagingServiceSid && !/^MG[0-9a-f]{32}$/i.test(form.MessagingServiceSid))
      return twilioError(path, 400, 21701, "The Messaging Service Sid is invalid");
    if (!form.Body) return twilioError(path, 400, 21602, "Message body is required.");
    if (form.Body.length > 1600)
      return twilioError(path, 400, 21617, "The concatenated message body exceeds the 1600 character limit.");
    const rule = recipientRejections.get(form.To);
    if (rule) return twilioError(path, 400, rule.code, rule.message);

    const sid = `SM${crypto.randomBytes(16).toString("hex")}`;
    const idempotency = headers["i-twilio-idempotency-token"];
    received.push({
      accountSid: match[1],
      form,
      auth: { user, password },
      idempotencyToken: Array.isArray(idempotency) ? idempotency[0] : idempotency,
      headers,
      sid,
    });
    const now = new Date().toUTCString();
    return {
      status: 201,
      body: {
        sid,
        account_sid: accountSid,
        to: form.To,
        from: form.From ?? null,
        messaging_service_sid: form.MessagingServiceSid ?? null,
        body: form.Body,
        status: form.MessagingServiceSid ? "accepted" : "queued",
        num_segments: String(Math.max(1, Math.ceil(form.Body.length / 160))),
        direction: "outbound-api",
        api_version: "2010-04-01",
        date_created: now,
        date_updated: now,
        error_code: null,
        error_message: null,
        uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
      },
    };
  });

  return {
    url: server.url,
    port: server.port,
    accountSid,
    authToken,
    config: (overrides = {}) => ({ baseUrl: server.url, accountSid, authToken, from: "+15005550006", ...overrides }),
    received,
    rejected,
    failNext: (count, status, error) => failures.fail(count, status, { body: error }),
    stallNext: (count) => failures.stall(count),
    rejectRecipient(to, code, message) {
      const messages: Record<number, string> = {
        21610: "Attempt to send to unsubscribed recipient",
        21614: `'To' number ${to} is not a valid mobile number`,
        21211: `Invalid 'To' Phone Number: ${to}`,
        21408: "Permission to send an SMS has not been enabled for the region indicated by the 'To' number",
      };
      recipientRejections.set(to, { code, message: message ?? messages[code] ?? `Error ${code}` });
    },
    async sendStatusCallback(sid, status, errorCode) {
      const message = received.find((r) => r.sid === sid);
      if (!message) throw new Error(`no message ${sid} at this Twilio server`);
      const callbackUrl = message.form.StatusCallback;
      if (!callbackUrl) throw new Error(`message ${sid} was sent without a StatusCallback`);
      const params: Record<string, string> = {
        AccountSid: accountSid,
        ApiVersion: "2010-04-01",
        From: message.form.From ?? "",
        MessageSid: sid,
        MessageStatus: status,
        SmsSid: sid,
        SmsStatus: status,
        To: message.form.To,
        ...(message.form.MessagingServiceSid ? { MessagingServiceSid: message.form.MessagingServiceSid } : {}),
        ...(errorCode !== undefined ? { ErrorCode: String(errorCode) } : {}),
      };
      const response = await fetch(callbackUrl, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "x-twilio-signature": twilioSignature(authToken, callbackUrl, params),
          "user-agent": "TwilioProxy/1.1",
        },
        body: new URLSearchParams(params),
      });
      return { status: response.status, body: await response.text() };
    },
    async waitFor(count, timeoutMs = 5_000) {
      await waitUntil(() => received.length >= count, timeoutMs, `${count} SMS request(s) at the Twilio server`);
      return received;
    },
    close: server.close,
  };
}

function statusText(status: number): string {
  return http.STATUS_CODES[status] ?? `HTTP ${status}`;
}

// ---------------------------------------------------------------- Web Push

export interface TestPushSubscription extends WebPushSubscription {
  /** the browser side's private ECDH key and auth secret, which the service uses to decrypt what it receives */
  privateKey: Buffer;
  authSecret: Buffer;
}

export interface PushDelivery {
  endpoint: string;
  /** the id in the Location the service answered with */
  id: string;
  headers: http.IncomingHttpHeaders;
  ttl: number;
  urgency: string | undefined;
  topic: string | undefined;
  contentEncoding: string | undefined;
  /** the encrypted body as received */
  body: Buffer;
  /** the VAPID public key (the `k` parameter) and the verified JWT claims */
  vapid: { publicKey: string; claims: { aud: string; exp: number; sub: string } };
  /** the decrypted payload (RFC 8291), or null for an empty push */
  payload: string | null;
}

export interface PushService {
  url: string;
  port: number;
  /** the VAPID audience the service expects: the origin of its endpoints */
  origin: string;
  /**
   * A new subscription as a browser would hand it over: an endpoint on this service, a fresh P-256 key pair
   * (p256dh is the public key) and a 16-byte auth secret. With `applicationServerKey` the subscription is
   * bound to that VAPID public key and pushes signed with another key get 403, as on real services.
   * `browserKeys` uses a given P-256 private key and auth secret instead of fresh ones.
   */
  subscribe(options?: {
    applicationServerKey?: string;
    browserKeys?: { privateKey: Buffer; authSecret: Buffer };
  }): TestPushSubscription;
  /** the subscription is gone: pushes to it get 410 from now on */
  expire(endpoint: string): void;
  received: PushDelivery[];
  rejected: RejectedRequest[];
  failNext(count: number, status: number, body?: string): void;
  stallNext(count: number): void;
  waitFor(count: number, timeoutMs?: number): Promise<PushDelivery[]>;
  close(): Promise<void>;
}

/** The uncompressed P-256 point (65 bytes, base64url) as a public KeyObject. */
function p256PublicKey(raw: Buffer): crypto.KeyObject {
  if (raw.length !== 65 || raw[0] !== 4) throw new Error("not an uncompressed P-256 point");
  return crypto.createPublicKey({
    key: { kty: "EC", crv: "P-256", x: base64url(raw.subarray(1, 33)), y: base64url(raw.subarray(33)) },
    format: "jwk",
  });
}

/** RFC 8291 / RFC 8188 aes128gcm, a single record: what a browser does with a push it receives. */
function decryptAes128gcm(
  body: Buffer,
  subscription: { publicKey: Buffer; privateKey: Buffer; authSecret: Buffer },
): string {
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body[20];
  const senderPublicKey = body.subarray(21, 21 + idLength);
  const records = body.subarray(21 + idLength);
  if (idLength !== 65) throw new Error(`keyid is ${idLength} bytes, expected the sender's 65-byte public key`);
  if (records.length > recordSize) throw new Error("more than one record");
  const ecdh = crypto.createECDH("prime256v1");
  ecdh.setPrivateKey(subscription.privateKey);
  const sharedSecret = ecdh.computeSecret(senderPublicKey);
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), subscription.publicKey, senderPublicKey]);
  const ikm = Buffer.from(crypto.hkdfSync("sha256", sharedSecret, subscription.authSecret, keyInfo, 32));
  const cek = Buffer.from(crypto.hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16));
  const nonce = Buffer.from(crypto.hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12));
  const decipher = crypto.createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(records.subarray(records.length - 16));
  const padded = Buffer.concat([decipher.update(records.subarray(0, records.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error("missing the last-record delimiter");
  return padded.subarray(0, end).toString("utf8");
}

export async function startPushService(): Promise<PushService> {
  const received: PushDelivery[] = [];
  const rejected: RejectedRequest[] = [];
  const failures = new FailureQueue();
  const subscriptions = new Map<
    string,
    { publicKey: Buffer; privateKey: Buffer; authSecret: Buffer; applicationServerKey?: string; expired: boolean }
  >();
  let origin = "";

  const refuse = (path: string, status: number, reason: string): HttpReply => {
    rejected.push({ path, status, reason });
    return { status, body: reason };
  };

  const server = await startHttp(({ method, url, headers, body }) => {
    const path = url.pathname;
    const id = /^\/push\/([A-Za-z0-9_-]+)$/.exec(path)?.[1];
    if (method !== "POST" || !id) return refuse(path, 404, "not a push endpoint");
    const injected = failures.take();
    if (injected?.kind === "stall") return "stall";
    if (injected)
      return refuse(path, injected.status, (injected.body as string | undefined) ?? statusText(injected.status));
    const subscription = subscriptions.get(id);
    if (!subscription) return refuse(path, 404, "no such subscription");
    if (subscription.expired) return refuse(path, 410, "push subscription has unsubscribed or expired");

    const ttl = Number(headers.ttl);
    if (headers.ttl === undefined || !Number.isInteger(ttl) || ttl < 0)
      return refuse(path, 400, "missing or invalid TTL header");

    // VAPID (RFC 8292): Authorization: vapid t=<JWT signed ES256>, k=<the public key, base64url>
    const vapid = /^vapid\s+t=([^,\s]+)\s*,\s*k=([A-Za-z0-9_-]+)\s*$/.exec(headers.authorization ?? "");
    if (!vapid) return refuse(path, 401, "missing or malformed VAPID Authorization header");
    const [, jwt, k] = vapid;
    let publicKey: crypto.KeyObject;
    try {
      publicKey = p256PublicKey(Buffer.from(k, "base64url"));
    } catch {
      return refuse(path, 401, "the k parameter is not a P-256 public key");
    }
    const verified = verifyJwt(
      jwt,
      (input, signature, header) =>
        header.alg === "ES256" &&
        crypto.verify("sha256", input, { key: publicKey, dsaEncoding: "ieee-p1363" }, signature),
    );
    if ("error" in verified) return refuse(path, 401, `VAPID: ${verified.error}`);
    const { aud, exp, sub } = verified.claims as { aud?: unknown; exp?: unknown; sub?: unknown };
    if (aud !== origin) return refuse(path, 401, `VAPID: aud is ${JSON.stringify(aud)}, expected ${origin}`);
    const now = Math.floor(Date.now() / 1000);
    if (typeof exp !== "number" || exp <= now || exp > now + 24 * 3600)
      return refuse(path, 401, "VAPID: exp is missing, past, or more than 24 hours ahead");
    if (typeof sub !== "string" || !/^(mailto:|https:)/.test(sub))
      return refuse(path, 401, "VAPID: sub must be a mailto: or https: URL");
    if (subscription.applicationServerKey && subscription.applicationServerKey !== k)
      return refuse(path, 403, "VAPID key does not match the subscription's applicationServerKey");

    let payload: string | null = null;
    if (body.length > 0) {
      if (headers["content-encoding"] !== "aes128gcm")
        return refuse(path, 400, `unsupported Content-Encoding ${headers["content-encoding"] ?? "(none)"}`);
      if (body.length > 4096) return refuse(path, 413, "payload too large");
      try {
        payload = decryptAes128gcm(body, subscription);
      } catch (error) {
        return refuse(path, 400, `payload does not decrypt: ${(error as Error).message}`);
      }
    }
    const messageId = crypto.randomBytes(8).toString("hex");
    received.push({
      endpoint: `${origin}${path}`,
      id: messageId,
      headers,
      ttl,
      urgency: headers.urgency as string | undefined,
      topic: headers.topic as string | undefined,
      contentEncoding: headers["content-encoding"],
      body,
      vapid: { publicKey: k, claims: { aud, exp, sub } },
      payload,
    });
    return { status: 201, headers: { location: `${origin}/message/${messageId}` } };
  });
  origin = server.url;

  return {
    url: server.url,
    port: server.port,
    origin,
    subscribe(options = {}) {
      const ecdh = crypto.createECDH("prime256v1");
      if (options.browserKeys) ecdh.setPrivateKey(options.browserKeys.privateKey);
      else ecdh.generateKeys();
      const publicKey = ecdh.getPublicKey();
      const authSecret = options.browserKeys?.authSecret ?? crypto.randomBytes(16);
      const id = crypto.randomBytes(12).toString("base64url");
      subscriptions.set(id, {
        publicKey,
        privateKey: ecdh.getPrivateKey(),
        authSecret,
        applicationServerKey: options.applicationServerKey,
        expired: false,
      });
      return {
        endpoint: `${origin}/push/${id}`,
        keys: { p256dh: base64url(publicKey), auth: base64url(authSecret) },
        privateKey: ecdh.getPrivateKey(),
        authSecret,
      };
    },
    expire(endpoint) {
      const id = endpoint.split("/push/")[1];
      const subscription = id ? subscriptions.get(id) : undefined;
      if (!subscription) throw new Error(`no subscription ${endpoint} at this push service`);
      subscription.expired = true;
    },
    received,
    rejected,
    failNext: (count, status, body) => failures.fail(count, status, { body }),
    stallNext: (count) => failures.stall(count),
    async waitFor(count, timeoutMs = 5_000) {
      await waitUntil(() => received.length >= count, timeoutMs, `${count} push(es) at the push service`);
      return received;
    },
    close: server.close,
  };
}

// ---------------------------------------------------------------- FCM

export interface FcmTokenRequest {
  /** the verified claims of the service account's JWT assertion */
  claims: Record<string, unknown>;
  accessToken: string;
}

export interface FcmSend {
  projectId: string;
  /** the `message` object as posted */
  message: Record<string, unknown> & { token?: string };
  accessToken: string;
  /** the name the server answered with: projects/{id}/messages/{n} */
  name: string;
}

export interface FcmServer {
  url: string;
  port: number;
  tokenUrl: string;
  apiBaseUrl: string;
  projectId: string;
  clientEmail: string;
  /** an FcmConfig pointing at this server, with the test's private key (PEM) */
  config(privateKey: string, overrides?: Partial<FcmConfig>): FcmConfig;
  tokenRequests: FcmTokenRequest[];
  received: FcmSend[];
  rejected: RejectedRequest[];
  /**
   * The next `count` sends fail with `status` and a Google error body; `error.status` and `error.errorCode`
   * (the FcmError detail) default from the HTTP status as FCM sends them (503 UNAVAILABLE/UNAVAILABLE,
   * 404 NOT_FOUND/UNREGISTERED, 429 RESOURCE_EXHAUSTED/QUOTA_EXCEEDED…).
   */
  failNext(count: number, status: number, error?: { status?: string; errorCode?: string; message?: string }): void;
  /** the next `count` token requests fail with `status` and an OAuth error body */
  failNextToken(count: number, status: number, error?: { error: string; error_description?: string }): void;
  stallNext(count: number): void;
  /** sends to this registration token get 404 UNREGISTERED from now on (the app was uninstalled) */
  unregister(token: string): void;
  /** every access token issued so far stops working (sends with them get 401 UNAUTHENTICATED) */
  revokeAccessTokens(): void;
  waitFor(count: number, timeoutMs?: number): Promise<FcmSend[]>;
  close(): Promise<void>;
}

const GOOGLE_STATUS: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};
/** the FcmError detail real FCM adds for these statuses (a plain 401 UNAUTHENTICATED carries none) */
const FCM_ERROR_CODE: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  403: "SENDER_ID_MISMATCH",
  404: "UNREGISTERED",
  429: "QUOTA_EXCEEDED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};

/**
 * @param options.publicKey the public half of the service account's RSA key (the test keeps the private half)
 */
export async function startFcmServer(options: {
  publicKey: crypto.KeyObject | string;
  clientEmail?: string;
  projectId?: string;
  tokenTtlSeconds?: number;
}): Promise<FcmServer> {
  const publicKey =
    typeof options.publicKey === "string" ? crypto.createPublicKey(options.publicKey) : options.publicKey;
  const clientEmail = options.clientEmail ?? "cairn-test@cairn-test.iam.gserviceaccount.com";
  const projectId = options.projectId ?? "cairn-test";
  const tokenTtl = options.tokenTtlSeconds ?? 3600;
  const tokenRequests: FcmTokenRequest[] = [];
  const received: FcmSend[] = [];
  const rejected: RejectedRequest[] = [];
  const failures = new FailureQueue();
  const tokenFailures = new FailureQueue();
  const unregistered = new Set<string>();
  const accessTokens = new Map<string, number>(); // token -> expiry (ms)
  let tokenUrl = "";
  let sequence = 0;

  const googleError = (
    path: string,
    status: number,
    error: { status?: string; errorCode?: string; message?: string } = {},
  ): HttpReply => {
    const statusName = error.status ?? GOOGLE_STATUS[status] ?? (status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION");
    const message = error.message ?? statusText(status);
    rejected.push({ path, status, reason: `${statusName}${error.errorCode ? `/${error.errorCode}` : ""}: ${message}` });
    return {
      status,
      body: {
        error: {
          code: status,
          message,
          status: statusName,
          details: error.errorCode
            ? [{ "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", errorCode: error.errorCode }]
            : [],
        },
      },
    };
  };
  const oauthError = (path: string, status: number, error: string, description: string): HttpReply => {
    rejected.push({ path, status, reason: `${error}: ${description}` });
    return { status, body: { error, error_description: description } };
  };

  const server = await startHttp(({ method, url, headers, body }) => {
    const path = url.pathname;
    if (method === "POST" && path === "/token") {
      const injected = tokenFailures.take();
      if (injected?.kind === "stall") return "stall";
      if (injected) {
        const error = (injected.body ?? { error: injected.status >= 500 ? "internal_failure" : "invalid_request" }) as {
          error: string;
          error_description?: string;
        };
        return oauthError(path, injected.status, error.error, error.error_description ?? statusText(injected.status));
      }
      const form = parseForm(body);
      if (form.grant_type !== "urn:ietf:params:oauth:grant-type:jwt-bearer")
        return oauthError(path, 400, "unsupported_grant_type", `Invalid grant_type: ${form.grant_type ?? ""}`);
      if (!form.assertion) return oauthError(path, 400, "invalid_request", "Missing required parameter: assertion");
      const verified = verifyJwt(
        form.assertion,
        (input, signature, header) => header.alg === "RS256" && crypto.verify("sha256", input, publicKey, signature),
      );
      if ("error" in verified)
        return oauthError(
          path,
          400,
          "invalid_grant",
          verified.error === "JWT signature does not verify" ? "Invalid JWT Signature." : verified.error,
        );
      const claims = verified.claims as { iss?: unknown; scope?: unknown; aud?: unknown; iat?: unknown; exp?: unknown };
      const now = Math.floor(Date.now() / 1000);
      if (claims.iss !== clientEmail)
        return oauthError(path, 400, "invalid_grant", `Invalid issuer: ${String(claims.iss)}`);
      if (claims.aud !== tokenUrl)
        return oauthError(
          path,
          400,
          "invalid_grant",
          `Invalid JWT audience: ${String(claims.aud)}, expected ${tokenUrl}`,
        );
      if (
        typeof claims.scope !== "string" ||
        !claims.scope.split(" ").includes("https://www.googleapis.com/auth/firebase.messaging")
      )
        return oauthError(path, 400, "invalid_scope", "The firebase.messaging scope is missing");
      if (
        typeof claims.iat !== "number" ||
        typeof claims.exp !== "number" ||
        claims.iat > now + 300 ||
        claims.exp <= now ||
        claims.exp - claims.iat > 3600
      ) {
        return oauthError(
          path,
          400,
          "invalid_grant",
          "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.",
        );
      }
      const accessToken = `ya29.test-${crypto.randomBytes(24).toString("base64url")}`;
      accessTokens.set(accessToken, Date.now() + tokenTtl * 1000);
      tokenRequests.push({ claims: verified.claims, accessToken });
      return { status: 200, body: { access_token: accessToken, expires_in: tokenTtl, token_type: "Bearer" } };
    }

    const send = /^\/v1\/projects\/([^/]+)\/messages:send$/.exec(path);
    if (method !== "POST" || !send)
      return googleError(path, 404, { message: `The requested URL ${path} was not found on this server.` });
    const injected = failures.take();
    if (injected?.kind === "stall") return "stall";
    if (injected) {
      const error = (injected.body ?? {}) as { status?: string; errorCode?: string; message?: string };
      return googleError(path, injected.status, {
        ...error,
        errorCode: error.errorCode ?? FCM_ERROR_CODE[injected.status],
      });
    }
    const accessToken = /^Bearer (.+)$/.exec(headers.authorization ?? "")?.[1];
    const expiry = accessToken ? accessTokens.get(accessToken) : undefined;
    if (!accessToken || !expiry || expiry < Date.now()) {
      return googleError(path, 401, {
        message:
          "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
      });
    }
    if (send[1] !== projectId)
      return googleError(path, 403, {
        errorCode: "SENDER_ID_MISMATCH",
        message: `Permission denied on project ${send[1]}`,
      });
    let parsed: { message?: unknown };
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      return googleError(path, 400, { message: "Invalid JSON payload received." });
    }
    const message = parsed.message as FcmSend["message"] | undefined;
    if (!message || typeof message !== "object") return googleError(path, 400, { message: "Missing message" });
    if (typeof message.token !== "string" || !/^[A-Za-z0-9_:-]{8,}$/.test(message.token)) {
      return googleError(path, 400, {
        errorCode: "INVALID_ARGUMENT",
        message: "The registration token is not a valid FCM registration token",
      });
    }
    const data = message.data as Record<string, unknown> | undefined;
    if (data && Object.values(data).some((value) => typeof value !== "string"))
      return googleError(path, 400, {
        errorCode: "INVALID_ARGUMENT",
        message: "Invalid value at 'message.data': values must be strings",
      });
    const webpushLink = (message.webpush as { fcm_options?: { link?: unknown } } | undefined)?.fcm_options?.link;
    if (webpushLink !== undefined && (typeof webpushLink !== "string" || !webpushLink.startsWith("https://"))) {
      return googleError(path, 400, {
        errorCode: "INVALID_ARGUMENT",
        message: "Invalid value at 'message.webpush.fcm_options.link': must be an HTTPS URL",
      });
    }
    if (unregistered.has(message.token))
      return googleError(path, 404, { errorCode: "UNREGISTERED", message: "Requested entity was not found." });
    const name = `projects/${projectId}/messages/0:${Date.now()}${String(++sequence).padStart(4, "0")}`;
    received.push({ projectId: send[1], message, accessToken, name });
    return { status: 200, body: { name } };
  });
  tokenUrl = `${server.url}/token`;

  return {
    url: server.url,
    port: server.port,
    tokenUrl,
    apiBaseUrl: server.url,
    projectId,
    clientEmail,
    config: (privateKey, overrides = {}) => ({
      projectId,
      clientEmail,
      privateKey,
      tokenUrl,
      apiBaseUrl: server.url,
      ...overrides,
    }),
    tokenRequests,
    received,
    rejected,
    failNext: (count, status, error) => failures.fail(count, status, { body: error }),
    failNextToken: (count, status, error) => tokenFailures.fail(count, status, { body: error }),
    stallNext: (count) => failures.stall(count),
    unregister: (token) => void unregistered.add(token),
    revokeAccessTokens: () => accessTokens.clear(),
    async waitFor(count, timeoutMs = 5_000) {
      await waitUntil(() => received.length >= count, timeoutMs, `${count} FCM send(s)`);
      return received;
    },
    close: server.close,
  };
}
