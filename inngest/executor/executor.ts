import { randomBytes } from "node:crypto";
import os from "node:os";
import { AppUnreachableError, request } from "./app-client";
import { retryDelayMs as inngestRetryDelayMs } from "./backoff";
import type { ExecutorContext } from "./context";
import { CronScheduler } from "./cron-scheduler";
import { Dispatcher } from "./dispatcher";
import type { IncomingEvent } from "./event-payload";
import { startHttpServer } from "./http-server";
import { AppUrlAllowList } from "./registration";
import { FunctionRegistry } from "./registry";
import { planRuns } from "./run-planning";
import { DEFAULT_SCHEMA, ExecutorDb, type Queryable } from "./store/db";
import { DEDUPE_WINDOW_MS, storeEventsAndRuns } from "./store/intake-store";
import { registerInstance, unregisterInstance } from "./store/instance-store";
import { pruneHistory, queueState } from "./store/queue-store";
import { loadRegistry, registryGeneration, saveRegistration } from "./store/registry-store";
import { migrateExecutorSchema } from "./store/schema";

export interface ExecutorOptions {
  /** The Postgres database holding the executor's schema (the app's database is fine). */
  databaseUrl: string;
  /** Port for the Inngest API (default 8288; 0 = any free port). */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** The app's serve endpoint (e.g. http://127.0.0.1:3000/api/inngest), the default target of sync(). */
  appUrl?: string;
  /**
   * Further serve endpoints apps may register (besides appUrl and the URLs sync() is asked to sync). A
   * registration naming any other URL is refused with a 403 and changes nothing.
   */
  allowedAppUrls?: string[];
  /** The clock, in epoch ms (default Date.now): leases, backoff, cron. */
  now?: () => number;
  /** How often to look for work created by other processes (default 200 ms). */
  pollMs?: number;
  /** Calls to the app in flight at once (default 16). */
  concurrency?: number;
  /** Cron triggers of `* * * * *` tick every second (see cron-scheduler.ts). Default false. */
  cronEverySecond?: boolean;
  /** Postgres schema for the executor's tables (default cairn_executor; tests use their own). */
  schema?: string;
  /** How long a claimed call is reserved before another executor may take it over (default 30 s). */
  leaseMs?: number;
  /** Delay before retry n (0 = first); default Inngest's schedule 15s, 30s, 1m … 2h + jitter. For tests. */
  retryDelayMs?: (retryIndex: number) => number;
  /** Delay before calling an app that did not answer again (default 1 s). */
  unreachableRetryMs?: number;
  /** Longest a single call to the app may take (default 2 h, Inngest's step timeout). */
  callTimeoutMs?: number;
  /** Sign calls with this key (X-Inngest-Signature), so the app's serve endpoint can run in cloud mode. */
  signingKey?: string;
  /** Require this event key on /e/ (default: accept any, as the dev server does). */
  eventKey?: string;
  /** Keep finished runs and their events this long (default 3 days). */
  retentionMs?: number;
  /** Connections to the database (default 6). */
  dbPoolSize?: number;
  /** Where log lines go (default console.log with an "[executor]" prefix). */
  log?: (line: string) => void;
}

export interface RunningExecutor {
  /** Base URL of the Inngest API, with a trailing slash: what INNGEST_BASE_URL should be. */
  url: string;
  port: number;
  instanceId: string;
  /** PUTs the app's serve endpoint (default: options.appUrl); the SDK then registers its functions with us. */
  sync(appUrl?: string): Promise<{ message: string }>;
  /** Resolves when no job is queued and no call is in flight (all runs finished or failed). */
  waitIdle(timeoutMs?: number): Promise<void>;
  /** Same as waitIdle. */
  drain(timeoutMs?: number): Promise<void>;
  /** Stops taking work, lets calls in flight finish (up to graceMs, default 10 s), then closes. */
  stop(graceMs?: number): Promise<void>;
}

