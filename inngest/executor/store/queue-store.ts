import type { ExecutorDb, Queryable } from "./db";

/** A memoized step result as the SDK reads it: `{ data }` or `{ error }`. */
export type StepResult = { data: unknown } | { error: unknown };

/** A job leased by this executor, with what the call to the app needs. */
export interface ActiveJob {
  id: string;
  runId: string;
  functionId: string;
  /** "step" = run the function and let it discover (and maybe immediately run) the next step; else the hashed id of a planned step. */
  stepId: string;
  attempt: number;
  /** The run has had parallel steps: later calls set disable_immediate_execution, as Inngest does. */
  parallel: boolean;
  event: Record<string, unknown>;
  /** Memoized steps in completion order. */
  steps: [string, StepResult][];
  slots: ConcurrencySlots;
}

export interface ConcurrencySlots {
  ckey1: string | null;
  climit1: number | null;
  ckey2: string | null;
  climit2: number | null;
}

interface JobRow {
  id: string;
  run_id: string;
  step_id: string;
  attempt: number;
  parallel: boolean;
  function_id: string;
  event: Record<string, unknown>;
  steps: [string, StepResult][];
  ckey1: string | null;
  climit1: number | null;
  ckey2: string | null;
  climit2: number | null;
}

const toJob = (r: JobRow): ActiveJob => ({
  id: String(r.id),
  runId: r.run_id,
  functionId: r.function_id,
  stepId: r.step_id,
  attempt: r.attempt,
  parallel: r.parallel,
  event: r.event,
  steps: r.steps,
  slots: { ckey1: r.ckey1, climit1: r.climit1, ckey2: r.ckey2, climit2: r.climit2 },
});

/** Joins claimed job rows (CTE `c`) with their run, event and memoized steps. */
function withRunState(db: ExecutorDb): string {
  return `SELECT c.id, c.run_id, c.step_id, c.attempt, c.ckey1, c.climit1, c.ckey2, c.climit2, r.function_id, r.parallel, e.payload AS event,
            COALESCE((SELECT json_agg(json_build_array(s.step_id, s.result) ORDER BY s.seq) FROM ${db.t("run_steps")} s WHERE s.run_id = c.run_id), '[]'::json) AS steps
          FROM c JOIN ${db.t("runs")} r ON r.id = c.run_id JOIN ${db.t("events")} e ON e.id = r.event_id`;
}

/**
 * Claims up to `limit` due jobs without concurrency slots, in one statement (SKIP LOCKED: several
 * executors never claim the same job).
 */
export async function claimUnlimited(
  db: ExecutorDb,
  owner: string,
  limit: number,
  nowMs: number,
  leaseMs: number,
): Promise<ActiveJob[]> {
  const { rows } = await db.query<JobRow>(
    `WITH c AS (
       UPDATE ${db.t("jobs")} j SET lease_owner = $1, lease_until = $2
       WHERE j.id IN (
         SELECT id FROM ${db.t("jobs")}
         WHERE run_at <= $3 AND (lease_until IS NULL OR lease_until < $3) AND ckey1 IS NULL AND ckey2 IS NULL
         ORDER BY run_at LIMIT $4 FOR UPDATE SKIP LOCKED)
       RETURNING j.*)
     ${withRunState(db)}`,
    [owner, new Date(nowMs + leaseMs), new Date(nowMs), limit],
  );
  return rows.map(toJob);
}

/**
 * Claims due jobs that hold concurrency slots, never exceeding a slot's limit across all executors:
 * keyed claims are serialized by an advisory lock, and counted after taking it, so each claim sees
 * every lease committed before it. (Handing a slot from a finished call to its run's next call happens
 * in one statement elsewhere and does not change the count.)
 */
