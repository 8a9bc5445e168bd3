/**
 * bench:broadcast on the embedded database (`--pglite`): PGlite with a data directory (as `npm start` runs it,
 * not in memory), migrated and served over the wire protocol, in a child process of its own so its CPU is read
 * apart from the sender's. Run as the child with CAIRN_BENCH_PGLITE_DIR set; prints `{"url":...}` once ready and
 * stops when its stdin closes.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import type { BenchDatabase } from "../harness";

export interface PgliteDatabase extends BenchDatabase {
  pid: number;
}

export async function startPgliteDatabase(): Promise<PgliteDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "cairn-bench-pglite-"));
  const child = spawn(process.execPath, ["--import", "tsx", import.meta.filename], {
    stdio: ["pipe", "pipe", "inherit"],
    env: { ...process.env, CAIRN_BENCH_PGLITE_DIR: dataDir },
  });
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      if (line.startsWith("{")) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once("exit", (code) => reject(new Error(`the embedded database exited (code ${code})`)));
  });
  console.log(`database: PGlite in ${dataDir} (fresh)`);
  return {
    url,
    pid: child.pid!,
    async drop() {
      const exited = new Promise((r) => child.once("exit", r));
      child.stdin!.end();
      await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function serve(dataDir: string): Promise<void> {
  const { startEmbeddedPostgres } = await import("../../../lib/db/embedded");
  const { migrate } = await import("../../../lib/db/migrate");
  const { freePort } = await import("../../../lib/testing/free-port");
  const embedded = await startEmbeddedPostgres({ dataDir, port: await freePort() });
  await migrate(embedded.url);
  const stop = async () => {
    await embedded.stop();
    process.exit(0);
  };
  process.stdin.on("end", stop);
  process.stdin.resume();
  process.stdout.write(`${JSON.stringify({ url: embedded.url })}\n`);
}

if (process.env.CAIRN_BENCH_PGLITE_DIR) {
  serve(process.env.CAIRN_BENCH_PGLITE_DIR).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
