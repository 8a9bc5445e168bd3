/**
 * Email over SMTP with nodemailer. One pooled transport per distinct config (and timeout), kept for the life
 * of the process; `closeSmtpTransports()` closes them (tests, shutdown).
 *
 * The Message-ID is derived from the send's idempotency key, so a retried send carries the same Message-ID
 * and a receiver (or a human reading headers) can tell the copies apart from distinct messages.
 *
 * The host is the tenant's, so it goes through the outbound guard (lib/security/outbound.ts): resolved once,
 * checked, and nodemailer connects to the checked IP, with the name as TLS servername (SNI and certificate
 * check), so a DNS answer that changes between the check and the connection cannot move it elsewhere. A host's
 * checked address is reused for TARGET_TTL_MS (a broadcast batch's messages share one check instead of a DNS lookup
 * each); the connection still goes to exactly the address that was checked, under the same allow list.
 *
 * Off the main thread (a broadcast's sends, `senderThread`; CAIRN_SMTP_WORKERS ≥ 1, the default: ./smtp-worker-pool.ts):
 * the check and the message's fields are made here and the SMTP exchange (MIME building, the socket writes: most
 * of a send's CPU) runs in a sender thread, which answers the same SendResult or ProviderError as here.
 */
import net from "node:net";
import nodemailer from "nodemailer";
import { PassThrough, type Readable } from "node:stream";
import type Mail from "nodemailer/lib/mailer";
import type MailMessage from "nodemailer/lib/mailer/mail-message";
import SMTPConnection from "nodemailer/lib/smtp-connection";
import type SMTPPool from "nodemailer/lib/smtp-pool";
import {
  OUTBOUND_ALLOW_ENV,
  OutboundBlockedError,
  resolveOutbound,
  sanitizedReason,
  type GuardOptions,
} from "../../security/outbound";
import { closeSmtpWorkerPool, smtpWorkerPool } from "./smtp-worker-pool";
export { installFastTextEncoding } from "./mime-text-encoding";
import { ProviderError, type EmailMessage, type SendContext, type SendResult, type SmtpConfig } from "./types";

/** used when the send context gives no timeout: nodemailer's own defaults (up to 10 minutes idle) are too long */
const DEFAULT_TIMEOUT_MS = 60_000;

type Transport = nodemailer.Transporter<SMTPPool.SentMessageInfo, SMTPPool.Options>;
const transports = new Map<string, Transport>();

/** Headers the adapter sets itself; the same names in `message.headers` are ignored rather than duplicated. */
const RESERVED_HEADERS = new Set([
  "message-id",
  "from",
  "to",
  "cc",
  "bcc",
  "reply-to",
  "subject",
  "date",
  "mime-version",
  "content-type",
  "content-transfer-encoding",
]);

/**
 * `<key@cairn>` with the key made safe for a msg-id: letters, digits, "-" and "_" stay, every other byte
 * becomes "=XX" (hex), so distinct keys never collide and the same key always gives the same id.
 */
export function messageIdFor(idempotencyKey: string): string {
  // per character, not per byte of the whole key: the same output (a character's UTF-8 bytes, a lone surrogate's
  // replacement character's), at a tenth of the cost on a broadcast's every message
  const local = idempotencyKey.replace(/[^A-Za-z0-9_-]/gu, (ch) => {
    let escaped = "";
    for (const byte of Buffer.from(ch, "utf8")) escaped += `=${byte.toString(16).toUpperCase().padStart(2, "0")}`;
    return escaped;
  });
  return `<${local || "empty"}@cairn>`;
}

/** Where to connect: the address the guard checked, and the name it was checked for. */
export interface CheckedTarget {
  address: string;
  host: string;
}

function connectionOptions(config: SmtpConfig, timeoutMs: number, target: CheckedTarget): SMTPConnection.Options {
  return {
    host: target.address,
    port: config.port,
    secure: config.secure,
    // SNI and the certificate check use the name the tenant gave, not the IP we connect to (implicit TLS and STARTTLS alike)
    tls: {
      ...(config.allowSelfSigned ? { rejectUnauthorized: false } : {}),
      ...(target.host === target.address ? {} : { servername: target.host }),
    },
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
  };
}

/**
 * How wide and how long-lived a pooled transport's connections are: CAIRN_SMTP_MAX_CONNECTIONS connections at once
 * (default 3: a provider's usual per-client limit; a broadcast to a relay that allows more sends about that many
 * times faster, since each connection carries one message at a time) and CAIRN_SMTP_MAX_MESSAGES messages on a
 * connection before it is replaced (default 1,000; nodemailer's own 100 costs a TCP and TLS handshake, EHLO and
 * AUTH every 100 messages). nodemailer does not pipeline messages on a connection, so width is connections.
 */