export async function claimLimited(
  db: ExecutorDb,
  owner: string,
  limit: number,
  nowMs: number,
  leaseMs: number,
): Promise<ActiveJob[]> {
  const now = new Date(nowMs);
  return db.transaction(async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`${db.schema}:claim-limited`]);
    const used = (key: string) =>
      `(SELECT count(*) FROM ${db.t("jobs")} x WHERE x.ckey1 = ${key} AND x.lease_until >= $1) + (SELECT count(*) FROM ${db.t("jobs")} x WHERE x.ckey2 = ${key} AND x.lease_until >= $1)`;
    // Jobs whose slots are already full are filtered out here, so they cannot crowd the batch.
    const { rows } = await client.query<{
      id: string;
      ckey1: string | null;
      climit1: number | null;
      ckey2: string | null;
      climit2: number | null;
      used1: string;
      used2: string;
    }>(
      `SELECT j.id, j.ckey1, j.climit1, j.ckey2, j.climit2, u.used1, u.used2
       FROM ${db.t("jobs")} j,
         LATERAL (SELECT CASE WHEN j.ckey1 IS NULL THEN 0 ELSE ${used("j.ckey1")} END AS used1,
                         CASE WHEN j.ckey2 IS NULL THEN 0 ELSE ${used("j.ckey2")} END AS used2) u
       WHERE j.run_at <= $1 AND (j.lease_until IS NULL OR j.lease_until < $1) AND (j.ckey1 IS NOT NULL OR j.ckey2 IS NOT NULL)
         AND (j.ckey1 IS NULL OR u.used1 < j.climit1) AND (j.ckey2 IS NULL OR u.used2 < j.climit2)
       ORDER BY j.run_at LIMIT $2 FOR UPDATE OF j SKIP LOCKED`,
      [now, limit],
    );
    const inUse = new Map<string, number>();
    const chosen: string[] = [];
    for (const row of rows) {
      const slots = [
        [row.ckey1, row.climit1, Number(row.used1)],
        [row.ckey2, row.climit2, Number(row.used2)],
      ] as const;
      const fits = slots.every(([key, max, used]) => key === null || (inUse.get(key) ?? used) < (max ?? Infinity));
      if (!fits) continue;
      for (const [key, , used] of slots) if (key !== null) inUse.set(key, (inUse.get(key) ?? used) + 1);
      chosen.push(row.id);
    }
    if (!chosen.length) return [];
    const claimed = await client.query<JobRow>(
      `WITH c AS (UPDATE ${db.t("jobs")} j SET lease_owner = $1, lease_until = $2 WHERE j.id = ANY($3::bigint[]) RETURNING j.*)
       ${withRunState(db)}`,
      [owner, new Date(nowMs + leaseMs), chosen],
    );
    return claimed.rows.map(toJob);
  });
}

/** Loads a job this executor already holds (created leased by a completion), with fresh run state. */
export async function loadOwnedJob(db: ExecutorDb, jobId: string, owner: string): Promise<ActiveJob | undefined> {
  const { rows } = await db.query<JobRow>(
    `WITH c AS (SELECT * FROM ${db.t("jobs")} WHERE id = $1 AND lease_owner = $2) ${withRunState(db)}`,
    [jobId, owner],
  );
  return rows[0] ? toJob(rows[0]) : undefined;
}

export interface MemoizeResult {
  /** False when this executor no longer held the job (its lease lapsed and another took it). */
  owned: boolean;
  /** The run's next job (a discovery call), created leased to this executor, when the run can continue now. */
  nextJobId?: string;
}

/**
 * A step finished (its data or its final error): memoize it, delete the job and, unless parallel
 * siblings are still out, create the next discovery call — leased to this executor, which makes it at
 * once. One statement. `fromPlannedStep` says the job was a planned step counted in `outstanding`.
 */
