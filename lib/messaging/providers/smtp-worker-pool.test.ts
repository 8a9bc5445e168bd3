import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { allowLoopbackOutbound } from "../../testing/outbound-allow";
import { startSmtpSink, type SmtpSink } from "../../testing/local-provider-servers";
import { type CheckedSend, closeSmtpTransports, sendCheckedMail, sendEmail } from "./smtp";
import { SmtpWorkerPool, smtpWorkerCount, smtpWorkerPool } from "./smtp-worker-pool";
import { ProviderError, type EmailMessage } from "./types";

const message = (overrides: Partial<EmailMessage> = {}): EmailMessage => ({
  from: { address: "news@shop.example", name: "Shop News" },
  to: "ada@example.com",
  subject: "Ünïcode and a long subject line that nodemailer has to fold and encode as words",
  html: `<p>Hello <b>Ada</b>, ${"your order is on its way. ".repeat(20)}</p>`,
  text: "Hello Ada, your order is on its way.",
  headers: { "List-Unsubscribe-Post": "List-Unsubscribe=One-Click", "X-Cairn-Message-Id": "msg_1" },
  ...overrides,
});

/** What a send answered, success or ProviderError, as plain fields (to compare the two paths). */
async function outcome(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    return { result: await promise };
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    const e = error as ProviderError;
    return { message: e.message, retryable: e.retryable, permanent: e.permanentAddressFailure, code: e.providerCode };
  }
}

/** Runs `fn` with a broadcast's sends (senderThread) on the main thread (CAIRN_SMTP_WORKERS=0) or in a sender thread (1). */
async function onThreads<T>(workers: 0 | 1, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.CAIRN_SMTP_WORKERS;
  closeSmtpTransports();
  process.env.CAIRN_SMTP_WORKERS = String(workers);
  // a send before the thread has loaded goes on the main thread: these cases are about sends in the thread
  await smtpWorkerPool({ create: true, fallback: sendCheckedMail })?.warm();
  try {
    const value = await fn();
    expect(smtpWorkerPool({ create: false })?.workers.length ?? 0).toBe(workers);
    return value;
  } finally {
    closeSmtpTransports();
    if (saved === undefined) delete process.env.CAIRN_SMTP_WORKERS;
    else process.env.CAIRN_SMTP_WORKERS = saved;
  }
}

allowLoopbackOutbound();
// each case starts its sender thread cold (loading smtp.ts through tsx takes a second or more on a busy machine)
vi.setConfig({ testTimeout: 60_000 });

