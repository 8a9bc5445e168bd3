import { randomBytes } from "node:crypto";
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
