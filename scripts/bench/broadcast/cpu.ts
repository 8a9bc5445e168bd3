/**
 * CPU time of processes on this machine, from /proc/<pid>/stat (Linux), for the bench's "CPU share" figures:
 * the database server (the postmaster and its backends) and the Node processes that send.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

let ticksPerSecond: number | null = null;
function clockTicks(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

export interface ProcStat {
  pid: number;
  /** the command name, without its parentheses */
  comm: string;
  ppid: number;
  /** utime + stime of the process (all its threads), in ms */
  ownMs: number;
  /** cutime + cstime: children it waited for (a postmaster's exited backends), in ms */
  reapedMs: number;
}

/** The fields of one /proc/<pid>/stat line; the command name may hold spaces and parentheses, so split after the last ")". */
export function parseProcStat(line: string, ticks = clockTicks()): ProcStat {
  const pid = Number(line.slice(0, line.indexOf(" ")));
  const fields = line.slice(line.lastIndexOf(")") + 2).split(" ");
  // fields[0] is the state (field 3 of proc(5)); utime is field 14, so fields[11]
  const ms = (i: number) => (Number(fields[i]) * 1000) / ticks;
  const comm = line.slice(line.indexOf("(") + 1, line.lastIndexOf(")"));
  return { pid, comm, ppid: Number(fields[1]), ownMs: ms(11) + ms(12), reapedMs: ms(13) + ms(14) };
}

function readStat(pid: number): ProcStat | null {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return null; // gone, or not on this machine
  }
}

function allStats(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) stats.push(stat);
  }
  return stats;
}

/**
 * CPU ms used so far by `root` and every live descendant, plus what root reaped from children that exited
 * (so a backend that ends during the run still counts). `exclude`: subtrees left out (the SMTP sink).
 */
export function treeCpuMs(root: number, exclude: number[] = []): number | null {
  const stats = allStats();
  const rootStat = stats.find((s) => s.pid === root);
  if (!rootStat) return null;
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  let total = rootStat.reapedMs;
  const walk = (s: ProcStat) => {
    if (exclude.includes(s.pid)) return;
    total += s.ownMs;
    for (const child of children.get(s.pid) ?? []) walk(child);
  };
  walk(rootStat);
  return total;
}

/**
 * The postmaster of a backend (its parent), when that backend runs on this machine; else null (a server
 * elsewhere, or in another PID namespace, where the same number names some other process).
 */
export function postmasterOf(backendPid: number): number | null {
  const backend = readStat(backendPid);
  if (!backend || !backend.comm.startsWith("postgres")) return null;
  const postmaster = readStat(backend.ppid);
  return postmaster?.comm.startsWith("postgres") ? postmaster.pid : null;
}

/** CPU ms used so far by each of these processes (a process that is gone is left out). */
export function cpuOfPids(pids: readonly number[]): Map<number, number> {
  const used = new Map<number, number>();
  for (const pid of pids) {
    const stat = readStat(pid);
    if (stat) used.set(pid, stat.ownMs);
  }
  return used;
}

/**
 * CPU ms between two readings of a changing set of processes: a process read both times counts its difference, one
 * that appeared meanwhile all of its time (it started within the window), one that ended meanwhile nothing more.
 */
export function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}
