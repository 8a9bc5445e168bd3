import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client";
import { closePgPool, POOL_IDLE } from "./pool";

/**
 * The one Prisma client of the process. It talks to Postgres through node-postgres (driver adapter),
 * the same way for the embedded PGlite server and for a managed Postgres.
 * Only lib/ uses it (style: only the data layer touches Prisma).
 */
function createClient(connectionString: string): PrismaClient {
  const adapter = new PrismaPg({ connectionString, max: Number(process.env.CAIRN_DB_POOL_SIZE ?? 10), ...POOL_IDLE });
  // The embedded database runs one query at a time, so a transaction may wait behind others' queries:
  // allow more than Prisma's 2 s / 5 s defaults before giving up.
  return new PrismaClient({ adapter, transactionOptions: { maxWait: 15_000, timeout: 30_000 } });
}

// Kept on globalThis so that `next dev` hot reloads reuse one pool instead of opening a new one per reload.
const globalForPrisma = globalThis as unknown as { cairnPrisma?: PrismaClient };

/** Lazily created so that importing lib/ (e.g. in `next build`) needs no database. */
export function db(): PrismaClient {
  if (!globalForPrisma.cairnPrisma) {
    const connectionString = process.env.DATABASE_URL;
    if (!connectionString) {
      throw new Error(
        "DATABASE_URL is not set. Start Cairn with `npm run dev` or `npm start`, which provide the embedded database.",
      );
    }
    globalForPrisma.cairnPrisma = createClient(connectionString);
  }
  return globalForPrisma.cairnPrisma;
}

/** Points the process at another database (tests that need an empty one). */
export async function switchDatabase(connectionString: string): Promise<void> {
  // Switch first, so that anything still running opens its next connection on the new database and not
  // on the old one, which the caller may be about to drop.
  const previous = globalForPrisma.cairnPrisma;
  process.env.DATABASE_URL = connectionString;
  globalForPrisma.cairnPrisma = createClient(connectionString);
  await previous?.$disconnect();
  await closePgPool(); // recreated on first use, from the new DATABASE_URL
}

export type { Prisma } from "./generated/client";
