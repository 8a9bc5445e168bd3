/**
 * What the benchmarks share: a fresh database on a real Postgres, Cairn's production server started on
 * it, and a pool of concurrent workers. Benchmarks print their figures; nothing here asserts a timing.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { migrate } from "../../lib/db/migrate";
import { freePort } from "../../lib/testing/free-port";
import { forEachAtMost } from "../../lib/runtime/at-most";

const nextBin = path.join("node_modules", "next", "dist", "bin", "next");

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A new, migrated database on DATABASE_URL's server (default: the local Postgres). */
export async function freshDatabase(prefix: string): Promise<BenchDatabase> {
  const baseUrl = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const name = `${prefix}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  console.log(`database: ${url.host}/${name} (fresh)`);
  await migrate(url.toString());
  return {
    url: url.toString(),
    async drop() {
      // BENCH_KEEP_DB=1 leaves it for a look afterwards (the executor's runs, the engine's trace).
      if (process.env.BENCH_KEEP_DB === "1") {
        console.log(`kept database ${name} (BENCH_KEEP_DB)`);
        return void (await admin.end());
      }
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
      await admin.end();
    },
  };
}

/** The newest modification time of the sources a production build is made from. */
function newestSourceTime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceTime(full));
    else if (/\.(tsx?|css|js)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name))
      newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds when there is no production build or the sources changed since (a stale build would be measured). */
export async function ensureProductionBuild(): Promise<void> {
  const buildId = path.join(".next", "BUILD_ID");
  if (existsSync(buildId)) {
    const sources = Math.max(
      ...["app", "components", "lib", "inngest"].map(newestSourceTime),
      statSync("next.config.js").mtimeMs,
    );
    if (sources < statSync(buildId).mtimeMs) return;
    console.log("the production build is older than the sources: running `next build` again");
  } else console.log("no production build: running `next build` first");
  const build = spawn(process.execPath, [nextBin, "build"], {
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  await new Promise((resolve, reject) =>
    build.on("exit", (code) => (code === 0 ? resolve(null) : reject(new Error("next build failed")))),
  );
}

export async function waitForOk(url: string, what: string, tries = 300): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* starting */
    }
    if (i > tries) throw new Error(`${what} did not start`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** `next start` on a free port, on the given database. */
export async function startCairn(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<{ origin: string; port: number; process: ChildProcess }> {
  await ensureProductionBuild();
  const port = await freePort();
  // BENCH_PROFILE_DIR: write a CPU profile of the server there (open it in Chrome DevTools).
  const profile = process.env.BENCH_PROFILE_DIR
    ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
    : [];
  const child = spawn(process.execPath, [...profile, nextBin, "start", "--port", String(port)], {
    stdio: ["ignore", "ignore", "inherit"],
    // INNGEST_SERVE_ORIGIN: where /api/inngest registers itself (never the request's Host).
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      NEXTAUTH_SECRET: "bench",
      CAIRN_ENCRYPTION_KEY: "bench",
      NEXT_TELEMETRY_DISABLED: "1",
      INNGEST_SERVE_ORIGIN: `http://127.0.0.1:${port}`,
      ...env,
    },
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitForOk(`${origin}/api/health`, "Cairn");
  return { origin, port, process: child };
}

export async function stopProcess(child: ChildProcess | null | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  // SIGINT lets Node write a CPU profile on the way out; Next stops on it as on SIGTERM.
  child.kill(process.env.BENCH_PROFILE_DIR ? "SIGINT" : "SIGTERM");
  await Promise.race([new Promise((r) => child.once("exit", r)), new Promise((r) => setTimeout(r, 5_000))]);
}

export function runPool<T>(items: T[], workers: number, fn: (item: T) => Promise<void>): Promise<void> {
  return forEachAtMost(items, workers, fn);
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Runs a benchmark's main and exits: 0 when it finished, 1 (with the error) when it failed. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}

/**
 * A bench's workspace on the fresh database: an owner user, the workspace and the owner's context, made the way
 * the app makes them. Imported when called, so that DATABASE_URL already names the bench's database.
 */
export async function benchWorkspace() {
  const { db } = await import("../../lib/db/client");
  const { workspaceContextForUser } = await import("../../lib/workspaces/workspaces");
  const stamp = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const user = await db().user.create({
    data: { email: `bench-${stamp}@example.com`, name: "Bench" },
    select: { id: true, email: true, name: true },
  });
  const workspace = await db().workspace.create({ data: { name: "Bench", slug: `bench-${stamp}` } });
  await db().membership.create({ data: { workspaceId: workspace.id, userId: user.id, role: "OWNER" } });
  return { workspace, owner: await workspaceContextForUser(user, workspace.slug) };
}
