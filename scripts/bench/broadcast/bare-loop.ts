/**
 * bench:broadcast's baseline: the same emails, rendered beforehand, sent to the same sink by a bare pooled
 * nodemailer transport with the SMTP adapter's pool (smtpPoolSize in lib/messaging/providers/smtp.ts:
 * CAIRN_SMTP_MAX_CONNECTIONS, default 3, and CAIRN_SMTP_MAX_MESSAGES per connection), and nothing else: no
 * database, no checks, no record.
 * What a send pipeline cannot beat on this machine, so the broadcast's rate is printed as a ratio of it.
 *
 * Its sockets have TCP_NODELAY (nodemailer's getSocket hook): nodemailer leaves Nagle's algorithm on, and after a
 * message's body its short end-of-data line waits for the server's delayed ACK (40 ms on Linux), which holds
 * every connection to about 20 messages a second whatever the machine. The loop is also run once as nodemailer
 * sets it up by default, to show that ceiling.
 */
import net from "node:net";
import nodemailer from "nodemailer";
import type SMTPPool from "nodemailer/lib/smtp-pool";
import { smtpPoolSize } from "../../../lib/messaging/providers/smtp";
import { forEachAtMost } from "../../../lib/runtime/at-most";
import { middleRate } from "./figures";
import { prerendered } from "./seed-audience";
import type { Sink } from "./sink-client";

export interface BareRun {
  messages: number;
  concurrency: number;
  /** TCP_NODELAY on the loop's sockets */
  noDelay: boolean;
  seconds: number;
  perSecond: number;
  /** this process's CPU (user + system) per message while the loop sent, in ms: nodemailer's own cost */
  cpuMsPerMessage: number;
}

/** Sends emails `from` … `from + count - 1` with `concurrency` sendMail calls in flight; the sink's clock times it. */
async function sendBatch(
  sink: Sink,
  from: number,
  count: number,
  concurrency: number,
  noDelay = true,
): Promise<BareRun> {
  const mails = Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const body = prerendered(i);
    return {
      from: { name: "Shop", address: "news@shop.example" },
      to: body.to,
      subject: body.subject,
      html: body.html,
      messageId: `<bare-${i}@bench>`,
    };
  });
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port: sink.port,
    secure: false,
    pool: true,
    ...smtpPoolSize(),
    ...(noDelay ? { getSocket: noDelaySocket(sink.port) } : {}),
  } satisfies SMTPPool.Options);
  await sink.reset();
  const cpuBefore = process.cpuUsage();
  try {
    await forEachAtMost(mails, concurrency, async (mail) => {
      await transport.sendMail(mail);
    });
  } finally {
    transport.close();
  }
  const cpu = process.cpuUsage(cpuBefore);
  const stats = await sink.waitFor(count, 5_000);
  if (stats.count !== count || stats.duplicates)
    throw new Error(`bare loop: the sink received ${stats.count} of ${count} (${stats.duplicates} duplicates)`);
  const seconds = (stats.lastAt! - stats.firstAt!) / 1000;
  // the same measure as the broadcast's sustained rate, so the ratio compares like with like
  return {
    messages: count,
    concurrency,
    noDelay,
    seconds,
    cpuMsPerMessage: (cpu.user + cpu.system) / 1000 / count,
    perSecond: middleRate(stats) ?? count / Math.max(seconds, 0.001),
  };
}

/** nodemailer's getSocket hook: a connected socket to the sink with Nagle's algorithm off. */
function noDelaySocket(port: number): NonNullable<SMTPPool.Options["getSocket"]> {
  return (_options, callback) => {
    const socket = net.connect(port, "127.0.0.1", () => {
      socket.off("error", failed);
      callback(null, { connection: socket });
    });
    const failed = (error: Error) => callback(error, undefined);
    socket.setNoDelay(true);
    socket.once("error", failed);
  };
}

/**
 * Tries a few concurrencies on `tuneCount` messages each, then sends `count` with the fastest. Person numbers
 * go on counting up so no two messages share a Message-ID.
 */
export async function runBareLoop(
  sink: Sink,
  count: number,
  tuneCount: number,
  log: (line: string) => void,
): Promise<{ best: BareRun; tried: BareRun[]; nagle: BareRun }> {
  const tried: BareRun[] = [];
  let next = 1_000_000_000;
  // nodemailer as it comes (Nagle on): a few seconds' worth is enough to show its ceiling
  const nagle = await sendBatch(sink, next, Math.min(tuneCount, 300), smtpPoolSize().maxConnections * 4, false);
  next += nagle.messages;
  log(`bare loop, nodemailer's default sockets (Nagle on): ${Math.round(nagle.perSecond).toLocaleString("en")} msgs/s`);
  const connections = smtpPoolSize().maxConnections;
  for (const concurrency of new Set([connections, connections * 4, connections * 16, 200])) {
    const run = await sendBatch(sink, next, tuneCount, concurrency);
    next += tuneCount;
    tried.push(run);
    log(`bare loop, TCP_NODELAY, ${concurrency} in flight: ${Math.round(run.perSecond).toLocaleString("en")} msgs/s`);
  }
  const fastest = tried.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
  const best = await sendBatch(sink, next, count, fastest.concurrency);
  return { best, tried, nagle };
}
