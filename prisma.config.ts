import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

// The schema's datasource reads DATABASE_URL even for commands that never connect (generate, migrate diff);
// without it the CLI cannot read the schema and falls back to downloading a query engine, which fails offline.
process.env.DATABASE_URL ??= "postgresql://unused@127.0.0.1:1/unused";

/**
 * Prisma CLI configuration. Prisma 6.19.3 with the JS schema engine runs offline (no engine binary to
 * download). `prisma generate` and `prisma migrate diff` (used by `npm run db:migration`) need no
 * database. Commands that do connect (e.g. `npx prisma studio`) use DATABASE_URL through node-postgres.
 * Migrations are applied by scripts/migrate.ts, not by `prisma migrate deploy` (ARCHITECTURE.md says why).
 */
export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    return new PrismaPg({ connectionString: process.env.DATABASE_URL });
  },
});