export interface SmtpPoolSize {
  maxConnections: number;
  maxMessages: number;
}

export function smtpPoolSize(env: Record<string, string | undefined> = process.env): SmtpPoolSize {
  const whole = (value: string | undefined, fallback: number, max: number) => {
    const n = Number(value);
    return Number.isInteger(n) && n >= 1 && n <= max ? n : fallback;
  };
  return {
    maxConnections: whole(env.CAIRN_SMTP_MAX_CONNECTIONS, 3, 100),
    maxMessages: whole(env.CAIRN_SMTP_MAX_MESSAGES, 1_000, 1_000_000),
  };
}

/**
 * The TCP connection under a pooled transport, with Nagle's algorithm off. nodemailer writes a message in several
 * small writes and waits for each reply; with Nagle on, each exchange waited for the server's delayed ACK (about
 * 40 ms), capping a connection at about 20 messages a second on a fast network (210 with it off, measured against
 * a local server). nodemailer upgrades the connection to TLS itself (implicit TLS or STARTTLS) with the options
 * above, as it does with its own sockets.
 */
function openSocket(
  host: string,
  port: number,
  timeoutMs: number,
  callback: (error: Error | null, socket?: { connection: net.Socket }) => void,
): void {
  const socket = net.connect({ host, port, noDelay: true });
  let settled = false;
  const done = (error: Error | null) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    socket.removeListener("error", done);
    if (error) {
      socket.destroy();
      callback(error);
    } else callback(null, { connection: socket });
  };
  const timer = setTimeout(
    () => done(Object.assign(new Error(`Connection timeout after ${timeoutMs} ms`), { code: "ETIMEDOUT" })),
    timeoutMs,
  );
  socket.once("error", done);
  socket.once("connect", () => done(null));
}

/**
 * nodemailer streams a message to the socket as it builds it: a write per header block, boundary and encoded
 * line group, 14 socket writes for one of our emails (multipart text and HTML) beside the 4 of the SMTP
 * commands. Handing the socket the built message in one piece sends the same bytes in 5 writes, which took
 * about 14 % off a send's CPU (0.64 → 0.55 ms a message, measured against a local server); a message is held in
 * memory whole anyway (its fields are strings).
 */
function wholeMessageAtOnce(mail: MailMessage, done: (error?: Error | null) => void): void {
  mail.message.processFunc((input: Readable) => {
    const output = new PassThrough();
    const chunks: Buffer[] = [];
    input.on("data", (chunk: Buffer) => chunks.push(chunk));
    input.once("end", () => output.end(Buffer.concat(chunks)));
    input.once("error", (error: Error) => output.destroy(error));
    return output;
  });
  done();
}

function transportFor(config: SmtpConfig, timeoutMs: number, target: CheckedTarget, poolSize: SmtpPoolSize): Transport {
  const key = JSON.stringify([
    poolSize.maxConnections,
    poolSize.maxMessages,
    config.host,
    target.address,
    config.port,
    config.secure,
    config.user ?? null,
    config.password ?? null,
    config.allowSelfSigned ?? false,
    timeoutMs,
  ]);
  let transport = transports.get(key);
  if (!transport) {
    transport = nodemailer.createTransport({
      ...connectionOptions(config, timeoutMs, target),
      pool: true,
      ...poolSize,
      getSocket: (_options, callback) => openSocket(target.address, config.port, timeoutMs, callback),
      auth: config.user ? { user: config.user, pass: config.password ?? "" } : undefined,
    } satisfies SMTPPool.Options);
    transport.use("stream", wholeMessageAtOnce);
    // a pooled connection that fails while idle is dropped by the pool; keep the error from becoming unhandled
    transport.on("error", () => {});
    transports.set(key, transport);
  }
  return transport;
}

/** Close every pooled SMTP connection, and the sender threads with theirs (tests' afterAll, graceful shutdown). */
export function closeSmtpTransports(): void {
  for (const transport of transports.values()) transport.close();
  transports.clear();
  checkedTargets.clear();
  void closeSmtpWorkerPool();
}

/** What nodemailer puts on its errors (nodemailer/lib/smtp-connection `_formatError`). */
interface SmtpErrorLike {
  message: string;
  code?: string;
  response?: string;
  responseCode?: number;
  command?: string;
}

