import { pgPool } from "../db/pool";
import { claimDue, selectNextWake } from "./store/due-enrollments";
import { ACTIVE_LEASE_MS, TIMEOUT_EXIT } from "./walk-batch";

/**
 * Claims enrollments that are due: a delay that ended, a wait that timed out, or an ACTIVE enrollment
 * whose lease lapsed (its advance event was lost, e.g. in a crash). FOR UPDATE SKIP LOCKED lets several
 * wake-due runs (or app instances) claim disjoint sets; claiming sets the lease again, so a claimed
 * enrollment is not claimed twice. Paused journeys' people are left where they are.
 */
export async function claimDueEnrollments(now: Date, limit = 2_000): Promise<string[]> {
  return claimDue(pgPool(), now, limit, new Date(now.getTime() + ACTIVE_LEASE_MS), TIMEOUT_EXIT);
}

/**
 * The earliest moment before `before` at which a waiting enrollment of a live journey comes due (after
 * `now`), or null: wake-due's run on the embedded executor follows the delays that end within its tick.
 */
export async function nextWakeBefore(now: Date, before: Date): Promise<Date | null> {
  return selectNextWake(pgPool(), now, before);
}
