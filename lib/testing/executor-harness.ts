import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Inngest, InngestFunction } from "inngest";
import { serve } from "inngest/next";
import pg from "pg";
import { startExecutor, type ExecutorOptions, type RunningExecutor } from "../../inngest/executor/executor";

/**
 * Helpers for the embedded executor's tests (inngest/executor/*.int.test.ts): the app side is the real
 * SDK serve handler from `inngest/next` (as app/api/inngest/route.ts uses it) on a real HTTP server, and
 * each executor gets a Postgres schema of its own so test files never share a queue.
 */

type Handler = (request: Request, context?: unknown) => Promise<Response>;

/** Serves `functions` at http://127.0.0.1:<free port>/api/inngest through `serve()` from inngest/next. */
export async function serveFunctions(client: Inngest.Any, functions: InngestFunction.Any[]): Promise<{ url: string; close(): Promise<void> }> {
  const handler = serve({ client, functions }) as unknown as Record<"GET" | "POST" | "PUT", Handler>;
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
      const method = req.method as "GET" | "POST" | "PUT";
      if (url.pathname !== "/api/inngest" || !handler[method]) {
        res.writeHead(404).end();
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      const response = await handler[method](new Request(url, { method, headers, body }), { params: Promise.resolve({}) });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      res.writeHead(500, { "content-type": "text/plain" }).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/inngest`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function uniqueSchema(prefix = "cairn_executor_test"): string {
  return `${prefix}_${randomBytes(4).toString("hex")}`;
}

/** An executor for tests: its own schema, any free port, quick polling and test-sized retry delays. */
export async function startTestExecutor(options: Partial<ExecutorOptions> = {}): Promise<RunningExecutor & { schema: string }> {
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
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
