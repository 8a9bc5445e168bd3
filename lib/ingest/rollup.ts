import { withTransaction } from "../db/pool";
import { CATALOG_LIMITS } from "./limits";
import {
  insertEventProperties,
  insertProfileTraits,
  lockEventRollup,
  markRolledUp,
  selectBatchesToRollUp,
  upsertEventTypes,
  upsertEventVolumes,
  widenProfilesSeen,
} from "./store/rollup";

/**
 * Keeps what is derived from many events current, off the ingestion hot path: the event catalog (names
 * with first/last seen and totals, daily volume, property keys and their JSON types), the trait catalog
 * (identify trait keys and their types, for the segment builder) and each profile's first/last seen. It
 * consumes the ingest log (EventDispatch rows not yet rolled up) in committed order and marks what it
 * counted in the same transaction: every event is counted exactly once, crash or not. One rollup runs at a
 * time per database (a transaction-scoped advisory lock; another app instance's rollup waits for it), and it
 * locks no log row until its last statement: the Inngest hand-off (./dispatch.ts) marks the same rows sent,
 * and a row lock held through the rollup made each hand-off wait for it (92 ms on average in bench:engine,
 * added to every journey's trigger latency).
 *
 * Counting in the ingest transaction instead would make every request update the same few catalog rows,
 * and so wait for each other's commits.
 */
export async function rollupIngestedEvents(limit = 100): Promise<{ batches: number }> {
  return withTransaction(async (client) => {
    await lockEventRollup(client);
    const rows = await selectBatchesToRollUp(client, limit);
    if (!rows.length) return { batches: 0 };
    const ids = `{${rows
      .map((r) => r.eventIds.slice(1, -1))
      .filter(Boolean)
      .join(",")}}`;
    const bounds = rows.flatMap((r) => (r.low === null || r.high === null ? [] : [BigInt(r.low), BigInt(r.high)]));
    const low = bounds.reduce((a, b) => (b < a ? b : a), bounds[0] ?? 0n);
    const high = bounds.reduce((a, b) => (b > a ? b : a), bounds[0] ?? 0n);
    const events = { ids, low: low.toString(), high: high.toString() };
    // The catalog caps (CATALOG_LIMITS, ./limits.ts) hold while each statement runs: rollups run one at a time.
    await upsertEventTypes(client, events, CATALOG_LIMITS.eventTypes);
    await upsertEventVolumes(client, events);
    await insertEventProperties(client, events, CATALOG_LIMITS.eventProperties);
    await insertProfileTraits(client, events, CATALOG_LIMITS.profileTraits);
    await widenProfilesSeen(client, events);
    await markRolledUp(
      client,
      rows.map((r) => r.id),
    );
    return { batches: rows.length };
  });
}

/** Rolls up everything pending (tests, the catalog page). */
export async function rollupAllPending(): Promise<void> {
  while ((await rollupIngestedEvents()).batches > 0) {
    // keep going until the log is caught up
  }
}
