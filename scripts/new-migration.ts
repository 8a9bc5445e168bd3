/**
 * npm run db:migration -- <name>
 *
 * Creates prisma/migrations/<timestamp>_<name>/migration.sql from the difference between the schema
 * as of the latest migration (prisma/schema.migrated.prisma) and prisma/schema.prisma, then updates the
 * snapshot. A datamodel-to-datamodel diff needs no shadow database, so it works offline and without
 * `prisma migrate dev` (which cannot use PGlite as a shadow database once two migrations exist).
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("Usage: npm run db:migration -- <name>   (lower-case letters, digits and underscores, e.g. add_journeys)");
  process.exit(2);
}

const schema = path.join("prisma", "schema.prisma");
const snapshot = path.join("prisma", "schema.migrated.prisma");
const from = existsSync(snapshot) ? ["--from-schema-datamodel", snapshot] : ["--from-empty"];

const sql = execFileSync("npx", ["prisma", "migrate", "diff", ...from, "--to-schema-datamodel", schema, "--script"], {
  encoding: "utf8",
  stdio: ["ignore", "pipe", "inherit"],
});
if (!/^\s*(CREATE|ALTER|DROP|INSERT|UPDATE|DELETE)/im.test(sql)) {
  console.log("The schema has no changes since the latest migration: nothing to do.");
  process.exit(0);
}

const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = path.join("prisma", "migrations", `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, "migration.sql"), sql);
writeFileSync(path.join("prisma", "migrations", "migration_lock.toml"), 'provider = "postgresql"\n');
copyFileSync(schema, snapshot);
console.log(`Created ${path.join(dir, "migration.sql")}. Review it, then commit it with prisma/schema.migrated.prisma.`);
