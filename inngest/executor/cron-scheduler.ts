import type { ExecutorContext } from "./context";
import { dueTick, nextFireTime, parseCron, type CronSchedule } from "./cron";
import { parseEvents } from "./event-payload";
import type { FunctionDefinition } from "./registration";
import { planRun } from "./run-planning";
import { lastCronTicks, storeEventsAndRuns } from "./store/intake-store";
import { seededUlid } from "./ulid";

export const CRON_EVENT = "inngest/scheduled.timer";
const EVERY_SECOND = parseCron("* * * * * *");

/**
 * Fires cron triggers: at each tick, the event `inngest/scheduled.timer` with data
 * `{ cron, scheduledAt, fireAt }` and a run of that function only. A tick is stored as a
 * (function, fire time) row in the same statement as its run, so it fires once even with several
 * executors; after downtime, missed ticks collapse into a single catch-up tick.
 *
 * `everySecond`: a function whose cron is every minute (`* * * * *`, the finest Inngest Cloud allows)
 * ticks every second instead, so one function file can drive a once-a-second tick locally.
 */
export class CronScheduler {
  private cursors = new Map<string, number>();
  private lastFired = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private running = false;

  constructor(
    private ctx: ExecutorContext,
    private everySecond: boolean,
  ) {}

  async start(): Promise<void> {
    this.lastFired = await lastCronTicks(this.ctx.db);
    void this.tick();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(cron: string, parsed: CronSchedule): CronSchedule {
    return this.everySecond && cron.trim() === "* * * * *" ? EVERY_SECOND : parsed;
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.running) return;
    this.running = true;
    let wait = 1000;
    try {
      const now = this.ctx.now();
      for (const fn of this.ctx.registry.all()) {
        for (const trigger of fn.cronTriggers) {
          const key = `${fn.id}\u0000${trigger.cron}`;
          const schedule = this.schedule(trigger.cron, trigger.schedule);
          // Resume from the last tick stored (any executor); a function seen for the first time starts now.
          const cursor = Math.max(this.cursors.get(key) ?? -Infinity, this.lastFired.get(fn.id) ?? -Infinity);
          const from = Number.isFinite(cursor) ? cursor : now;
          const due = dueTick(schedule, from, now);
          if (due !== undefined) {
            await this.fire(fn, trigger.cron, due);
            this.cursors.set(key, due);
          } else this.cursors.set(key, from);
          const next = nextFireTime(schedule, this.cursors.get(key)!);
          if (next !== undefined) wait = Math.min(wait, next - this.ctx.now());
        }
      }
    } catch (error) {
      this.ctx.log(`cron tick failed (will retry): ${(error as Error).message}`);
    } finally {
      this.running = false;
      if (!this.stopped) {
        this.timer = setTimeout(() => void this.tick(), Math.max(5, wait + 2));
        this.timer.unref();
      }
    }
  }

  private async fire(fn: FunctionDefinition, cron: string, tickMs: number): Promise<void> {
    const at = new Date(tickMs).toISOString();
    const [event] = parseEvents(
      JSON.stringify({ name: CRON_EVENT, data: { cron, scheduledAt: at, fireAt: at }, ts: tickMs }),
      { nowMs: this.ctx.now() },
    );
    event.internalId = seededUlid(tickMs, `${fn.id}@${at}`);
    event.payload.id = event.internalId;
    const run = planRun(fn, event, this.ctx.now());
    const result = await storeEventsAndRuns(this.ctx.db, this.ctx.db, [event], [run], this.ctx.now(), {
      functionId: fn.id,
      fireAtMs: tickMs,
    });
    this.lastFired.set(fn.id, tickMs);
    if (result.runIds.length) this.ctx.wake();
  }
}
