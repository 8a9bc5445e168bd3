import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "../db/embedded";
import { migrate } from "../db/migrate";
import { freePort } from "./free-port";

export interface TestDatabase {
  url: string;
  /** "embedded" (PGlite in memory) or "postgres" (a database created on DATABASE_URL's server). */
  kind: "embedded" | "postgres";
  drop(): Promise<void>;
}

/**
 * A new, migrated, empty database. With DATABASE_URL set (CI's second pass), a fresh database is created
 * on that server; otherwise an in-memory PGlite served on a free port. Either way the app code reaches it
 * over the Postgres wire protocol, as in production.
 */
export async function createTestDatabase(baseUrl: string | undefined): Promise<TestDatabase> {
  if (!baseUrl) {
    const embedded = await startEmbeddedPostgres({ port: await freePort() });
    await migrate(embedded.url);
    return { url: embedded.url, kind: "embedded", drop: () => embedded.stop() };
  }
  const name = `cairn_test_${Date.now()}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  await migrate(url.toString());
  return {
    url: url.toString(),
    kind: "postgres",
    async drop() {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

/**
 * `count` databases for the integration run, one per test worker, so that test files running at the same
 * time never share one: a file may sweep every workspace (rollupAllPending, dispatchPendingEvents,
 * claimDueMessages...) and would take another file's rows. Within a worker, files run one after another
 * on the same database, as the whole run once did on one. Embedded: each PGlite in a process of its own
 * (./embedded-database-process.ts), so that their queries run in parallel.
 */
export async function createTestDatabases(baseUrl: string | undefined, count: number): Promise<TestDatabase[]> {
  const started = await Promise.allSettled(
    Array.from({ length: count }, () => (baseUrl ? createTestDatabase(baseUrl) : startEmbeddedProcess())),
  );
  const databases = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failed = started.find((s) => s.status === "rejected");
  if (failed) {
    await Promise.allSettled(databases.map((d) => d.drop()));
    throw failed.reason;
  }
  return databases;
}

function startEmbeddedProcess(): Promise<TestDatabase> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join("lib", "testing", "embedded-database-process.ts")],
    {
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    let output = "";
    child.once("exit", (code, signal) =>
      reject(new Error(`the embedded test database exited (${signal ?? code}) before it was ready: ${output}`)),
    );
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split("\n").find((l) => l.startsWith("{"));
      if (!line) return;
      resolve({
        url: (JSON.parse(line) as { url: string }).url,
        kind: "embedded",
        async drop() {
          child.stdin.end(); // it stops its database and exits
          await exited;
        },
      });
    });
  });
}
