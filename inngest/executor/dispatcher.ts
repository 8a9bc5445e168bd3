import type { ExecutorContext } from "./context";
import { runJob } from "./run-step";
import { claimLimited, claimUnlimited, releaseLeases, renewLeases, type ActiveJob } from "./store/queue-store";

/**
 * Keeps up to `concurrency` calls to the app in flight. Work is claimed from the database when this
 * process knows there is some (an event arrived, a step finished, a retry fell due: `wake()`), and
 * every `pollMs` as the fallback for work created by other processes. A run's next call, when this
 * executor created it, is made directly by the same worker without going through the queue.
 */
export class Dispatcher {
  private inflight = new Map<number, ActiveJob>();
  private nextWorker = 0;
  private claiming = false;
  private wakeRequested = false;
  private stopping = false;
  private timers = new Set<NodeJS.Timeout>();
  private pollTimer?: NodeJS.Timeout;
  private renewTimer?: NodeJS.Timeout;
  private lastLimitedSweep = 0;
  private lastClaimErrorLog = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private ctx: ExecutorContext,
    private concurrency: number,
    private pollMs: number,
  ) {}

  start(): void {
    this.pollTimer = setInterval(() => this.wake(), this.pollMs);
    this.renewTimer = setInterval(() => void this.renew(), Math.max(1000, Math.floor(this.ctx.leaseMs / 3)));
    this.wake();
  }

  get inflightCount(): number {
    return this.inflight.size;
  }

  wake(): void {
    if (this.stopping) return;
    if (this.claiming) {
      this.wakeRequested = true;
      return;
    }
    void this.fill();
  }

  wakeAt(atMs: number): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.wake();
      },
      Math.max(0, atMs - this.ctx.now()) + 5,
    );
    timer.unref();
    this.timers.add(timer);
  }

  private async fill(): Promise<void> {
    this.claiming = true;
    try {
      for (;;) {
        this.wakeRequested = false;
        const free = this.concurrency - this.inflight.size;
        if (free <= 0 || this.stopping) break;
        const now = this.ctx.now();
        let jobs = await claimUnlimited(this.ctx.db, this.ctx.owner, free, now, this.ctx.leaseMs);
        // Jobs with concurrency slots take a costlier claim; skip it unless a registered function has
        // limits, except for an occasional sweep (jobs of a function that has since lost its limits).
        if (jobs.length < free && (this.ctx.registry.hasConcurrencyLimits || now - this.lastLimitedSweep > 5000)) {
          this.lastLimitedSweep = now;
          jobs = jobs.concat(
            await claimLimited(this.ctx.db, this.ctx.owner, free - jobs.length, now, this.ctx.leaseMs),
          );
        }
        for (const job of jobs) this.startWorker(job);
        if (jobs.length < free && !this.wakeRequested) break;
      }
    } catch (error) {
      // The database being away is retried every poll; say so now and then, not five times a second.
      if (Date.now() - this.lastClaimErrorLog > 10_000) {
        this.lastClaimErrorLog = Date.now();
        this.ctx.log(`claiming work failed (will retry): ${(error as Error).message}`);
      }
    } finally {
      this.claiming = false;
      this.notifyIfIdle();
    }
  }

  private startWorker(first: ActiveJob): void {
    const worker = this.nextWorker++;
    this.inflight.set(worker, first);
    void (async () => {
      let job: ActiveJob | undefined = first;
      try {
        while (job) {
          this.inflight.set(worker, job);
          const next: ActiveJob | undefined = await runJob(this.ctx, job);
          if (next && this.stopping) {
            await releaseLeases(this.ctx.db, [this.ctx.owner], [next.id]); // let the next executor make it
            break;
          }
          job = next;
        }
      } catch (error) {
        // A database error mid-run: the job keeps its lease, which lapses, and it is retried then.
        this.ctx.log(`job ${job?.id} of run ${job?.runId} interrupted: ${(error as Error).message}`);
      } finally {
        this.inflight.delete(worker);
        this.wake();
      }
    })();
  }

  private async renew(): Promise<void> {
    try {
      await renewLeases(
        this.ctx.db,
        this.ctx.owner,
        [...this.inflight.values()].map((j) => j.id),
        this.ctx.now(),
        this.ctx.leaseMs,
      );
    } catch (error) {
      this.ctx.log(`renewing leases failed: ${(error as Error).message}`);
    }
  }

  /** Resolves when nothing is in flight and no claim is running (the queue may still hold future work). */
  quiet(): Promise<void> {
    if (!this.inflight.size && !this.claiming) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private notifyIfIdle(): void {
    if (this.inflight.size || this.claiming) return;
    const waiters = this.idleWaiters.splice(0);
    for (const resolve of waiters) resolve();
  }

  /** Stops claiming; waits up to `graceMs` for calls in flight; returns the jobs still in flight then. */
  async stop(graceMs: number): Promise<ActiveJob[]> {
    this.stopping = true;
    clearInterval(this.pollTimer);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const deadline = Date.now() + graceMs;
    while ((this.inflight.size || this.claiming) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    clearInterval(this.renewTimer);
    return [...this.inflight.values()];
  }
}
