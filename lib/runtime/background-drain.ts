/**
 * A background job that drains a queue in steps: `kick()` runs it soon, a sweep runs it every
 * `sweepMs` (for work a crash or an outage left behind), and a kick that arrives while it runs makes it
 * go round once more instead of being lost. One per process (kept on globalThis, so `next dev` reloads
 * do not start a second sweep). `step` returns whether there may be more to do.
 *
 * `minIntervalMs` coalesces kicks for work nobody waits on: a kick then runs the job no sooner than that
 * long after the previous run started, so twenty ingest requests a second cost a few runs over larger
 * batches instead of twenty runs of a few statements each.
 */
interface DrainState {
  timer?: NodeJS.Timeout;
  pending?: NodeJS.Timeout;
  running?: boolean;
  again?: boolean;
  lastStartedAt?: number;
}

export function backgroundDrain(
  name: string,
  step: () => Promise<boolean>,
  sweepMs: number,
  minIntervalMs = 0,
): { kick(): void } {
  const states = ((globalThis as unknown as { cairnDrains?: Record<string, DrainState> }).cairnDrains ??= {});
  const state = (states[name] ??= {});

  async function run(): Promise<void> {
    if (state.running) {
      state.again = true;
      return;
    }
    state.running = true;
    state.lastStartedAt = Date.now();
    try {
      do {
        state.again = false;
        while (await step()) {
          // keep draining
        }
      } while (state.again);
    } catch (error) {
      console.error(`[cairn] ${name} failed; will retry`, error);
    } finally {
      state.running = false;
    }
  }

  return {
    kick() {
      if (!state.timer) {
        state.timer = setInterval(() => void run(), sweepMs);
        state.timer.unref();
      }
      if (!minIntervalMs) {
        setImmediate(() => void run());
        return;
      }
      if (state.pending) return; // a run is already on its way, and it will see this kick's work
      const wait = Math.max(0, (state.lastStartedAt ?? 0) + minIntervalMs - Date.now());
      state.pending = setTimeout(() => {
        state.pending = undefined;
        void run();
      }, wait);
    },
  };
}
