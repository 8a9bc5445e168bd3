import os from "node:os";
import type { ExecutorDb } from "./db";
import { releaseLeases } from "./queue-store";

/**
 * Executor instances. A restarted executor frees the leases of a predecessor on the same host whose
 * process is gone (SIGKILL leaves no chance to release them), so its unfinished calls are retried at
 * once instead of after the lease expires. Instances elsewhere are judged by their heartbeat only.
 */
export async function registerInstance(
  db: ExecutorDb,
  id: string,
  nowMs: number,
  staleMs: number,
  log: (line: string) => void,
): Promise<void> {
  const host = os.hostname();
  const { rows } = await db.query<{ id: string; host: string; pid: number; heartbeat_at: Date }>(
    `SELECT id, host, pid, heartbeat_at FROM ${db.t("instances")}`,
  );
  const dead = rows
    .filter((r) => (r.host === host && !processAlive(r.pid)) || nowMs - r.heartbeat_at.getTime() > staleMs)
    .map((r) => r.id);
  if (dead.length) {
    const freed = await releaseLeases(db, dead);
    await db.query(`DELETE FROM ${db.t("instances")} WHERE id = ANY($1::text[])`, [dead]);
    if (freed) log(`freed ${freed} job lease(s) of ${dead.length} stopped executor instance(s)`);
  }
  await db.query(
    `INSERT INTO ${db.t("instances")} (id, host, pid, started_at, heartbeat_at) VALUES ($1, $2, $3, $4, $4)`,
    [id, host, process.pid, new Date(nowMs)],
  );
}

export async function unregisterInstance(db: ExecutorDb, id: string): Promise<void> {
  await releaseLeases(db, [id]);
  await db.query(`DELETE FROM ${db.t("instances")} WHERE id = $1`, [id]);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by someone else
  }
}
