import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import net from "node:net";
import { PGlite } from "@electric-sql/pglite";
import { PGliteWireServer } from "./pglite-wire-server";

/**
 * The embedded default database: PGlite (Postgres compiled to WebAssembly) served on a local port over
 * the Postgres wire protocol, so the app uses exactly the code path it uses against a real Postgres.
 * PGlite runs one query at a time; the wire server (./pglite-wire-server.ts) runs connections' queries
 * one at a time and keeps a transaction on its own connection, so transactions stay correct (there is
 * just no parallelism).
 */
export interface EmbeddedPostgres {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Fails with a message a person can act on when `port` is taken. No host: every interface, as Next.js listens. */
export async function assertPortFree(
  port: number,
  host: string | undefined,
  what: string,
  envVar?: string,
): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        new Error(
          error.code === "EADDRINUSE"
            ? `Port ${port}${host ? ` on ${host}` : ""} is already in use, so ${what} cannot start. Stop whatever uses it${envVar ? `, or choose another port with ${envVar}=<port>` : ""}.`
            : `Cannot listen on port ${port} for ${what}: ${error.message}`,
        ),
      );
    });
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/** The URL of an embedded database: the password in it is the one the wire server checks (SCRAM-SHA-256). */
export function embeddedDatabaseUrl(host: string, port: number, password: string): string {
  return `postgresql://postgres:${encodeURIComponent(password)}@${host}:${port}/postgres?sslmode=disable`;
}

/**
 * `password`: what clients must prove they know (scripts/cairn.ts keeps one in the data directory's
 * secrets.json); without one, a random one for this run (tests, scratch databases). The returned URL carries it.
 */
export async function startEmbeddedPostgres(options: {
  dataDir?: string;
  port: number;
  host?: string;
  password?: string;
}): Promise<EmbeddedPostgres> {
  const host = options.host ?? "127.0.0.1";
  await assertPortFree(options.port, host, "the embedded database", "CAIRN_DB_PORT");
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  // No dataDir: an in-memory database (used by tests that want a throwaway database).
  const db = options.dataDir ? await PGlite.create(options.dataDir) : await PGlite.create();
  const password = options.password || randomBytes(24).toString("base64url");
  const server = new PGliteWireServer(db, { password });
  await server.listen(options.port, host);
  return {
    url: embeddedDatabaseUrl(host, options.port, password),
    port: options.port,
    async stop() {
      await server.close();
      // close() flushes PGlite's data directory; skipping it can leave the next start replaying WAL.
      await db.close();
    },
  };
}