const NETWORK_CODES = new Set([
  "ECONNECTION",
  "ETIMEDOUT",
  "ESOCKET",
  "EDNS",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "EPROTOCOL",
]);

function isCertificateError(err: SmtpErrorLike): boolean {
  return /certificate|self[- ]signed|altnames|CERT_/i.test(err.message);
}

/** The enhanced status code (RFC 3463) in a reply such as "550 5.1.1 <x@y>: no such user", if any. */
function enhancedStatus(response: string | undefined): string | null {
  return response?.match(/^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/)?.[1] ?? null;
}

/**
 * A 550/551/553 to RCPT TO says the recipient is dead, unless the reply's enhanced code or text says the
 * refusal is about us (relaying denied, our IP blocked, policy), which suppressing the address would not fix.
 */
function isRecipientRejection(err: SmtpErrorLike): boolean {
  const code = err.responseCode;
  const status = enhancedStatus(err.response);
  if (status) {
    if (/^5\.1\.(1|2|3|6|10)$/.test(status) || status === "5.2.1") return true; // bad mailbox / domain / syntax, moved, null MX, disabled
    if (!/^5\.[15]\./.test(status)) return false; // 5.7.x policy/security, 5.2.2 mailbox full, 5.3.x system issues...
  }
  if (err.command !== "RCPT TO" || (code !== 550 && code !== 551 && code !== 553)) return false;
  return !/relay|block|spam|policy|authenticat|reputation|listed/i.test(err.response ?? "");
}

/** A server's words, as short and printable as a tenant may see them. */
const said = (text: string | undefined, secrets: (string | undefined)[] = []) =>
  sanitizedReason(text ?? "", { max: 200, secrets });

function toProviderError(error: unknown, secrets: (string | undefined)[] = []): ProviderError {
  if (error instanceof ProviderError) return error;
  const raw: SmtpErrorLike = error instanceof Error ? (error as SmtpErrorLike) : { message: String(error) };
  const err: SmtpErrorLike = {
    ...raw,
    message: said(raw.message, secrets),
    response: raw.response === undefined ? undefined : said(raw.response, secrets),
  };
  const code = err.responseCode;
  if (code && code >= 400 && code < 600) {
    const what = err.command ? `SMTP ${err.command} failed` : "SMTP error";
    const message = `${what}: ${err.response ?? err.message}`;
    if (code < 500) return new ProviderError(message, { retryable: true, providerCode: String(code) });
    return new ProviderError(message, {
      retryable: false,
      permanentAddressFailure: isRecipientRejection(err),
      providerCode: String(code),
    });
  }
  if (err.code === "EENVELOPE" && /^(No recipients defined|Invalid recipient)/.test(err.message)) {
    return new ProviderError(`SMTP: the recipient address is not usable (${err.message})`, {
      retryable: false,
      permanentAddressFailure: true,
      providerCode: err.code,
    });
  }
  if (err.code === "ETLS" || err.code === "ESOCKET" || err.code === undefined) {
    if (isCertificateError(err)) {
      return new ProviderError(`SMTP TLS certificate rejected: ${err.message}`, {
        retryable: false,
        providerCode: "ETLS",
      });
    }
  }
  if (err.code === "ETLS" || (err.code && NETWORK_CODES.has(err.code))) {
    return new ProviderError(`SMTP connection failed: ${err.message}`, { retryable: true, providerCode: err.code });
  }
  // EAUTH without a reply code (missing credentials, unsupported method), EMESSAGE/ESTREAM composing errors...
  return new ProviderError(`SMTP error: ${err.message}`, { retryable: false, providerCode: err.code });
}

/** How long a host's checked address is reused (see the file's comment). */
const TARGET_TTL_MS = 10_000;
const checkedTargets = new Map<string, { target: CheckedTarget; until: number }>();

/**
 * The guard's answer for the SMTP host, as a ProviderError when it refuses or the name does not resolve. Only an
 * address that passed is reused, and only under the same allow list; a caller's own resolver (tests) is asked
 * every time.
 */
async function checkedTarget(config: SmtpConfig, guard: GuardOptions): Promise<CheckedTarget> {
  if (guard.resolver) return resolveChecked(config, guard);
  const key = `${config.host}\n${config.port}\n${guard.allow ?? process.env[OUTBOUND_ALLOW_ENV] ?? ""}`;
  const now = performance.now();
  const cached = checkedTargets.get(key);
  if (cached && cached.until > now) return cached.target;
  const target = await resolveChecked(config, guard);
  if (checkedTargets.size >= 1_000) checkedTargets.clear(); // many workspaces' hosts: a cache, not a registry
  checkedTargets.set(key, { target, until: now + TARGET_TTL_MS });
  return target;
}

