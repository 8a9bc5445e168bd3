/**
 * The SMTP server bench:broadcast sends to: accepts every message, counts it, notes when the first and the last
 * arrived and any Message-ID seen twice. It runs in a child process of its own (`fork` with tsx, see
 * sink-client.ts) so that counting a million messages does not take turns with the sender on one event loop.
 *
 * Talks to its parent over IPC: sends { type: "ready", port } once listening; answers { cmd: "stats" } with a
 * SinkStats and { cmd: "reset" } (between the baseline and the broadcast) with { type: "reset" }. Stops when the
 * parent disconnects.
 */
import { SMTPServer } from "smtp-server";

export interface SinkStats {
  type: "stats";
  /** messages fully received (the DATA phase ended) since the last reset */
  count: number;
  /** Date.now() of the first and the last message received, null before the first */
  firstAt: number | null;
  lastAt: number | null;
  /** arrival time (Date.now()) of the message at 10 % and at 90 % of `count`: the sustained rate's window */
  p10At: number | null;
  p90At: number | null;
  /** Message-IDs received more than once, and messages without one */
  duplicates: number;
  missingMessageId: number;
  /** the sink's own CPU since the last reset, in ms (user + system) */
  cpuMs: number;
}

export type SinkRequest = { cmd: "stats" } | { cmd: "reset" };
export type SinkReply = SinkStats | { type: "ready"; port: number } | { type: "reset" };

/** The Message-ID in a message's header block (folded lines unfolded), or null. */
export function messageIdOf(head: string): string | null {
  const unfolded = head.replace(/\r?\n[ \t]+/g, " ");
  const match = /^message-id:[ \t]*(\S+)/im.exec(unfolded);
  return match ? match[1] : null;
}

/** What the sink has counted; a class so the recording can be tested without a socket. */
export class SinkCounter {
  private times = new Float64Array(1 << 16);
  private ids = new Set<string>();
  count = 0;
  duplicates = 0;
  missingMessageId = 0;
  private cpuAtReset = process.cpuUsage();

  record(messageId: string | null, at: number): void {
    if (this.count === this.times.length) {
      const grown = new Float64Array(this.times.length * 2);
      grown.set(this.times);
      this.times = grown;
    }
    this.times[this.count++] = at;
    if (messageId === null) this.missingMessageId++;
    else if (this.ids.has(messageId)) this.duplicates++;
    else this.ids.add(messageId);
  }

  reset(): void {
    this.times = new Float64Array(1 << 16);
    this.ids = new Set();
    this.count = this.duplicates = this.missingMessageId = 0;
    this.cpuAtReset = process.cpuUsage();
  }

  /** The arrival time of the message at fraction `p` of those received (arrivals are recorded in order). */
  private at(p: number): number | null {
    if (!this.count) return null;
    return this.times[Math.min(this.count - 1, Math.max(0, Math.ceil(p * this.count) - 1))];
  }

  stats(): SinkStats {
    const cpu = process.cpuUsage(this.cpuAtReset);
    return {
      type: "stats",
      count: this.count,
      firstAt: this.count ? this.times[0] : null,
      lastAt: this.count ? this.times[this.count - 1] : null,
      p10At: this.at(0.1),
      p90At: this.at(0.9),
      duplicates: this.duplicates,
      missingMessageId: this.missingMessageId,
      cpuMs: (cpu.user + cpu.system) / 1000,
    };
  }
}

/** the header block is read up to this many bytes; a Message-ID further down is not looked for */
const HEAD_LIMIT = 64 * 1024;

function startSink(): void {
  const counter = new SinkCounter();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    disableReverseLookup: true,
    logger: false,
    maxClients: 1_000,
    onData(stream, _session, callback) {
      let head = "";
      let found: string | null | undefined;
      stream.on("data", (chunk: Buffer) => {
        if (found !== undefined) return;
        head += chunk.toString("latin1");
        const end = head.indexOf("\r\n\r\n");
        if (end >= 0) found = messageIdOf(head.slice(0, end));
        else if (head.length > HEAD_LIMIT) found = messageIdOf(head);
      });
      stream.on("end", () => {
        counter.record(found === undefined ? messageIdOf(head) : found, Date.now());
        callback();
      });
    },
  });
  server.on("error", (error) => console.error("smtp sink:", error.message));
  server.listen(0, "127.0.0.1", () => {
    const address = server.server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    process.send?.({ type: "ready", port } satisfies SinkReply);
  });
  process.on("message", (request: SinkRequest) => {
    if (request.cmd === "stats") process.send?.(counter.stats() satisfies SinkReply);
    else if (request.cmd === "reset") {
      counter.reset();
      process.send?.({ type: "reset" } satisfies SinkReply);
    }
  });
  process.on("disconnect", () => server.close(() => process.exit(0)));
}

// Run as the child (forked with an IPC channel); imported for its types and counter, it starts nothing.
if (process.send && process.env.CAIRN_BENCH_SMTP_SINK === "1") startSink();
