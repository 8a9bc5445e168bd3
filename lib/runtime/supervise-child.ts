import type { ChildProcess } from "node:child_process";

/**
 * Keeps a child process running: when it exits without being asked to, it is started again after a delay
 * that starts at `initialDelayMs` and doubles on each quick failure up to `maxDelayMs`; once a run stayed up
 * for `resetAfterMs`, the next failure starts from `initialDelayMs` again. So a crash costs a second, and a
 * child that cannot start (a broken config) retries every 30 s instead of spinning or stopping everything.
 *
 * Time is injected (`now`, `setTimer`/`clearTimer`) so tests move it instead of waiting for it.
 */
export interface SuperviseOptions {
  /** Starts the child (spawn); called again for every restart. */
  start: () => ChildProcess;
  /** Default 1 s. */
  initialDelayMs?: number;
  /** Default 30 s. */
  maxDelayMs?: number;
  /** A run that lasted this long counts as healthy: the delay goes back to the initial one. Default 60 s. */
  resetAfterMs?: number;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
  /** Told about each unexpected exit and the delay before the restart. */
  onExit?: (info: {
    code: number | null;
    signal: NodeJS.Signals | null;
    restartInMs: number;
    restarts: number;
  }) => void;
}

export interface SupervisedChild {
  /** The running child, or null between an exit and its restart (or after stop()). */
  readonly current: ChildProcess | null;
  /** How many times the child was started again. */
  readonly restarts: number;
  /** Stops supervising: no more restarts; the running child gets `signal` and is waited for. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function superviseChild(options: SuperviseOptions): SupervisedChild {
  const initial = options.initialDelayMs ?? 1000;
  const max = options.maxDelayMs ?? 30_000;
  const resetAfter = options.resetAfterMs ?? 60_000;
  const now = options.now ?? Date.now;
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as NodeJS.Timeout));

  let current: ChildProcess | null = null;
  let stopped = false;
  let delay = initial;
  let restarts = 0;
  let pending: unknown = null;

  const launch = () => {
    pending = null;
    if (stopped) return;
    const startedAt = now();
    const child = options.start();
    current = child;
    let ended = false;
    const onEnd = (code: number | null, signal: NodeJS.Signals | null) => {
      if (ended) return;
      ended = true;
      if (current === child) current = null;
      if (stopped) return;
      // A run that stayed up long enough was healthy: this failure starts the backoff over.
      if (now() - startedAt >= resetAfter) delay = initial;
      const wait = delay;
      delay = Math.min(delay * 2, max);
      options.onExit?.({ code, signal, restartInMs: wait, restarts });
      pending = setTimer(() => {
        restarts++;
        launch();
      }, wait);
    };
    child.once("exit", onEnd);
    // A child that could not be spawned at all reports an error and never exits: count it as an exit.
    child.once("error", () => {
      if (child.pid === undefined) onEnd(null, null);
    });
  };
  launch();

  return {
    get current() {
      return current;
    },
    get restarts() {
      return restarts;
    },
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      stopped = true;
      if (pending !== null) clearTimer(pending);
      pending = null;
      const child = current;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill(signal);
      await exited;
    },
  };
}
