import { availableParallelism } from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { CheckedSend, SmtpPoolSize } from "./smtp";
import { ProviderError, type SendResult } from "./types";

/**
 * SMTP sends off the main thread (issue #19, "Speed"). An email's SMTP exchange is most of its CPU in this process:
 * nodemailer builds the MIME message (headers, quoted-printable bodies) and writes it to the socket in many small
 * writes; profiled during a broadcast that was about 0.4 ms of the main thread per message, the thread that also
 * claims, checks and records the batches and answers requests. Here CAIRN_SMTP_WORKERS threads (smtp-worker.mjs,
 * default 2, see smtpWorkerCount) each run `sendCheckedMail` (./smtp.ts) with their own pooled transports; the main thread makes the
 * outbound-guard check and composes the fields, posts the send, and gets back the same SendResult or ProviderError
 * (its fields) as the in-thread path gives.
 *
 * - Pool size: CAIRN_SMTP_MAX_CONNECTIONS is the number of connections to a server from this process, whatever the
 *   number of threads: each thread gets a share (at least one; so never more threads than connections), and a send
 *   goes to the thread with the fewest sends in flight for its share.
 * - A thread that stops (a crash) fails its sends in flight as transient (a retryable ProviderError, "EWORKER"):
 *   they may or may not have reached the server, and a retry carries the same Message-ID. A new thread takes its
 *   place at once.
 * - Until a thread has loaded (a second or more after boot: instrumentation.ts warms them), a send goes on the main
 *   thread (`fallback`) rather than wait: a transactional email's latency, and tests' first sends. The main thread's
 *   transport then holds connections too, until they idle out (the send timeout), on top of the threads' share.
 * - A thread that cannot start (its script missing) is not restarted in a loop: every send goes on the main thread,
 *   and the reason is logged once.
 *
 * The worker script is plain JavaScript loaded by absolute path (CAIRN_SMTP_WORKER, by default
 * lib/messaging/providers/smtp-worker.mjs under the directory the server runs in), as render-worker.mjs is.
 */

/**
 * Threads of SMTP sends: CAIRN_SMTP_WORKERS (0: on the main thread), by default two (one on a single core).
 * Measured with bench:broadcast on 2 cores (100,000 emails, 10 connections, the same machine minutes apart): one
 * thread sent 1,546 a second and was busy 77 % of the time (the main thread 37 %); two sent 1,656 and 1,856, each
 * busy 59 %: one thread's nodemailer work limits the rate before the cores do.
 */
export function smtpWorkerCount(
  env: Record<string, string | undefined> = process.env,
  cores: number = availableParallelism(),
): number {
  const asked = env.CAIRN_SMTP_WORKERS;
  const n = Number(asked);
  if (asked !== undefined && asked.trim() !== "" && Number.isInteger(n) && n >= 0 && n <= 16) return n;
  return Math.min(2, cores);
}

type Fallback = (send: CheckedSend) => Promise<SendResult>;

interface Job {
  resolve: (result: SendResult) => void;
  reject: (error: ProviderError) => void;
}

interface Sender {
  worker: Worker;
  index: number;
  ready: boolean;
  jobs: Map<number, Job>;
}

type Answer =
  | { ready: true }
  | { id: number; result: SendResult }
  | {
      id: number;
      error: { message: string; retryable: boolean; permanentAddressFailure: boolean; providerCode?: string };
    };

export interface SmtpWorkerPoolOptions {
  size?: number;
  workerPath?: string;
  fallback: Fallback;
}

export class SmtpWorkerPool {
  readonly size: number;
  private readonly senders: (Sender | null)[];
  private readonly workerPath: string;
  private readonly smtpPath: string;
  private readonly fallback: Fallback;
  private nextId = 1;
  private closed = false;
  /** why the threads could not start; from then on every send runs on the main thread */
  unavailable: string | null = null;
  /** threads that stopped while running and were replaced */
  restarted = 0;

  constructor(options: SmtpWorkerPoolOptions) {
    this.size = Math.max(1, options.size ?? smtpWorkerCount());
    this.senders = new Array(this.size).fill(null);
    this.workerPath =
      options.workerPath ??
      process.env.CAIRN_SMTP_WORKER ??
      path.join(process.cwd(), "lib/messaging/providers/smtp-worker.mjs");
    this.smtpPath = path.join(path.dirname(this.workerPath), "smtp.ts");
    this.fallback = options.fallback;
  }

  /** The threads running now (a test ends one to see a crash handled). */
  get workers(): Worker[] {
    return this.senders.filter((s): s is Sender => s !== null).map((s) => s.worker);
  }

  /** Starts the threads now, resolving when each can take a send (or when they cannot start). */
  async warm(): Promise<void> {
    await Promise.all(
      Array.from({ length: this.size }, (_, i) => {
        const sender = this.senders[i] ?? this.spawn(i);
        if (sender.ready) return;
        return new Promise<void>((resolve) => {
          sender.worker.once("message", () => resolve());
          sender.worker.once("exit", () => resolve());
        });
      }),
    );
  }

