import "server-only";
import pg from "pg";
import { prepareRepeatedStatements, preparedStatementsEnabled } from "./prepared";

/**
 * A node-postgres pool for the hot paths (ingestion) that write with hand-written, batched SQL: one
 * statement per table per request, which Prisma's query builder cannot express (unnest/recordset
 * inserts, ON CONFLICT counters). Everything else goes through Prisma (lib/db/client.ts).
 */
const globalForPool = globalThis as unknown as { cairnPgPool?: pg.Pool };

/**
 * How the process's pools (this one and Prisma's, lib/db/client.ts) treat idle connections: kept for five
 * minutes rather than node-postgres' 10 s, because a new connection is a new Postgres backend that loads its
 * catalog caches on first use. With 10 s, the connections a burst opened closed during the lull after it and
 * the next burst paid for new backends again (bench:engine's latency spikes 10–15 s after a backlog drained).
 * An idle connection does not keep a script's process alive.
 */
export const POOL_IDLE = { idleTimeoutMillis: 5 * 60_000, allowExitOnIdle: true } as const;

export function pgPool(): pg.Pool {
  if (!globalForPool.cairnPgPool) {
    const connectionString = process.env.DATABASE_URL;
    if (!connectionString) throw new Error("DATABASE_URL is not set.");
    const pool = new pg.Pool({ connectionString, max: Number(process.env.CAIRN_DB_POOL_SIZE ?? 10), ...POOL_IDLE });
    // An idle connection that the server drops (restart, failover) must not crash the process: the pool
    // discards it and opens a new one on the next query.
    pool.on("error", (error) => console.error("[cairn] idle database connection lost:", error.message));
    if (preparedStatementsEnabled()) pool.on("connect", (client) => prepareRepeatedStatements(client));
    globalForPool.cairnPgPool = pool;
  }
  return globalForPool.cairnPgPool;
}

export async function closePgPool(): Promise<void> {
  const pool = globalForPool.cairnPgPool;
  globalForPool.cairnPgPool = undefined;
  await pool?.end();
}

/** Runs `fn` in a transaction on one connection of `pool` (the process's, by default); rolls back on any error. */
export async function withTransaction<T>(
  fn: (client: pg.PoolClient) => Promise<T>,
  pool: pg.Pool = pgPool(),
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
