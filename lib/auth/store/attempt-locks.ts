import { execute, type Queryable } from "../../db/sql";

/**
 * Serialises password attempts on the same account and from the same address (transaction-scoped advisory locks,
 * released at commit), so two concurrent attempts cannot both count the failures before either is recorded.
 * `q` must be a transaction.
 */
export async function lockPasswordAttemptsOf(q: Queryable, email: string, ip: string): Promise<void> {
  await execute(q, `SELECT pg_advisory_xact_lock(hashtextextended($1, 7401))`, [`sign-in:account:${email}`]);
  await execute(q, `SELECT pg_advisory_xact_lock(hashtextextended($1, 7401))`, [`sign-in:ip:${ip}`]);
}
