import type { IncomingEvent } from "../event-payload";
import type { PlannedRun } from "../run-planning";
import type { ExecutorDb, Queryable } from "./db";

export const DEDUPE_WINDOW_MS = 24 * 3600 * 1000;

export interface IntakeResult {
  /** Internal ids of the events stored by this call (not duplicates). */
  storedEventIds: string[];
  /** Runs created (after event-id and idempotency dedupe). */
  runIds: string[];
}

/**
 * Stores events and their runs (and each run's first job) in ONE statement, so that it is atomic
 * without a transaction and costs one round trip: an event is either stored with all its runs or not
 * at all, and a retried send (same seeded ids) or a sender's repeated `id` within 24 h adds nothing.
 *
 * With `cronTick`, everything is additionally gated on inserting that (function, fire time) row, which
 * is how two executors (or one restarted) fire a cron tick exactly once.
 */
export async function storeEventsAndRuns(
  db: ExecutorDb,
  q: Queryable,
  events: IncomingEvent[],
  runs: PlannedRun[],
  nowMs: number,
  cronTick?: { functionId: string; fireAtMs: number },
): Promise<IntakeResult> {
  // A sender's repeated id within one request counts once (ON CONFLICT cannot touch a row twice).
  const seenUserIds = new Set<string>();
  const eventRows = events.flatMap((e) => {
    if (e.userId !== undefined) {
      if (seenUserIds.has(e.userId)) return [];
      seenUserIds.add(e.userId);
    }
    return [{ id: e.internalId, name: e.name, payload: e.payload, user_id: e.userId ?? null }];
  });
  const runRows = runs.map((r) => ({
    id: r.id,
    event_id: r.eventId,
    function_id: r.functionId,
    idem: r.idempotencyKey ?? null,
    ckey1: r.ckey1 ?? null,
    climit1: r.climit1 ?? null,
    ckey2: r.ckey2 ?? null,
    climit2: r.climit2 ?? null,
  }));
  const t = (name: string) => db.t(name);
  const { rows } = await q.query<{ events: string[] | null; runs: string[] | null }>(
    `WITH tick AS (
       INSERT INTO ${t("cron_ticks")} (function_id, fire_at) SELECT $5::text, $6::timestamptz WHERE $5::text IS NOT NULL
       ON CONFLICT DO NOTHING RETURNING 1
     ),
     input AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id text, name text, payload jsonb, user_id text)
       WHERE $5::text IS NULL OR EXISTS (SELECT 1 FROM tick)
     ),
     fresh_ids AS (
       INSERT INTO ${t("event_ids")} (id, seen_at) SELECT user_id, $3 FROM input WHERE user_id IS NOT NULL
       ON CONFLICT (id) DO UPDATE SET seen_at = EXCLUDED.seen_at WHERE ${t("event_ids")}.seen_at < $4
       RETURNING id
     ),
     ev AS (
       INSERT INTO ${t("events")} (id, name, payload, received_at)
       SELECT id, name, payload, $3 FROM input WHERE user_id IS NULL OR user_id IN (SELECT id FROM fresh_ids)
       ON CONFLICT (id) DO NOTHING RETURNING id
     ),
     planned AS (
       SELECT * FROM jsonb_to_recordset($2::jsonb) AS r(id text, event_id text, function_id text, idem text, ckey1 text, climit1 int, ckey2 text, climit2 int)
       WHERE r.event_id IN (SELECT id FROM ev)
     ),
     fresh_keys AS (
       INSERT INTO ${t("idempotency_keys")} (function_id, key, seen_at) SELECT function_id, idem, $3 FROM planned WHERE idem IS NOT NULL
       ON CONFLICT (function_id, key) DO UPDATE SET seen_at = EXCLUDED.seen_at WHERE ${t("idempotency_keys")}.seen_at < $4
       RETURNING function_id, key
     ),
     run AS (
       INSERT INTO ${t("runs")} (id, function_id, event_id, created_at)
       SELECT id, function_id, event_id, $3 FROM planned p
       WHERE p.idem IS NULL OR EXISTS (SELECT 1 FROM fresh_keys k WHERE k.function_id = p.function_id AND k.key = p.idem)
       RETURNING id
     ),
     job AS (
       INSERT INTO ${t("jobs")} (run_id, step_id, run_at, ckey1, climit1, ckey2, climit2)
       SELECT p.id, 'step', $3, p.ckey1, p.climit1, p.ckey2, p.climit2 FROM planned p JOIN run ON run.id = p.id
       RETURNING run_id
     )
     SELECT (SELECT array_agg(id) FROM ev) AS events, (SELECT array_agg(run_id) FROM job) AS runs`,
    [
      JSON.stringify(eventRows),
      JSON.stringify(runRows),
      new Date(nowMs),
      new Date(nowMs - DEDUPE_WINDOW_MS),
      cronTick?.functionId ?? null,
      cronTick ? new Date(cronTick.fireAtMs) : null,
    ],
  );
  return { storedEventIds: rows[0]?.events ?? [], runIds: rows[0]?.runs ?? [] };
}

/** The last fire time of each cron function, to resume its schedule (and catch up once) after a restart. */
export async function lastCronTicks(db: ExecutorDb): Promise<Map<string, number>> {
  const { rows } = await db.query<{ function_id: string; fire_at: Date }>(
    `SELECT function_id, max(fire_at) AS fire_at FROM ${db.t("cron_ticks")} GROUP BY function_id`,
  );
  return new Map(rows.map((r) => [r.function_id, r.fire_at.getTime()]));
}