describe("SMTP sends in a sender thread", () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    closeSmtpTransports();
    await sink.close();
  });

  it("reach the server as the same message, with the same answer, as a send on the main thread", async () => {
    const ctx = { idempotencyKey: "msg_same:email", timeoutMs: 10_000, senderThread: true };
    const inThread = await onThreads(0, () => sendEmail(sink.config(), message(), ctx));
    const viaWorker = await onThreads(1, () => sendEmail(sink.config(), message(), ctx));
    expect(viaWorker.providerMessageId).toBe("<msg_same=3Aemail@cairn>");
    expect(viaWorker.providerMessageId).toBe(inThread.providerMessageId);
    expect(viaWorker.response).toMatch(/^250 2\.0\.0 OK queued as /);
    const [a, b] = (await sink.waitFor(2)).slice(-2);
    expect(b.envelope).toEqual(a.envelope);
    expect(b.messageId).toBe(a.messageId);
    for (const field of ["subject", "html", "text"] as const) expect(b.parsed[field]).toBe(a.parsed[field]);
    expect(b.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
    // the same MIME but for the random parts (boundaries, the Date)
    const stable = (raw: string) =>
      raw
        .replace(/--_NmP-[\w-]+/g, "--BOUNDARY")
        .replace(/boundary="[^"]+"/g, 'boundary="BOUNDARY"')
        .replace(/^Date: .*$/m, "Date: X");
    expect(stable(b.raw)).toBe(stable(a.raw));
  });

  it("are a broadcast's: a single email (a journey's, a transactional one) stays on the main thread, no thread starts", async () => {
    closeSmtpTransports();
    const sent = await sendEmail(sink.config(), message(), { idempotencyKey: "msg_single", timeoutMs: 10_000 });
    expect(sent.response).toMatch(/^250 /);
    expect(smtpWorkerPool({ create: false })).toBeNull();
  });

  it("classify a refusal as the main thread does: 550 no such user, 550 relaying, 451 at RCPT, 554 after DATA", async () => {
    const cases: [string, () => void][] = [
      ["gone@example.com", () => sink.rejectRecipient("gone@example.com")],
      ["relay@example.org", () => sink.rejectRecipient("relay@example.org", 550, "5.7.1 Relaying denied")],
      ["grey@example.com", () => sink.failNext(1, 451)],
      ["content@example.com", () => sink.failNext(1, 554, { stage: "data", message: "5.6.0 Content rejected" })],
    ];
    const answers: Record<string, unknown>[] = [];
    for (const [to, arrange] of cases) {
      const send = (workers: 0 | 1) =>
        onThreads(workers, () => {
          arrange();
          return outcome(
            sendEmail(sink.config(), message({ to }), {
              idempotencyKey: `c-${to}`,
              timeoutMs: 10_000,
              senderThread: true,
            }),
          );
        });
      const inThread = await send(0);
      const viaWorker = await send(1);
      expect(viaWorker, to).toEqual(inThread);
      answers.push(viaWorker);
    }
    const [gone, relay, grey, content] = answers;
    expect(gone).toMatchObject({ retryable: false, permanent: true, code: "550" });
    expect(relay).toMatchObject({ retryable: false, permanent: false, code: "550" });
    expect(grey).toMatchObject({ retryable: true, permanent: false, code: "451" });
    expect(content).toMatchObject({ retryable: false, permanent: false, code: "554" });
    expect(content.message).toMatch(/^SMTP DATA failed: 554 5\.6\.0 Content rejected/);
  });

  it("still go through the outbound guard: a loopback host without the operator's exception is refused, nothing connects", async () => {
    const before = sink.received.length;
    const refused = await onThreads(1, () =>
      outcome(
        sendEmail(sink.config(), message(), {
          idempotencyKey: "guard-worker",
          timeoutMs: 2_000,
          allow: "",
          senderThread: true,
        }),
      ),
    );
    expect(refused).toMatchObject({ retryable: false, code: "EOUTBOUND_BLOCKED" });
    expect(refused.message).toMatch(/^The SMTP server was not called: the address 127\.0\.0\.1 is loopback/);
    expect(sink.received.length).toBe(before);
  });
});

describe("a sender thread that stops", () => {
  let sink: SmtpSink;
  let silent: SMTPServer;
  let silentPort: number;
  let dataArrived: () => void = () => {};
  const pools: SmtpWorkerPool[] = [];
  beforeAll(async () => {
    sink = await startSmtpSink();
    // a server that takes the message and never answers it: the send is in flight until the thread dies
    silent = new SMTPServer({
      logger: false,
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      onData(stream) {
        stream.resume();
        stream.on("end", () => dataArrived());
      },
    });
    silent.on("error", () => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", () => resolve()));
    silentPort = (silent.server.address() as AddressInfo).port;
  });
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.close()));
  });
  afterAll(async () => {
    await sink.close();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  const checkedSend = (port: number, to: string): CheckedSend => ({
    config: { host: "127.0.0.1", port, secure: false },
    target: { host: "127.0.0.1", address: "127.0.0.1" },
    mail: {
      from: "news@shop.example",
      to,
      subject: "Hi",
      text: "Hello",
      html: "<p>Hello</p>",
      messageId: `<${to}@cairn>`,
    },
    timeoutMs: 30_000,
    poolSize: { maxConnections: 3, maxMessages: 1_000 },
  });

  it("fails its sends in flight as transient (retried with the same Message-ID), and a new thread sends the next", async () => {
    const pool = new SmtpWorkerPool({ size: 1, fallback: sendCheckedMail });
    pools.push(pool);
    await pool.warm();
    const arrived = new Promise<void>((resolve) => {
      dataArrived = resolve;
    });
    const inFlight = outcome(pool.send(checkedSend(silentPort, "stuck@example.com")));
    await arrived;
    const [dying] = pool.workers;
    await dying.terminate(); // as a crash looks from here: the thread ends with its sockets
    expect(await inFlight).toEqual({
      message: expect.stringMatching(/^SMTP connection failed: the SMTP sender thread stopped \(exit code \d+\)/),
      retryable: true,
      permanent: false,
      code: "EWORKER",
    });
    expect(pool.restarted).toBe(1);
    expect(pool.workers).toHaveLength(1);
    expect(pool.workers[0]).not.toBe(dying);
    await pool.warm();
    const next = await pool.send(checkedSend(sink.port, "next@example.com"));
    expect(next.response).toMatch(/^250 /);
    expect((await sink.waitFor(1)).map((m) => m.envelope.to)).toContainEqual(["next@example.com"]);
  });

  it("that has not loaded yet does not hold a send up: it goes on the main thread", async () => {
    const pool = new SmtpWorkerPool({ size: 1, fallback: sendCheckedMail });
    pools.push(pool);
    const sent = await pool.send(checkedSend(sink.port, "early@example.com"));
    expect(sent.response).toMatch(/^250 /);
    expect(pool.workers).toHaveLength(1); // started by that send, for the next ones
    await pool.warm();
    expect((await pool.send(checkedSend(sink.port, "later@example.com"))).response).toMatch(/^250 /);
  });

  it("that cannot start (its script missing) is not restarted: its sends and the next go on the main thread", async () => {
    const errors: unknown[] = [];
    const log = console.error;
    console.error = (...args: unknown[]) => errors.push(args.join(" "));
    try {
      const pool = new SmtpWorkerPool({
        size: 1,
        workerPath: "/nonexistent/smtp-worker.mjs",
        fallback: sendCheckedMail,
      });
      pools.push(pool);
      await pool.warm(); // resolves when the thread has failed to start
      const first = await pool.send(checkedSend(sink.port, "fallback-1@example.com"));
      const second = await pool.send(checkedSend(sink.port, "fallback-2@example.com"));
      expect([first.response, second.response]).toEqual([
        expect.stringMatching(/^250 /),
        expect.stringMatching(/^250 /),
      ]);
      expect(pool.unavailable).toMatch(/Cannot find module|ERR_MODULE_NOT_FOUND|nonexistent/);
      expect(pool.workers).toHaveLength(0);
      expect(errors).toEqual([expect.stringMatching(/^SMTP sender thread could not start/)]);
    } finally {
      console.error = log;
    }
  });
});

