import { randomBytes } from "node:crypto";
import type { Inngest, InngestFunction } from "inngest";
import { serve } from "inngest/next";
import pg from "pg";
import { serveTarget } from "../../inngest/serve-target";
import { startExecutor, type ExecutorOptions, type RunningExecutor } from "../../inngest/executor/executor";
import { serveRoutes } from "./serve-routes";

/**
 * Helpers for the embedded executor's tests (inngest/executor/*.int.test.ts): the app side is the real
 * SDK serve handler from `inngest/next` (as app/api/inngest/route.ts uses it) on a real HTTP server, and
 * each executor gets a Postgres schema of its own so test files never share a queue.
 */

type Handler = (request: Request, context?: unknown) => Promise<Response>;

/**
 * Serves `functions` at http://127.0.0.1:<free port>/api/inngest through `serve()` from inngest/next. The
 * request keeps the Host header it came with, as Next.js hands it to the route. `pinOrigin`: the serve
 * handler is configured as app/api/inngest/route.ts configures it (serveTarget, with INNGEST_SERVE_ORIGIN
 * set to this server's origin), so a sync registers this URL whatever Host a request names.
 */
export async function serveFunctions(
  client: Inngest.Any,
  functions: InngestFunction.Any[],
  options: { pinOrigin?: boolean } = {},
): Promise<{ url: string; close(): Promise<void> }> {
  let handler: Record<string, Handler | undefined> | undefined;
  const served = await serveRoutes({
    "/api/inngest": (request, context) => {
      handler ??= serve({
        client,
        functions,
        ...(options.pinOrigin ? serveTarget({ INNGEST_SERVE_ORIGIN: served.url }) : {}),
      }) as unknown as Record<string, Handler | undefined>;
      const method = handler[request.method];
      return method ? method(request, context) : Promise.resolve(new Response(null, { status: 404 }));
    },
  });
  return { url: `${served.url}/api/inngest`, close: served.close };
}

export function uniqueSchema(prefix = "cairn_executor_test"): string {
  return `${prefix}_${randomBytes(4).toString("hex")}`;
}

/** An executor for tests: its own schema, any free port, quick polling and test-sized retry delays. */
export async function startTestExecutor(
  options: Partial<ExecutorOptions> = {},
): Promise<RunningExecutor & { schema: string }> {
  const schema = options.schema ?? uniqueSchema();
  const executor = await startExecutor({
    databaseUrl: process.env.DATABASE_URL!,
    port: 0,
    pollMs: 50,
    retryDelayMs: () => 50,
    unreachableRetryMs: 100,
    log: () => {},
    ...options,
    schema,
  });
  return Object.assign(executor, { schema });
}

export async function dropSchema(schema: string): Promise<void> {
  await withDatabase((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
}

export async function withDatabase<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface StoredRun {
  id: string;
  function_id: string;
  status: "running" | "completed" | "failed";
  output: unknown;
  error: { name?: string; message?: string } | null;
  event: { name: string; data: Record<string, unknown>; id: string };
}

/** The runs of one function (oldest first), with their trigger event, read from the executor's schema. */
export function runsOf(schema: string, functionId: string): Promise<StoredRun[]> {
  return withDatabase(async (client) => {
    const { rows } = await client.query<StoredRun>(
      `SELECT r.id, r.function_id, r.status, r.output, r.error, e.payload AS event
       FROM "${schema}".runs r JOIN "${schema}".events e ON e.id = r.event_id WHERE r.function_id = $1 ORDER BY r.created_at, r.id`,
      [functionId],
    );
    return rows;
  });
}

/** Polls `check` until it returns a value (not undefined/false) or `timeoutMs` passes. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