  send(send: CheckedSend): Promise<SendResult> {
    if (this.closed || this.unavailable) return this.fallback(send);
    // the threads share the pool's connections; this send's pool size is read per send, as on the main thread
    const threads = Math.min(this.size, send.poolSize.maxConnections);
    let best: Sender | null = null;
    let bestLoad = Number.POSITIVE_INFINITY;
    for (let i = 0; i < threads; i++) {
      const sender = this.senders[i] ?? this.spawn(i);
      if (!sender.ready) continue;
      const load = sender.jobs.size / shareOf(send.poolSize.maxConnections, threads, i);
      if (load < bestLoad) {
        best = sender;
        bestLoad = load;
      }
    }
    // no thread has loaded yet (a second or more after boot or a restart): this send does not wait for one
    if (!best) return this.fallback(send);
    const sender = best!;
    const id = this.nextId++;
    const poolSize: SmtpPoolSize = {
      maxConnections: shareOf(send.poolSize.maxConnections, threads, sender.index),
      maxMessages: send.poolSize.maxMessages,
    };
    return new Promise<SendResult>((resolve, reject) => {
      sender.jobs.set(id, { resolve, reject });
      if (sender.jobs.size === 1) sender.worker.ref(); // a send in flight keeps the process alive until it answers
      sender.worker.postMessage({ id, send, poolSize });
    });
  }

  /** Ends the threads (their connections with them); sends made after this run on the main thread. */
  async close(): Promise<void> {
    this.closed = true;
    const running = this.senders.filter((s): s is Sender => s !== null);
    this.senders.fill(null);
    await Promise.all(
      running.map((sender) => {
        this.failAll(sender, "the SMTP sender thread was closed");
        return sender.worker.terminate();
      }),
    );
  }

  private spawn(index: number): Sender {
    const worker = new Worker(this.workerPath, { workerData: { smtpPath: this.smtpPath } });
    const sender: Sender = { worker, index, ready: false, jobs: new Map() };
    this.senders[index] = sender;
    worker.unref(); // an idle pool does not keep a script or a test run alive
    let failure: Error | null = null;
    worker.on("message", (answer: Answer) => {
      if ("ready" in answer) {
        sender.ready = true;
        return;
      }
      const job = sender.jobs.get(answer.id);
      if (!job) return;
      sender.jobs.delete(answer.id);
      if (!sender.jobs.size) worker.unref();
      if ("result" in answer) job.resolve(answer.result);
      else {
        const { message, ...options } = answer.error;
        job.reject(new ProviderError(message, options));
      }
    });
    worker.on("error", (error) => {
      failure = error;
    });
    worker.on("exit", (code) => {
      if (this.senders[index] === sender) this.senders[index] = null;
      if (this.closed) return;
      const reason = failure?.message ?? `exit code ${code}`;
      if (!sender.ready) {
        // it never started (it was given nothing): from now on the main thread sends, rather than a restart loop
        this.unavailable = reason;
        console.error(`SMTP sender thread could not start (${reason}); sending on the main thread`);
        return;
      }
      this.failAll(sender, `the SMTP sender thread stopped (${reason})`);
      this.restarted++;
      this.spawn(index);
    });
    return sender;
  }

  private failAll(sender: Sender, why: string): void {
    for (const job of sender.jobs.values())
      job.reject(
        new ProviderError(`SMTP connection failed: ${why}; the message is sent again`, {
          retryable: true,
          providerCode: "EWORKER",
        }),
      );
    sender.jobs.clear();
  }
}

/** Thread `index`'s share of `connections` over `threads` threads (they add up to `connections`). */
function shareOf(connections: number, threads: number, index: number): number {
  return Math.floor(connections / threads) + (index < connections % threads ? 1 : 0);
}

// One pool per process (a module evaluated again by the dev server's hot reload keeps using it).
const globalPool = globalThis as typeof globalThis & { __cairnSmtpWorkerPool?: SmtpWorkerPool | null };

/**
 * The process's sender threads: null when CAIRN_SMTP_WORKERS is 0 (send on the main thread), or, with
 * `create: false`, when none were started yet.
 */
export function smtpWorkerPool(
  options: { create: false } | { create: true; fallback: Fallback },
): SmtpWorkerPool | null {
  const existing = globalPool.__cairnSmtpWorkerPool;
  if (existing || !options.create) return existing ?? null;
  const size = smtpWorkerCount();
  if (size === 0) return null;
  const pool = new SmtpWorkerPool({ size, fallback: options.fallback });
  globalPool.__cairnSmtpWorkerPool = pool;
  return pool;
}

/** Ends the process's sender threads (closeSmtpTransports); the next send starts new ones. */
export async function closeSmtpWorkerPool(): Promise<void> {
  const pool = globalPool.__cairnSmtpWorkerPool;
  globalPool.__cairnSmtpWorkerPool = null;
  await pool?.close();
}
