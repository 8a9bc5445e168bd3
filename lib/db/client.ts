import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client";

/**
 * The one Prisma client of the process. It talks to Postgres through node-postgres (driver adapter),
 * the same way for the embedded PGlite server and for a managed Postgres.
 * Only lib/ uses it (style: only the data layer touches Prisma).
 */
function createClient(): PrismaClient {
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) {
    throw new Error("DATABASE_URL is not set. Start Cairn with `npm run dev` or `npm start`, which provide the embedded database.");
  }
  const adapter = new PrismaPg({ connectionString, max: Number(process.env.CAIRN_DB_POOL_SIZE ?? 10) });
  return new PrismaClient({ adapter });
}

const globalForPrisma = globalThis as unknown as { cairnPrisma?: PrismaClient };

/** Lazily created so that importing lib/ (e.g. in `next build`) needs no database. */
export function db(): PrismaClient {
  globalForPrisma.cairnPrisma ??= createClient();
  return globalForPrisma.cairnPrisma;
}

export type { Prisma } from "./generated/client";
export { Role, ApiKeyScope } from "./generated/enums";