describe("two sender threads", () => {
  it("share CAIRN_SMTP_MAX_CONNECTIONS: 3 connections in all to the server, not 3 each, and every message arrives", async () => {
    let open = 0;
    let most = 0;
    const received: string[] = [];
    const server = new SMTPServer({
      logger: false,
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      onConnect(_session, callback) {
        most = Math.max(most, ++open);
        callback();
      },
      onClose() {
        open--;
      },
      onData(stream, session, callback) {
        stream.resume();
        stream.on("end", () => {
          received.push(session.envelope.rcptTo[0].address);
          callback();
        });
      },
    });
    server.on("error", () => {});
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const port = (server.server.address() as AddressInfo).port;
    const pool = new SmtpWorkerPool({ size: 2, fallback: sendCheckedMail });
    try {
      await pool.warm();
      const sends = Array.from({ length: 40 }, (_, i) =>
        pool.send({
          config: { host: "127.0.0.1", port, secure: false },
          target: { host: "127.0.0.1", address: "127.0.0.1" },
          mail: {
            from: "news@shop.example",
            to: `p${i}@example.com`,
            subject: "Hi",
            text: "Hello",
            messageId: `<p${i}@cairn>`,
          },
          timeoutMs: 30_000,
          poolSize: { maxConnections: 3, maxMessages: 1_000 },
        }),
      );
      expect((await Promise.all(sends)).map((r) => r.providerMessageId)).toEqual(
        Array.from({ length: 40 }, (_, i) => `<p${i}@cairn>`),
      );
      expect(received.sort()).toEqual(Array.from({ length: 40 }, (_, i) => `p${i}@example.com`).sort());
      expect(most).toBeGreaterThanOrEqual(2); // side by side, on more than one connection
      expect(most).toBeLessThanOrEqual(3);
    } finally {
      await pool.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("smtpWorkerCount", () => {
  it("reads CAIRN_SMTP_WORKERS (0: the main thread), and falls back to two (one on one core) for anything else", () => {
    expect(smtpWorkerCount({}, 2)).toBe(2);
    expect(smtpWorkerCount({}, 8)).toBe(2);
    expect(smtpWorkerCount({}, 1)).toBe(1);
    expect(smtpWorkerCount({ CAIRN_SMTP_WORKERS: "0" }, 2)).toBe(0);
    expect(smtpWorkerCount({ CAIRN_SMTP_WORKERS: "3" }, 2)).toBe(3);
    for (const bad of ["", " ", "-1", "1.5", "lots", "17"])
      expect(smtpWorkerCount({ CAIRN_SMTP_WORKERS: bad }, 2), bad).toBe(2);
  });
});