export async function memoizeStep(
  db: ExecutorDb,
  job: ActiveJob,
  owner: string,
  stepId: string,
  result: StepResult,
  nowMs: number,
  leaseMs: number,
): Promise<MemoizeResult> {
  const fromPlannedStep = job.stepId !== "step";
  const { rows } = await db.query<{ owned: number; next_id: string | null }>(
    `WITH del AS (DELETE FROM ${db.t("jobs")} WHERE id = $1 AND lease_owner = $2 RETURNING run_id),
     memo AS (INSERT INTO ${db.t("run_steps")} (run_id, step_id, result) SELECT run_id, $3, $4::jsonb FROM del ON CONFLICT DO NOTHING),
     upd AS (UPDATE ${db.t("runs")} SET outstanding = outstanding - 1 WHERE id = $5 AND $6::boolean AND EXISTS (SELECT 1 FROM del) RETURNING outstanding),
     remaining AS (SELECT outstanding FROM upd UNION ALL SELECT 0 FROM del WHERE NOT $6::boolean),
     ins AS (
       INSERT INTO ${db.t("jobs")} (run_id, step_id, attempt, run_at, lease_owner, lease_until, ckey1, climit1, ckey2, climit2)
       SELECT $5, 'step', 0, $7, $2, $8, $9, $10, $11, $12 FROM remaining WHERE outstanding = 0
       RETURNING id)
     SELECT (SELECT count(*) FROM del)::int AS owned, (SELECT id FROM ins) AS next_id`,
    [
      job.id,
      owner,
      stepId,
      JSON.stringify(result),
      job.runId,
      fromPlannedStep,
      new Date(nowMs),
      new Date(nowMs + leaseMs),
      job.slots.ckey1,
      job.slots.climit1,
      job.slots.ckey2,
      job.slots.climit2,
    ],
  );
  return { owned: rows[0].owned > 0, nextJobId: rows[0].next_id ?? undefined };
}

/**
 * Discovery found steps to run (one, or several in parallel): replace the job with one job per step.
 * The first is leased to this executor (it runs it next, handing over the concurrency slot); the rest
 * are left for any executor to claim.
 */
export async function planSteps(
  db: ExecutorDb,
  job: ActiveJob,
  owner: string,
  stepIds: string[],
  parallel: boolean,
  nowMs: number,
  leaseMs: number,
): Promise<{ owned: boolean; jobs: { id: string; stepId: string; mine: boolean }[] }> {
  const { rows } = await db.query<{ owned: number; jobs: { id: string; step_id: string; mine: boolean }[] | null }>(
    `WITH del AS (DELETE FROM ${db.t("jobs")} WHERE id = $1 AND lease_owner = $2 RETURNING run_id),
     upd AS (
       UPDATE ${db.t("runs")} SET outstanding = outstanding + cardinality($4::text[]) - (CASE WHEN $5::boolean THEN 1 ELSE 0 END), parallel = parallel OR $6
       WHERE id = $3 AND EXISTS (SELECT 1 FROM del) RETURNING id),
     ins AS (
       INSERT INTO ${db.t("jobs")} (run_id, step_id, attempt, run_at, lease_owner, lease_until, ckey1, climit1, ckey2, climit2)
       SELECT $3, x.step_id, 0, $7, CASE WHEN x.ord = 1 THEN $2 END, CASE WHEN x.ord = 1 THEN $8::timestamptz END, $9, $10, $11, $12
       FROM upd, unnest($4::text[]) WITH ORDINALITY AS x(step_id, ord)
       RETURNING id, step_id, lease_owner IS NOT NULL AS mine)
     SELECT (SELECT count(*) FROM del)::int AS owned, (SELECT json_agg(json_build_object('id', id::text, 'step_id', step_id, 'mine', mine)) FROM ins) AS jobs`,
    [
      job.id,
      owner,
      job.runId,
      stepIds,
      job.stepId !== "step",
      parallel,
      new Date(nowMs),
      new Date(nowMs + leaseMs),
      job.slots.ckey1,
      job.slots.climit1,
      job.slots.ckey2,
      job.slots.climit2,
    ],
  );
  return {
    owned: rows[0].owned > 0,
    jobs: (rows[0].jobs ?? []).map((j) => ({ id: j.id, stepId: j.step_id, mine: j.mine })),
  };
}

