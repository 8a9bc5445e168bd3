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
export async function assertPortFree(port: number, host: string | undefined, what: string, envVar?: string): Promise<void> {
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

export async function startEmbeddedPostgres(options: { dataDir?: string; port: number; host?: string }): Promise<EmbeddedPostgres> {
  const host = options.host ?? "127.0.0.1";
  await assertPortFree(options.port, host, "the embedded database", "CAIRN_DB_PORT");
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  // No dataDir: an in-memory database (used by tests that want a throwaway database).
  const db = options.dataDir ? await PGlite.create(options.dataDir) : await PGlite.create();
  const server = new PGliteWireServer(db);
  await server.listen(options.port, host);
  return {
    url: `postgresql://postgres:postgres@${host}:${options.port}/postgres?sslmode=disable`,
    port: options.port,
    async stop() {
      await server.close();
      // close() flushes PGlite's data directory; skipping it can leave the next start replaying WAL.
      await db.close();
    },
  };
}
