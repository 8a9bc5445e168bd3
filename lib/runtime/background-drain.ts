/**
 * A background job that drains a queue in steps: `kick()` runs it soon, a sweep runs it every
 * `sweepMs` (for work a crash or an outage left behind), and a kick that arrives while it runs makes it
 * go round once more instead of being lost. One per process (kept on globalThis, so `next dev` reloads
 * do not start a second sweep). `step` returns whether there may be more to do.
 */
interface DrainState {
  timer?: NodeJS.Timeout;
  running?: boolean;
  again?: boolean;
}

export function backgroundDrain(name: string, step: () => Promise<boolean>, sweepMs: number): { kick(): void } {
  const states = ((globalThis as unknown as { cairnDrains?: Record<string, DrainState> }).cairnDrains ??= {});
  const state = (states[name] ??= {});

  async function run(): Promise<void> {
    if (state.running) {
      state.again = true;
      return;
    }
    state.running = true;
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
      setImmediate(() => void run());
      if (!state.timer) {
        state.timer = setInterval(() => void run(), sweepMs);
        state.timer.unref();
      }
    },
  };
}
