/**
 * The parent's side of the SMTP sink (smtp-sink.ts): forks it, and asks it for its counts over IPC.
 */
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { SinkReply, SinkStats } from "./smtp-sink";

export interface Sink {
  port: number;
  pid: number;
  stats(): Promise<SinkStats>;
  reset(): Promise<void>;
  /** Polls until `count` messages arrived, or until nothing new arrived for `quietMs`; returns the last stats. */
  waitFor(count: number, quietMs: number, onProgress?: (stats: SinkStats) => void): Promise<SinkStats>;
  stop(): Promise<void>;
}

export async function startSink(): Promise<Sink> {
  const child: ChildProcess = fork(path.join(import.meta.dirname, "smtp-sink.ts"), [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, CAIRN_BENCH_SMTP_SINK: "1" },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const next = <T extends SinkReply["type"]>(type: T) =>
    new Promise<Extract<SinkReply, { type: T }>>((resolve, reject) => {
      const onMessage = (reply: SinkReply) => {
        if (reply.type !== type) return;
        child.off("message", onMessage);
        child.off("exit", onExit);
        resolve(reply as Extract<SinkReply, { type: T }>);
      };
      const onExit = (code: number | null) => reject(new Error(`the SMTP sink exited (code ${code})`));
      child.on("message", onMessage);
      child.once("exit", onExit);
    });
  const { port } = await next("ready");
  const stats = () => {
    const reply = next("stats");
    child.send({ cmd: "stats" });
    return reply;
  };
  return {
    port,
    pid: child.pid!,
    stats,
    async reset() {
      const reply = next("reset");
      child.send({ cmd: "reset" });
      await reply;
    },
    async waitFor(count, quietMs, onProgress) {
      let last = await stats();
      let changedAt = Date.now();
      while (last.count < count && Date.now() - changedAt < quietMs) {
        await new Promise((r) => setTimeout(r, 100));
        const now = await stats();
        if (now.count !== last.count) changedAt = Date.now();
        last = now;
        onProgress?.(last);
      }
      return last;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.disconnect();
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3_000))]);
      if (child.exitCode === null) child.kill();
    },
  };
}