async function resolveChecked(config: SmtpConfig, guard: GuardOptions): Promise<CheckedTarget> {
  try {
    return await resolveOutbound(config.host, config.port, guard);
  } catch (error) {
    if (error instanceof OutboundBlockedError)
      throw new ProviderError(`The SMTP server was not called: ${error.message}`, {
        retryable: false,
        providerCode: error.code,
      });
    const code = (error as { code?: unknown }).code;
    throw new ProviderError(
      `SMTP connection failed: could not resolve ${config.host} (${typeof code === "string" ? code : said((error as Error).message)})`,
      { retryable: true, providerCode: "EDNS" },
    );
  }
}

/**
 * One email composed and checked, ready for a transport: what `sendEmail` hands to a sender thread (structured-
 * cloneable: strings, numbers and plain objects only).
 */
export interface CheckedSend {
  config: SmtpConfig;
  target: CheckedTarget;
  mail: Mail.Options & { messageId: string };
  timeoutMs: number;
  poolSize: SmtpPoolSize;
}

/**
 * Send one email. Throws ProviderError; returns the Message-ID and the server's final reply. `senderThread`: the
 * SMTP exchange runs in a sender thread (./smtp-worker-pool.ts), for a broadcast's batches; a single email (a
 * journey's, a transactional one) stays on this thread, where it does not pay the hop to a thread and back (on a
 * busy machine that hop measured as a few ms of added latency, with nothing to gain for one message).
 */
export async function sendEmail(
  config: SmtpConfig,
  message: EmailMessage,
  ctx: SendContext & GuardOptions & { senderThread?: boolean },
): Promise<SendResult> {
  const timeoutMs = ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const target = await checkedTarget(config, ctx);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (!RESERVED_HEADERS.has(name.toLowerCase())) headers[name] = value;
  }
  const send: CheckedSend = {
    config,
    target,
    mail: {
      from: message.from.name ? { name: message.from.name, address: message.from.address } : message.from.address,
      to: message.to,
      replyTo: message.replyTo,
      subject: message.subject,
      text: message.text,
      html: message.html,
      messageId: messageIdFor(ctx.idempotencyKey),
      headers,
    },
    timeoutMs,
    poolSize: smtpPoolSize(),
  };
  const workers = ctx.senderThread ? smtpWorkerPool({ create: true, fallback: sendCheckedMail }) : null;
  return workers ? workers.send(send) : sendCheckedMail(send);
}

/** Starts the sender threads now (at boot, in a bench), so the first email does not wait for them to load. */
export async function warmSmtpSenders(): Promise<void> {
  await smtpWorkerPool({ create: true, fallback: sendCheckedMail })?.warm();
}

/**
 * The SMTP exchange of a composed, checked email on this thread, through the pooled transport for its config
 * (a sender thread of ./smtp-worker-pool.ts runs this too, with its share of the pool's connections).
 */
export async function sendCheckedMail(send: CheckedSend, poolSize: SmtpPoolSize = send.poolSize): Promise<SendResult> {
  const { config, target, mail, timeoutMs } = send;
  const transport = transportFor(config, timeoutMs, target, poolSize);
  // the socket timeouts cover a silent server; this covers the whole send (a pool queue, a slow trickle)
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ProviderError(`SMTP send timed out after ${timeoutMs} ms`, {
            retryable: true,
            providerCode: "ETIMEDOUT",
          }),
        ),
      timeoutMs,
    );
  });
  try {
    const info = await Promise.race([transport.sendMail(mail), deadline]);
    return { providerMessageId: info.messageId || mail.messageId, response: said(info.response, [config.password]) };
  } catch (error) {
    throw toProviderError(error, [config.password]);
  } finally {
    clearTimeout(timer);
  }
}

export type SmtpVerifyResult = { ok: true; message: string } | { ok: false; error: string; code?: string };

