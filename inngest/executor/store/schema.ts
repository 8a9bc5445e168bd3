import type { ExecutorDb } from "./db";

/**
 * The executor's own tables, in its own schema (default `cairn_executor`). They are the stand-in for
 * Inngest's state store, so they live outside the app's Prisma migrations: the executor creates and
 * upgrades them itself at start, recording applied versions in `schema_version`. Append new versions;
 * never edit an applied one.
 */
const MIGRATIONS: { version: number; sql: (t: (table: string) => string) => string }[] = [
  {
    version: 1,
    sql: (t) => `
      -- Registered apps and functions ("sync"). generation changes on every sync, so other executors reload.
      CREATE TABLE ${t("registry")} (id int PRIMARY KEY CHECK (id = 1), generation bigint NOT NULL);
      INSERT INTO ${t("registry")} VALUES (1, 0);
      CREATE TABLE ${t("apps")} (name text PRIMARY KEY, url text NOT NULL, sdk text NOT NULL, synced_at timestamptz NOT NULL);
      CREATE TABLE ${t("functions")} (id text PRIMARY KEY, app_name text NOT NULL, config jsonb NOT NULL, synced_at timestamptz NOT NULL);

      -- Accepted events (committed before the event API answers) and the 24 h dedupe windows.
      CREATE TABLE ${t("events")} (id text PRIMARY KEY, name text NOT NULL, payload jsonb NOT NULL, received_at timestamptz NOT NULL);
      CREATE INDEX events_received_at ON ${t("events")} (received_at);
      CREATE TABLE ${t("event_ids")} (id text PRIMARY KEY, seen_at timestamptz NOT NULL);
      CREATE TABLE ${t("idempotency_keys")} (function_id text NOT NULL, key text NOT NULL, seen_at timestamptz NOT NULL, PRIMARY KEY (function_id, key));

      -- Runs and their memoized step results; seq is the completion order (the SDK's stack).
      -- outstanding = planned step jobs not finished yet; the run is rediscovered when it reaches 0.
      CREATE TABLE ${t("runs")} (
        id text PRIMARY KEY,
        function_id text NOT NULL,
        event_id text NOT NULL,
        status text NOT NULL DEFAULT 'running',
        outstanding int NOT NULL DEFAULT 0,
        parallel boolean NOT NULL DEFAULT false,
        output jsonb,
        error jsonb,
        created_at timestamptz NOT NULL,
        ended_at timestamptz
      );
      CREATE INDEX runs_function ON ${t("runs")} (function_id, created_at);
      CREATE INDEX runs_ended_at ON ${t("runs")} (ended_at) WHERE ended_at IS NOT NULL;
      CREATE TABLE ${t("run_steps")} (
        run_id text NOT NULL,
        step_id text NOT NULL,
        seq bigint GENERATED ALWAYS AS IDENTITY,
        result jsonb NOT NULL,
        PRIMARY KEY (run_id, step_id)
      );

      -- The queue: one row per call to make. step_id 'step' = discover the next step, else run that step.
      -- A job is executing while lease_until is in the future; ckey/climit are its concurrency slots.
      CREATE TABLE ${t("jobs")} (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        run_id text NOT NULL,
        step_id text NOT NULL,
        attempt int NOT NULL DEFAULT 0,
        run_at timestamptz NOT NULL,
        lease_owner text,
        lease_until timestamptz,
        ckey1 text, climit1 int,
        ckey2 text, climit2 int,
        last_error jsonb
      );
      CREATE INDEX jobs_run_at ON ${t("jobs")} (run_at);
      CREATE INDEX jobs_run_id ON ${t("jobs")} (run_id);
      CREATE INDEX jobs_ckey1 ON ${t("jobs")} (ckey1) WHERE ckey1 IS NOT NULL;
      CREATE INDEX jobs_ckey2 ON ${t("jobs")} (ckey2) WHERE ckey2 IS NOT NULL;
      CREATE INDEX jobs_lease_owner ON ${t("jobs")} (lease_owner) WHERE lease_owner IS NOT NULL;

      -- One row per (cron function, fire time): the unique key makes a tick fire once across executors.
      CREATE TABLE ${t("cron_ticks")} (function_id text NOT NULL, fire_at timestamptz NOT NULL, PRIMARY KEY (function_id, fire_at));

      -- Running executors, so a restarted one can free the leases of a dead predecessor at once.
      CREATE TABLE ${t("instances")} (id text PRIMARY KEY, host text NOT NULL, pid int NOT NULL, started_at timestamptz NOT NULL, heartbeat_at timestamptz NOT NULL);
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** Creates or upgrades the schema; safe to run from several executors at once (advisory lock). */
export async function migrateExecutorSchema(db: ExecutorDb): Promise<{ from: number; to: number }> {
  return db.transaction(async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`${db.schema}:migrate`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${db.schema}"`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${db.t("schema_version")} (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number | null }>(
      `SELECT max(version) AS version FROM ${db.t("schema_version")}`,
    );
    const from = rows[0]?.version ?? 0;
    if (from > SCHEMA_VERSION) {
      throw new Error(
        `The database's ${db.schema} schema is at version ${from}, newer than this executor knows (${SCHEMA_VERSION}). Run a newer Cairn.`,
      );
    }
    for (const migration of MIGRATIONS) {
      if (migration.version <= from) continue;
      await client.query(migration.sql((table) => db.t(table)));
      await client.query(`INSERT INTO ${db.t("schema_version")} (version) VALUES ($1)`, [migration.version]);
    }
    return { from, to: SCHEMA_VERSION };
  });
}
