import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import path from "node:path";
import { Inngest } from "inngest";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../lib/testing/free-port";
import {
  dropSchema,
  eventually,
  runsOf,
  serveFunctions,
  uniqueSchema,
  withDatabase,
} from "../../lib/testing/executor-harness";

/**
 * The executor as a child process (main.ts), killed with SIGKILL in the middle of runs and started
 * again: every run completes, every effect exists once, and no step whose result had been stored was
 * executed again. (A step interrupted before its result was stored may run twice: Inngest's
 * at-least-once step semantics. The step bodies here are idempotent, as they must be on Inngest too.)
 */

const RUNS_PER_FUNCTION = 15;
const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startExecutorProcess(env: Record<string, string>): Promise<ChildProcess> {
  // `node --import tsx`, not the tsx CLI: the CLI runs the script in a grandchild that SIGKILL would miss.
  const child = spawn(process.execPath, ["--import", "tsx", path.join("inngest", "executor", "main.ts")], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    child.once("exit", (code) => reject(new Error(`executor exited with ${code}: ${output}`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (/\[executor\] sync of /.test(output)) resolve(child);
    });
  });
}

describe("an executor killed in the middle of runs", () => {
  const schema = uniqueSchema();
  const appSchema = `${schema}_app`;
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
  const children: ChildProcess[] = [];
  let closeApp: (() => Promise<void>) | undefined;
  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
    await closeApp?.();
    await pool.end();
    await dropSchema(schema);
    await dropSchema(appSchema);
  });

  it("loses no run and re-executes no step whose result was stored", async () => {
    await withDatabase(async (client) => {
      await client.query(`CREATE SCHEMA "${appSchema}"`);
      await client.query(
        `CREATE TABLE "${appSchema}".effects (run_key text NOT NULL, step text NOT NULL, PRIMARY KEY (run_key, step))`,
      );
      await client.query(`CREATE TABLE "${appSchema}".executions (run_key text NOT NULL, step text NOT NULL)`);
    });
    // A step body: log the execution, take a moment, apply its effect idempotently (unique key).
    const effect = (runKey: string, step: string) => async () => {
      await pool.query(`INSERT INTO "${appSchema}".executions VALUES ($1, $2)`, [runKey, step]);
      await sleep(15);
      await pool.query(`INSERT INTO "${appSchema}".effects VALUES ($1, $2) ON CONFLICT DO NOTHING`, [runKey, step]);
      return step;
    };

    const port = await freePort();
    const client = new Inngest({ id: "crash", isDev: true, baseUrl: `http://127.0.0.1:${port}/` });
    const app = await serveFunctions(client, [
      client.createFunction(
        { id: "sequential", triggers: [{ event: "crash/sequential" }] },
        async ({ event, step }) => {
          const key = event.data.key as string;
          const done = [
            await step.run("one", effect(key, "one")),
            await step.run("two", effect(key, "two")),
            await step.run("three", effect(key, "three")),
          ];
          return done.join(",");
        },
      ),
      client.createFunction({ id: "parallel", triggers: [{ event: "crash/parallel" }] }, async ({ event, step }) => {
        const key = event.data.key as string;
        const both = await Promise.all([
          step.run("left", effect(key, "left")),
          step.run("right", effect(key, "right")),
        ]);
        return [...both, await step.run("after", effect(key, "after"))].join(",");
      }),
    ]);
    closeApp = app.close;
    const env = {
      CAIRN_EXECUTOR_PORT: String(port),
      CAIRN_EXECUTOR_APP_URL: app.url,
      CAIRN_EXECUTOR_SCHEMA: schema,
      CAIRN_EXECUTOR_CONCURRENCY: "8",
    };

    let executor = await startExecutorProcess(env);
    children.push(executor);
    const events = Array.from({ length: RUNS_PER_FUNCTION }, (_, i) => [
      { name: "crash/sequential", data: { key: `s${i}` } },
      { name: "crash/parallel", data: { key: `p${i}` } },
    ]).flat();
    await client.send(events);

    // Kill it (no cleanup at all) once about a third of the effects exist.
    const total = RUNS_PER_FUNCTION * 6;
    await eventually(
      async () => Number((await pool.query(`SELECT count(*) FROM "${appSchema}".effects`)).rows[0].count) >= total / 3,
      20_000,
      "a third of the effects",
    );
    executor.kill("SIGKILL");
    await new Promise((resolve) => executor.once("exit", resolve));

    // What the executor had stored when it died: these steps must never run again.
    const stored = await withDatabase(async (db) => {
      const { rows } = await db.query<{ key: string; step_id: string }>(
        `SELECT e.payload->'data'->>'key' AS key, s.step_id FROM "${schema}".run_steps s
         JOIN "${schema}".runs r ON r.id = s.run_id JOIN "${schema}".events e ON e.id = r.event_id`,
      );
      return rows;
    });
    const unfinished = (await runsOf(schema, "crash-sequential"))
      .concat(await runsOf(schema, "crash-parallel"))
      .filter((r) => r.status !== "completed");
    expect(stored.length).toBeGreaterThan(0);
    expect(unfinished.length).toBeGreaterThan(0); // the kill really happened mid-way

    executor = await startExecutorProcess(env);
    children.push(executor);
    const runs = await eventually(
      async () => {
        const all = (await runsOf(schema, "crash-sequential")).concat(await runsOf(schema, "crash-parallel"));
        return all.length === total / 3 && all.every((r) => r.status !== "running") && all;
      },
      30_000,
      "every run to finish after the restart",
    );
    for (const run of runs) {
      expect(run.status).toBe("completed");
      expect(run.output).toBe(run.function_id === "crash-sequential" ? "one,two,three" : "left,right,after");
    }

    const { rows: effects } = await pool.query<{ run_key: string; step: string }>(
      `SELECT run_key, step FROM "${appSchema}".effects`,
    );
    expect(effects).toHaveLength(total);
    const { rows: executions } = await pool.query<{ run_key: string; step: string; n: string }>(
      `SELECT run_key, step, count(*) AS n FROM "${appSchema}".executions GROUP BY 1, 2`,
    );
    const executed = new Map(executions.map((e) => [`${e.run_key}/${sha1(e.step)}`, Number(e.n)]));
    for (const { key, step_id } of stored)
      expect(executed.get(`${key}/${step_id}`), `step ${step_id} of ${key}`).toBe(1);

    // A clean stop: SIGTERM lets calls finish and exits 0.
    const exited = new Promise<number | null>((resolve) => executor.once("exit", resolve));
    executor.kill("SIGTERM");
    expect(await exited).toBe(0);
  }, 60_000);
});
