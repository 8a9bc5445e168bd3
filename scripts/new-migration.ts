/**
 * npm run db:migration -- <name>
 *
 * Creates prisma/migrations/<timestamp>_<name>/migration.sql from the difference between the schema
 * as of the latest migration (prisma/schema.migrated.prisma) and prisma/schema.prisma, then updates the
 * snapshot. A datamodel-to-datamodel diff needs no shadow database, so it works offline and without
 * `prisma migrate dev` (which cannot use PGlite as a shadow database once two migrations exist).
 */
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { startEmbeddedPostgres } from "../lib/db/embedded";
import { freePort } from "../lib/testing/free-port";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error(
    "Usage: npm run db:migration -- <name>   (lower-case letters, digits and underscores, e.g. add_journeys)",
  );
  process.exit(2);
}

const schema = path.join("prisma", "schema.prisma");
const snapshot = path.join("prisma", "schema.migrated.prisma");
const from = existsSync(snapshot) ? ["--from-schema-datamodel", snapshot] : ["--from-empty"];

async function diff(): Promise<string> {
  // The JS schema engine connects to its adapter even for a datamodel-to-datamodel diff: give it a
  // throwaway in-memory database.
  const scratch = await startEmbeddedPostgres({ port: await freePort() });
  try {
    // Asynchronously: the scratch database is served from this process, so its event loop must keep running.
    const { stdout } = await promisify(execFile)(
      "npx",
      ["prisma", "migrate", "diff", ...from, "--to-schema-datamodel", schema, "--script"],
      {
        encoding: "utf8",
        env: { ...process.env, DATABASE_URL: scratch.url },
      },
    );
    return stdout;
  } finally {
    await scratch.stop();
  }
}

async function main() {
  const sql = await diff();
  if (!/^\s*(CREATE|ALTER|DROP|INSERT|UPDATE|DELETE)/im.test(sql)) {
    console.log("The schema has no changes since the latest migration: nothing to do.");
    return;
  }

  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const dir = path.join("prisma", "migrations", `${stamp}_${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "migration.sql"), sql);
  writeFileSync(path.join("prisma", "migrations", "migration_lock.toml"), 'provider = "postgresql"\n');
  copyFileSync(schema, snapshot);
  console.log(
    `Created ${path.join(dir, "migration.sql")}. Review it, then commit it with prisma/schema.migrated.prisma.`,
  );
}

void main();