export async function startExecutor(options: ExecutorOptions): Promise<RunningExecutor> {
  const log = options.log ?? ((line: string) => console.log(`[executor] ${line}`));
  const now = options.now ?? Date.now;
  const leaseMs = options.leaseMs ?? 30_000;
  const db = new ExecutorDb(options.databaseUrl, options.schema ?? DEFAULT_SCHEMA, options.dbPoolSize ?? 6);
  const instanceId = `${os.hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  const registry = new FunctionRegistry();
  // The apps whose serve endpoints this executor will call; a sync for any other URL is refused.
  const allowedApps = new AppUrlAllowList([
    ...(options.appUrl ? [options.appUrl] : []),
    ...(options.allowedAppUrls ?? []),
  ]);
  const timers: NodeJS.Timeout[] = [];

  try {
    await migrateExecutorSchema(db);
    await registerInstance(db, instanceId, now(), leaseMs * 3, log);
    const stored = await loadRegistry(db);
    registry.replaceFromStore(stored.functions, stored.generation, log);
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }

  const reloadRegistry = async () => {
    const fresh = await loadRegistry(db);
    registry.replaceFromStore(fresh.functions, fresh.generation, log);
  };

  const intake = async (events: IncomingEvent[], q?: Queryable) => {
    const at = now();
    return storeEventsAndRuns(db, q ?? db, events, planRuns(events, registry, at), at);
  };
  // The context's wake/wakeAt call the dispatcher created just below (never before it exists).
  const ctx: ExecutorContext = {
    db,
    registry,
    owner: instanceId,
    now,
    leaseMs,
    retryDelayMs: options.retryDelayMs ?? ((n) => inngestRetryDelayMs(n)),
    unreachableRetryMs: options.unreachableRetryMs ?? 1000,
    callTimeoutMs: options.callTimeoutMs ?? 2 * 3600 * 1000,
    signingKey: options.signingKey,
    log,
    findFunction: async (id) => {
      if (!registry.get(id)) await reloadRegistry();
      return registry.get(id);
    },
    wake: () => dispatcher.wake(),
    wakeAt: (at) => dispatcher.wakeAt(at),
    intake,
  };
  const dispatcher = new Dispatcher(ctx, options.concurrency ?? 16, options.pollMs ?? 200);
  const cron = new CronScheduler(ctx, options.cronEverySecond ?? false);

  const { server, port } = await startHttpServer(
    {
      now,
      eventKey: options.eventKey,
      signingKey: options.signingKey,
      log,
      intake: async (events) => {
        const result = await intake(events);
        if (result.runIds.length) dispatcher.wake();
        return result;
      },
      register: async (registration) => {
        allowedApps.check(registration);
        await saveRegistration(db, registration, now());
        await reloadRegistry();
        log(`synced app "${registration.appName}" (${registration.functions.length} functions) at ${registration.url}`);
      },
      health: () => ({ instance: instanceId, functions: registry.all().length, inflight: dispatcher.inflightCount }),
    },
    options.port ?? 8288,
    options.host ?? "127.0.0.1",
  ).catch(async (error) => {
    await unregisterInstance(db, instanceId).catch(() => {});
    await db.close().catch(() => {});
    throw error;
  });
  const url = `http://${options.host ?? "127.0.0.1"}:${port}/`;

  dispatcher.start();
  await cron.start();
  // A sync on another executor changes the registry generation; pick it up within a second.
  const refresh = setInterval(() => {
    registryGeneration(db)
      .then((generation) => (generation !== registry.generation ? reloadRegistry() : undefined))
      .catch((error) => log(`registry refresh failed: ${(error as Error).message}`));
  }, 1000);
  const prune = setInterval(
    () =>
      void pruneHistory(db, now(), options.retentionMs ?? 3 * 24 * 3600 * 1000, DEDUPE_WINDOW_MS).catch((error) =>
        log(`pruning history failed: ${(error as Error).message}`),
      ),
    10 * 60 * 1000,
  );
  timers.push(refresh, prune);
  for (const timer of timers) timer.unref();

  const waitIdle = async (timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await dispatcher.quiet();
      const state = await queueState(db);
      if (state.jobs === 0 && dispatcher.inflightCount === 0) return;
      if (Date.now() > deadline)
        throw new Error(
          `executor not idle after ${timeoutMs} ms: ${state.jobs} jobs queued, ${state.running} runs running`,
        );
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    instanceId,

    async sync(appUrl = options.appUrl) {
      if (!appUrl) throw new Error("sync() needs the app's serve endpoint URL (appUrl)");
      // Syncing an app is this process's own decision (not a request from the network): its URL may register.
      allowedApps.add(appUrl);
      const response = await request("PUT", appUrl, undefined, {}, 60_000);
      let message = response.body;
      try {
        message = (JSON.parse(response.body) as { message?: string }).message ?? response.body;
      } catch {
        // not JSON: keep the text
      }
      if (response.status !== 200)
        throw new SyncError(
          response.status,
          `Sync of ${appUrl} failed (HTTP ${response.status}): ${message.slice(0, 2000)}`,
        );
      return { message };
    },

    waitIdle,
    drain: waitIdle,

    stop(graceMs = 10_000) {
      stopped ??= (async () => {
        cron.stop();
        for (const timer of timers) clearInterval(timer);
        // The event API stays up while calls finish: their steps may send events (step.sendEvent).
        const abandoned = await dispatcher.stop(graceMs);
        server.close();
        server.closeIdleConnections();
        if (abandoned.length)
          log(
            `stopping with ${abandoned.length} call(s) still in flight; their jobs are released for the next executor`,
          );
        await unregisterInstance(db, instanceId).catch((error) =>
          log(`releasing leases failed: ${(error as Error).message}`),
        );
        await db.close();
        server.closeAllConnections();
      })();
      return stopped;
    },
  };
}

export class SyncError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "SyncError";
  }
}

export { AppUnreachableError };

/**
 * Syncs the app, waiting for it to come up (next dev may take a while to compile the route): retries
 * while it is unreachable or answers an error, with backoff up to 5 s. A 400 (functions rejected) is
 * logged and not retried: it needs a code change. Resolves once synced, rejected, or stopped.
 */
export async function syncWhenReady(
  executor: Pick<RunningExecutor, "sync">,
  appUrl: string,
  options: { log?: (line: string) => void; stopped?: () => boolean } = {},
): Promise<boolean> {
  const log = options.log ?? ((line: string) => console.log(`[executor] ${line}`));
  let waiting = false;
  for (let delay = 250; !options.stopped?.(); delay = Math.min(delay * 2, 5000)) {
    try {
      const { message } = await executor.sync(appUrl);
      log(`sync of ${appUrl}: ${message}`);
      return true;
    } catch (error) {
      if (error instanceof SyncError && error.status === 400) {
        log(`the app's functions were rejected; fix them and restart (or sync again): ${error.message}`);
        return false;
      }
      if (!(error instanceof AppUnreachableError) && !(error instanceof SyncError)) throw error;
      if (!waiting) {
        waiting = true;
        log(`waiting for the app at ${appUrl} (${error.message})`);
      }
    }
    await new Promise((r) => setTimeout(r, delay));
  }
  return false;
}
