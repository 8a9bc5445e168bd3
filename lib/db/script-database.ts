import net from "node:net";
import path from "node:path";
import { dataDir, loadOrCreateSecrets } from "../runtime/data-dir";
import { embeddedDatabaseUrl, startEmbeddedPostgres } from "./embedded";
import { migrate } from "./migrate";

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.end();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * For one-off scripts (seed): DATABASE_URL if set; else the embedded database of a running Cairn; else
 * the embedded database opened just for this script (PGlite's data directory allows one process at a time).
 */
export async function withScriptDatabase<T>(fn: () => Promise<T>): Promise<T> {
  if (process.env.DATABASE_URL) {
    await migrate(process.env.DATABASE_URL);
    return fn();
  }
  const port = Number(process.env.CAIRN_DB_PORT ?? 54329);
  // The embedded database's password is in the data directory's secrets, as scripts/cairn.ts uses it.
  const password = loadOrCreateSecrets().databasePassword;
  if (await isListening(port)) {
    process.env.DATABASE_URL = embeddedDatabaseUrl("127.0.0.1", port, password);
    return fn();
  }
  const embedded = await startEmbeddedPostgres({ dataDir: path.join(dataDir(), "pglite"), port, password });
  try {
    process.env.DATABASE_URL = embedded.url;
    await migrate(embedded.url);
    return await fn();
  } finally {
    const { db } = await import("./client");
    await db().$disconnect();
    await embedded.stop();
  }
}
