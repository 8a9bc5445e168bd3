import pg from "pg";
import { prepareRepeatedStatements, preparedStatementsEnabled } from "../../../lib/db/prepared";

/**
 * The executor's connection to Postgres: a small pg pool and the name of its schema. All SQL in
 * store/ qualifies tables through `t()`, so tests can run each executor in a schema of its own.
 */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
}

export const DEFAULT_SCHEMA = "cairn_executor";

export class ExecutorDb {
  readonly pool: pg.Pool;

  constructor(
    databaseUrl: string,
    readonly schema: string = DEFAULT_SCHEMA,
    poolSize = 6,
  ) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
      throw new Error(`Invalid executor schema name "${schema}" (lowercase letters, digits and _ only)`);
    // Idle connections are kept for five minutes, not node-postgres' 10 s: a new connection is a new Postgres
    // backend with cold caches, and with 10 s the connections a burst opened were gone by the next burst.
    this.pool = new pg.Pool({
      connectionString: databaseUrl,
      max: poolSize,
      idleTimeoutMillis: 5 * 60_000,
      allowExitOnIdle: true,
    });
    // A dropped idle connection (database restart) must not crash the executor; the pool reconnects.
    this.pool.on("error", (error) => console.error(`[executor] idle database connection lost: ${error.message}`));
    // Its claims and completions are a few statements run thousands of times: prepared once per connection.
    if (preparedStatementsEnabled()) this.pool.on("connect", (client) => prepareRepeatedStatements(client));
  }

  /** A table name qualified with the executor's schema. */
  t(table: string): string {
    return `"${this.schema}".${table}`;
  }

  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(sql, params);
  }

  /** Runs `fn` in a transaction; rolls back on error. Keep it short: PGlite serializes transactions. */
  async transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
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

  close(): Promise<void> {
    return this.pool.end();
  }
}
