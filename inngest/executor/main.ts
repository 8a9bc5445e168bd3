/**
 * Cairn's embedded Inngest executor: stands in for the Inngest server on one machine (the Inngest Dev
 * Server cannot run here), speaking the HTTP protocol of the `inngest` SDK (4.24.0) to the app's real
 * serve endpoint, so the same function files run unchanged on Inngest Cloud and here.
 *
 * Implements:
 *   - Event API `POST /e/:key` (one event or an array; committed before the answer; a sender's event
 *     `id` is deduplicated for 24 h; an SDK retry of the same send is stored once) and `GET /health`.
 *   - Registration: `POST /fn/register` (the SDK sends it when its serve endpoint gets a PUT); a re-sync
 *     replaces the app's functions. Configs this executor cannot honour are rejected with a 400 naming
 *     the function and the feature.
 *   - Triggers: event names (exact, or a `prefix*` wildcard) with optional `if` expressions (a CEL
 *     subset: paths, literals, + == != < <= > >= && || !), and cron (5 fields, or 6 with seconds; UTC).
 *   - Steps: step.run (and other SDK-local steps such as step.ai.wrap), step.sendEvent, parallel steps
 *     (Promise.all), memoization, retries with Inngest's backoff (15s … 2h + jitter; `retries` count;
 *     Retry-After / RetryAfterError honoured), NonRetriableError, the final step error handed back to
 *     the function as Inngest does, onFailure handlers (`inngest/function.failed`).
 *   - Flow control: concurrency limits (up to two, with `key` expressions and fn/env/account scope),
 *     counted over executing calls across all executors sharing the database; idempotency keys (24 h).
 *   - Durability: everything lives in Postgres schema `cairn_executor` (own versioned migrations).
 *     Calls are leased (30 s, renewed while in flight); work of a killed executor is taken over when
 *     its lease lapses, or at once by the next executor started on the same host.
 *   - Optional request signing (`INNGEST_SIGNING_KEY`), so the app's serve endpoint can run in cloud mode.
 *
 * Does not implement (a function using these is rejected at sync, or its run fails naming the op):
 *   step.sleep / sleepUntil, step.waitForEvent, step.waitForSignal / sendSignal, step.invoke,
 *   step.ai.infer, step.fetch, step.realtime.publish, defer(); batchEvents, rateLimit, throttle,
 *   debounce, priority, cancelOn, singleton, timeouts, cron jitter and time zones other than UTC;
 *   connect (websocket) workers; the REST API (runs, replays), the dashboard; `inngest/function.finished`.
 *
 * Environment: DATABASE_URL (required), CAIRN_EXECUTOR_PORT (default 8288), CAIRN_EXECUTOR_APP_URL (the
 * serve endpoint to sync, e.g. http://127.0.0.1:3000/api/inngest), CAIRN_EXECUTOR_HOST (default
 * 127.0.0.1), CAIRN_EXECUTOR_CONCURRENCY (default 16), CAIRN_EXECUTOR_CRON_EVERY_SECOND=1,
 * CAIRN_EXECUTOR_SCHEMA (default cairn_executor), INNGEST_SIGNING_KEY, INNGEST_EVENT_KEY (optional),
 * CAIRN_EXECUTOR_ALLOWED_APP_URLS (further serve endpoints apps may register, comma-separated).
 *
 * Only the serve endpoints CAIRN_EXECUTOR_APP_URL and CAIRN_EXECUTOR_ALLOWED_APP_URLS name may register:
 * a sync that names any other URL (an SDK tricked by a forged Host header into registering an attacker's
 * URL, signed with the real key) is refused with a 403 and changes nothing.
 *
 * Run: node --import tsx inngest/executor/main.ts
 */
import { startExecutor, syncWhenReady } from "./executor";
import { parseAllowedAppUrls } from "./registration";

const log = (line: string) => console.log(`[executor] ${line}`);

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return value;
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error("DATABASE_URL is not set");
  const appUrl = process.env.CAIRN_EXECUTOR_APP_URL || undefined;
  const allowedAppUrls = parseAllowedAppUrls(process.env.CAIRN_EXECUTOR_ALLOWED_APP_URLS);
  const executor = await startExecutor({
    databaseUrl,
    port: intFromEnv("CAIRN_EXECUTOR_PORT", 8288),
    host: process.env.CAIRN_EXECUTOR_HOST || "127.0.0.1",
    appUrl,
    allowedAppUrls,
    concurrency: intFromEnv("CAIRN_EXECUTOR_CONCURRENCY", 16) || 16,
    cronEverySecond: process.env.CAIRN_EXECUTOR_CRON_EVERY_SECOND === "1",
    schema: process.env.CAIRN_EXECUTOR_SCHEMA || undefined,
    signingKey: process.env.INNGEST_SIGNING_KEY || undefined,
    eventKey: process.env.INNGEST_EVENT_KEY || undefined,
    log,
  });
  log(`listening on ${executor.url} (instance ${executor.instanceId})`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: finishing calls in flight`);
    executor.stop(10_000).then(
      () => process.exit(0),
      (error) => {
        log(`stop failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));

  if (appUrl) await syncWhenReady(executor, appUrl, { log, stopped: () => stopping });
  else if (allowedAppUrls.length)
    log(
      `CAIRN_EXECUTOR_APP_URL is not set: waiting for one of ${allowedAppUrls.join(", ")} to sync (PUT its serve endpoint)`,
    );
  else
    log(
      "neither CAIRN_EXECUTOR_APP_URL nor CAIRN_EXECUTOR_ALLOWED_APP_URLS is set: no app may register, so only functions synced before run",
    );
}

main().catch((error) => {
  log(`failed to start: ${(error as Error).message}`);
  process.exit(1);
});
