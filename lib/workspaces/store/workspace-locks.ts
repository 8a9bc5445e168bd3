import { z } from "zod";
import { execute, type Queryable, selectRows } from "../../db/sql";

const SETUP_LOCK_ID = 4_204_001;

/** Serialises first-run setup (transaction-scoped), so two browsers racing through it cannot both create an owner. */
export async function lockFirstRunSetup(q: Queryable): Promise<void> {
  await execute(q, `SELECT pg_advisory_xact_lock($1)`, [SETUP_LOCK_ID]);
}

/** The owners' memberships of a workspace, locked until the transaction ends (so two demotions cannot race). */
export async function selectOwnerMembershipIdsForUpdate(q: Queryable, workspaceId: string): Promise<string[]> {
  const rows = await selectRows(
    q,
    z.object({ id: z.string() }),
    `SELECT id::text FROM "Membership" WHERE "workspaceId" = $1::uuid AND role = 'OWNER' FOR UPDATE`,
    [workspaceId],
  );
  return rows.map((row) => row.id);
}