/** Puts the job back in the queue for `runAtMs` (a retry: attempt + 1; an unreachable app: same attempt). */
export async function rescheduleJob(
  db: ExecutorDb,
  job: ActiveJob,
  owner: string,
  attempt: number,
  runAtMs: number,
  error: unknown,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE ${db.t("jobs")} SET attempt = $3, run_at = $4, lease_owner = NULL, lease_until = NULL, last_error = $5 WHERE id = $1 AND lease_owner = $2`,
    [job.id, owner, attempt, new Date(runAtMs), JSON.stringify(error ?? null)],
  );
  return (rowCount ?? 0) > 0;
}

/** Ends the run (completed with its output, or failed with its error) and drops any jobs it still had. */
export async function finishRun(
  db: ExecutorDb,
  q: Queryable,
  job: ActiveJob,
  owner: string,
  outcome: { status: "completed"; output: unknown } | { status: "failed"; error: unknown },
  nowMs: number,
): Promise<boolean> {
  const { rows } = await q.query<{ done: boolean }>(
    `WITH del AS (DELETE FROM ${db.t("jobs")} WHERE id = $1 AND lease_owner = $2 RETURNING run_id),
     rest AS (DELETE FROM ${db.t("jobs")} WHERE run_id = $3 AND id <> $1 AND EXISTS (SELECT 1 FROM del)),
     upd AS (
       UPDATE ${db.t("runs")} SET status = $4, output = $5::jsonb, error = $6::jsonb, ended_at = $7, outstanding = 0
       WHERE id = $3 AND status = 'running' AND EXISTS (SELECT 1 FROM del) RETURNING id)
     SELECT EXISTS (SELECT 1 FROM upd) AS done`,
    [
      job.id,
      owner,
      job.runId,
      outcome.status,
      outcome.status === "completed" ? JSON.stringify(outcome.output ?? null) : null,
      outcome.status === "failed" ? JSON.stringify(outcome.error ?? null) : null,
      new Date(nowMs),
    ],
  );
  return rows[0].done;
}

/** Extends the leases of the calls in flight (and this executor's heartbeat). */
export async function renewLeases(
  db: ExecutorDb,
  owner: string,
  jobIds: string[],
  nowMs: number,
  leaseMs: number,
): Promise<void> {
  await db.query(
    `WITH beat AS (UPDATE ${db.t("instances")} SET heartbeat_at = $4 WHERE id = $1)
     UPDATE ${db.t("jobs")} SET lease_until = $3 WHERE lease_owner = $1 AND id = ANY($2::bigint[])`,
    [owner, jobIds, new Date(nowMs + leaseMs), new Date(nowMs)],
  );
}

/** Frees leases so that any executor may take the jobs now (clean shutdown, or a dead predecessor's). */
export async function releaseLeases(db: ExecutorDb, owners: string[], jobIds?: string[]): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE ${db.t("jobs")} SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ANY($1::text[]) AND ($2::bigint[] IS NULL OR id = ANY($2::bigint[]))`,
    [owners, jobIds ?? null],
  );
  return rowCount ?? 0;
}

/** How much work is left: queued jobs (due or not) and runs not finished. */
export async function queueState(db: ExecutorDb): Promise<{ jobs: number; running: number }> {
  const { rows } = await db.query<{ jobs: string; running: string }>(
    `SELECT (SELECT count(*) FROM ${db.t("jobs")}) AS jobs, (SELECT count(*) FROM ${db.t("runs")} WHERE status = 'running') AS running`,
  );
  return { jobs: Number(rows[0].jobs), running: Number(rows[0].running) };
}

/** Deletes finished runs, old events and expired dedupe keys; keeps each cron function's last tick. */
export async function pruneHistory(
  db: ExecutorDb,
  nowMs: number,
  retentionMs: number,
  dedupeMs: number,
): Promise<void> {
  const cutoff = new Date(nowMs - retentionMs);
  const dedupeCutoff = new Date(nowMs - dedupeMs);
  await db.query(
    `WITH old AS (DELETE FROM ${db.t("runs")} WHERE ended_at < $1 RETURNING id),
     steps AS (DELETE FROM ${db.t("run_steps")} WHERE run_id IN (SELECT id FROM old)),
     events AS (DELETE FROM ${db.t("events")} e WHERE received_at < $1 AND NOT EXISTS (SELECT 1 FROM ${db.t("runs")} r WHERE r.event_id = e.id AND r.status = 'running')),
     ids AS (DELETE FROM ${db.t("event_ids")} WHERE seen_at < $2),
     keys AS (DELETE FROM ${db.t("idempotency_keys")} WHERE seen_at < $2)
     DELETE FROM ${db.t("cron_ticks")} t WHERE fire_at < $1 AND fire_at < (SELECT max(fire_at) FROM ${db.t("cron_ticks")} u WHERE u.function_id = t.function_id)`,
    [cutoff, dedupeCutoff],
  );
}
