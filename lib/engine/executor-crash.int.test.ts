import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../testing/free-port";
import { setUpFreshDatabase } from "../testing/fresh-database";

/**
 * The engine's own Inngest functions, served by the real `/api/inngest` route over HTTP, driven by the
 * embedded executor in a child process that is killed (SIGKILL) in the middle of a run and restarted:
 * every person still finishes the journey, with one webhook call and one message each.
 */

const PEOPLE = 24;
let executorPort: number;
let executor: ChildProcess | null = null;
let app: { url: string; close(): Promise<void> };
const schema = `cairn_executor_crash_${randomBytes(3).toString("hex")}`;

// Its own database: the executor runs every registered function, crons included (analytics rollups, segment
// checks, experiment evaluation), and on the shared database those would work through every workspace the
// other test files create. On PGlite, which runs one query at a time, that starved this test's webhook calls.
setUpFreshDatabase();

// Before the Inngest client is imported: it reads where to send events when it is created.
beforeAll(async () => {
  executorPort = await freePort();
  process.env.INNGEST_DEV = "1";
  process.env.INNGEST_BASE_URL = `http://127.0.0.1:${executorPort}/`;
  process.env.CAIRN_WAKE_DUE_CRON = "* * * * * *";
  const route = await import("@/app/api/inngest/route");
  const { serveRoutes } = await import("../testing/serve-routes");
  // The Next.js handlers take a NextRequest; the SDK reads only what a standard Request has.
  type Handler = (request: Request, context: unknown) => Promise<Response>;
  const handlers = { GET: route.GET, POST: route.POST, PUT: route.PUT } as unknown as Record<string, Handler>;
  app = await serveRoutes({ "/api/inngest": (request, context) => handlers[request.method](request, context) });
  process.env.INNGEST_SERVE_ORIGIN = app.url; // the route registers its configured origin, not the request's Host
});

afterAll(async () => {
  executor?.kill("SIGKILL");
  await app?.close();
});

function startExecutor(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join("inngest", "executor", "main.ts")], {
    env: {
      ...process.env,
      CAIRN_EXECUTOR_PORT: String(executorPort),
      CAIRN_EXECUTOR_APP_URL: `${app.url}/api/inngest`,
      CAIRN_EXECUTOR_SCHEMA: schema,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`executor exited with ${code}`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      if (process.env.CAIRN_TEST_EXECUTOR_LOG) process.stderr.write(chunk);
      if (chunk.toString().includes("synced app")) resolve(child);
    });
  });
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("the engine on the embedded executor, killed mid-run", () => {
  it("loses nobody and repeats no webhook call and no message after a restart", async () => {
    const { workspaceContextForApiKey } = await import("../api-keys/api-keys");
    const { ingestFixture } = await import("../testing/ingest-helpers");
    const { publishGraph, enrollmentsOf, messagesOf } = await import("../testing/engine-driver");
    const { ingest } = await import("../ingest/ingest");
    const { dispatchPendingEvents } = await import("../ingest/dispatch");
    const { inngest } = await import("@/lib/jobs");

    // A slow receiver, so that the kill lands while calls are in flight.
    const calls: string[] = [];
    const receiver = createServer((req, res) => {
      calls.push(String(req.headers["idempotency-key"]));
      setTimeout(() => res.end("ok"), 80);
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

    const ctx = await workspaceContextForApiKey((await ingestFixture("FULL")).key);
    const at = (y: number) => ({ x: 0, y });
    const { journeyId } = await publishGraph(ctx, {
      nodes: [
        { id: "trigger", type: "trigger.event", position: at(0), config: { eventName: "crash_test", filters: [] } },
        {
          id: "hook",
          type: "action.webhook",
          position: at(100),
          config: { url: hook, method: "POST", headers: {}, body: "{}" },
        },
        { id: "mail", type: "action.email", position: at(200), config: { templateId: "tpl_crash" } },
        { id: "done", type: "exit", position: at(300), config: {} },
      ],
      edges: [
        { id: "e1", source: "trigger", target: "hook" },
        { id: "e2", source: "hook", target: "mail" },
        { id: "e3", source: "mail", target: "done" },
      ],
    });

    executor = await startExecutor();
    // One ingest request per person, each handed off alone (rows that pile up go as one event), so each
    // becomes its own process-event run and the kill lands among many runs.
    for (let i = 0; i < PEOPLE; i++) {
      await ingest(
        ctx,
        JSON.stringify({
          batch: [{ type: "track", userId: `crash-${i}`, event: "crash_test", messageId: `crash-${journeyId}-${i}` }],
        }),
        "batch",
      );
      await dispatchPendingEvents(inngest as unknown as Parameters<typeof dispatchPendingEvents>[0]);
    }

    await until(async () => calls.length >= PEOPLE / 4, 30_000);
    executor.kill("SIGKILL");
    const callsAtKill = calls.length;
    await new Promise((r) => executor!.once("exit", r));
    executor = await startExecutor();

    const completed = async () =>
      (await enrollmentsOf(journeyId)).filter((e) => e.status === "COMPLETED").length === PEOPLE;
    await until(completed, 60_000);
    executor.kill("SIGTERM");
    receiver.close();

    expect(callsAtKill).toBeLessThan(PEOPLE);
    expect(calls).toHaveLength(PEOPLE);
    expect(new Set(calls).size).toBe(PEOPLE);
    const messages = await messagesOf(journeyId);
    expect(messages).toHaveLength(PEOPLE);
    expect(new Set(messages.map((m) => m.userId)).size).toBe(PEOPLE);
  });
});