function describeConnectError(config: SmtpConfig, err: SmtpErrorLike, timeoutMs: number): string {
  const where = `${config.host}:${config.port}`;
  const text = said(err.message, [config.password]);
  if (/ECONNREFUSED/.test(text) || err.code === "ECONNREFUSED")
    return `Could not connect to ${where}: connection refused (nothing is listening on that port, or a firewall rejects it).`;
  if (/ENOTFOUND|EAI_AGAIN/.test(text) || err.code === "EDNS")
    return `Could not resolve the host name "${config.host}" (${text}).`;
  if (/Greeting never received/.test(text)) {
    return config.secure
      ? `Connected to ${where} but got no SMTP greeting within ${timeoutMs} ms. The server may expect STARTTLS on this port: turn off implicit TLS (usually port 587 or 25).`
      : `Connected to ${where} but got no SMTP greeting within ${timeoutMs} ms. If this is an implicit-TLS port (usually 465), turn on implicit TLS.`;
  }
  if (err.code === "ETIMEDOUT")
    return `Timed out connecting to ${where} after ${timeoutMs} ms (check the host, the port and any firewall).`;
  if (/wrong version number|packet length too long|unknown protocol/i.test(text)) {
    return `TLS handshake with ${where} failed: the server does not speak implicit TLS on this port. Turn off implicit TLS (STARTTLS is used when offered), or use the implicit-TLS port (usually 465).`;
  }
  if (isCertificateError(err)) return `The TLS certificate of ${where} was rejected: ${text}.`;
  if (err.responseCode)
    return `The server at ${where} refused the connection: ${err.response === undefined ? text : said(err.response, [config.password])}`;
  return `Could not connect to ${where}: ${text}`;
}

/**
 * Connect, say EHLO (upgrading with STARTTLS when offered), authenticate when credentials are set, and quit.
 * For the Settings "Test connection" button: the error says what went wrong in words an operator can act on.
 */
export async function verifySmtp(
  config: SmtpConfig,
  options: { timeoutMs?: number } & GuardOptions = {},
): Promise<SmtpVerifyResult> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const where = `${config.host}:${config.port}`;
  let target: CheckedTarget;
  try {
    target = await resolveOutbound(config.host, config.port, options);
  } catch (error) {
    if (error instanceof OutboundBlockedError)
      return { ok: false, error: `Cairn does not connect to ${where}: ${error.message}.`, code: error.code };
    return {
      ok: false,
      error: `Could not resolve the host name "${config.host}" (${said((error as { code?: string }).code ?? (error as Error).message)}).`,
      code: "EDNS",
    };
  }
  const connection = new SMTPConnection(connectionOptions(config, timeoutMs, target));
  // connect() reports failure through the "error" (or a bare "end") event, success through its callback
  const connected = new Promise<void>((resolve, reject) => {
    connection.once("error", reject);
    connection.once("end", () =>
      reject(Object.assign(new Error("Connection closed before the SMTP handshake finished"), { code: "ECONNECTION" })),
    );
    connection.connect(() => resolve());
  });
  try {
    await connected;
  } catch (error) {
    connection.close();
    const err = error as SmtpErrorLike;
    return { ok: false, error: describeConnectError(config, err, timeoutMs), code: err.code };
  }
  connection.on("error", () => {}); // later socket errors surface through login's callback
  const tls = connection.secure ? (config.secure ? "implicit TLS" : "STARTTLS") : "an unencrypted connection";
  try {
    if (!config.user)
      return {
        ok: true,
        message: `Connected to ${where} over ${tls}; no credentials set, so no authentication was tried.`,
      };
    const allowsAuth = (connection as unknown as { allowsAuth?: boolean }).allowsAuth;
    if (!allowsAuth) {
      return {
        ok: false,
        error: connection.secure
          ? `Connected to ${where} over ${tls}, but the server does not offer authentication (AUTH). Remove the username and password, or check the server's settings.`
          : `Connected to ${where} over an unencrypted connection, and the server does not offer authentication (AUTH) on it. Most servers only allow AUTH over TLS: use a port that offers STARTTLS or implicit TLS.`,
        code: "EAUTH",
      };
    }
    try {
      await new Promise<void>((resolve, reject) =>
        connection.login({ user: config.user!, pass: config.password ?? "" }, (err) => (err ? reject(err) : resolve())),
      );
    } catch (error) {
      const err = error as SmtpErrorLike;
      const reply = err.response
        ? `the server answered "${said(err.response, [config.password])}"`
        : said(err.message, [config.password]);
      if (err.responseCode && err.responseCode >= 500)
        return {
          ok: false,
          error: `Authentication as "${config.user}" failed at ${where}: ${reply}. Check the username and password.`,
          code: "EAUTH",
        };
      if (err.responseCode)
        return {
          ok: false,
          error: `Authentication as "${config.user}" at ${where} failed temporarily: ${reply}. Try again later.`,
          code: "EAUTH",
        };
      return { ok: false, error: `Authentication as "${config.user}" at ${where} failed: ${reply}`, code: err.code };
    }
    return { ok: true, message: `Connected to ${where} over ${tls} and authenticated as "${config.user}".` };
  } finally {
    connection.quit();
  }
}
