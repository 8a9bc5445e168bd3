import { createHash } from "node:crypto";
import type pg from "pg";

/**
 * Named (prepared) statements for the hand-written SQL that runs again and again.
 *
 * An unnamed statement is parsed, analysed and planned by Postgres on every execution; for Cairn's hot
 * paths (the engine's and the executor's short, wide statements) that was a third of the database's CPU in
 * bench:engine. node-postgres prepares a statement once per connection when the query has a `name`, and
 * afterwards sends only Bind/Execute; Postgres then plans it per execution for the first five and, if a
 * generic plan is no costlier, reuses that (what JDBC and Prisma do too).
 *
 * A statement is named from its second execution in the process, by a digest of its text (so one name always
 * means one text), and at most MAX_NAMED texts get a name: SQL built per segment definition or per request
 * stays unnamed rather than filling every backend with plans nobody runs again.
 *
 * Off with CAIRN_DB_PREPARED_STATEMENTS=off, for poolers in transaction mode that do not track prepared
 * statements (PgBouncer before 1.21 without max_prepared_statements). The embedded database's wire server
 * keeps each connection's names apart (lib/db/pglite-wire-server.ts).
 */
const MAX_NAMED = 1_000;
const seen = new Map<string, string | null>();
let namedCount = 0;

export function preparedStatementsEnabled(env: Record<string, string | undefined> = process.env): boolean {
  return env.CAIRN_DB_PREPARED_STATEMENTS !== "off";
}

/** The name to prepare `text` under, or undefined to send it unnamed (first execution, or past the cap). */
export function statementName(text: string): string | undefined {
  const known = seen.get(text);
  if (known) return known;
  if (known === undefined) {
    if (seen.size < MAX_NAMED * 2) seen.set(text, null); // seen once; named on the next execution
    return undefined;
  }
  if (namedCount >= MAX_NAMED) return undefined;
  const name = `cairn_${createHash("sha1").update(text).digest("base64url")}`;
  seen.set(text, name);
  namedCount++;
  return name;
}

/**
 * Makes `client.query(text, values[, callback])` (pg.Pool#query calls it with a callback) prepare repeated
 * statements. Queries given as a config object, or without values (BEGIN, COMMIT: the simple protocol), go as
 * they were.
 */
export function prepareRepeatedStatements(client: pg.ClientBase): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const [text, values, callback] = args;
    if (
      typeof text === "string" &&
      Array.isArray(values) &&
      (args.length === 2 || (args.length === 3 && typeof callback === "function"))
    ) {
      const name = statementName(text);
      if (name) return callback ? query({ name, text, values }, callback) : query({ name, text, values });
    }
    return query(...args);
  };
}
