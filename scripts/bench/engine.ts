/**
 * npm run bench:engine — the journey engine through Inngest (the embedded executor), against a real Postgres.
 *
 *   Journey: event trigger → condition (amount > 10) → A/B split → webhook to a local receiver →
 *   1-minute delay (minutes are a duration's finest unit) → email (queued message).
 *   1. latency: RATE events/s (default 200) for SECONDS (20), each a new person, sent over HTTP to
 *      /api/v1/batch in batches every 50 ms, after WARM_SECONDS (10) at the same rate from cold whose
 *      figures are printed apart and not counted; prints trigger-to-first-side-effect latency (event sent →
 *      webhook received) p50/p95/p99, and how late the delays fired after their due time (p50/p99/max);
 *   2. throughput: BURST events (5,000) at once; prints enrollment steps per second until every person
 *      reached the delay;
 *   3. baseline, same run: the same engine code called in-process (no HTTP, no executor) for another
 *      BURST people with 8 workers; prints its steps/s and the ratio executor / in-process.
 * Timings are printed, never asserted. Options: BENCH_RATE, BENCH_SECONDS, BENCH_WARM_SECONDS, BENCH_BURST, BENCH_DEBUG=1 (each second's
 * median and slowest latency).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { freePort } from "../../lib/testing/free-port";
import {
  benchWorkspace,
  freshDatabase,
  percentile,
  runBench,
  runPool,
  startCairn,
  stopProcess,
  waitForOk,
} from "./harness";

// The journey's webhook goes to a receiver on 127.0.0.1, which the outbound guard (lib/security/outbound.ts)
// refuses like any private address unless told otherwise: the server, the executor and the in-process baseline
// all inherit this. (Since the guard arrived the bench stopped at "did not react to the warm-up events".)
process.env.CAIRN_OUTBOUND_ALLOW ??= "127.0.0.0/8,::1";

const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WARM_SECONDS = Number(process.env.BENCH_WARM_SECONDS ?? 10);
const BURST = Number(process.env.BENCH_BURST ?? 5_000);
const STEPS_TO_DELAY = 5; // trigger, condition, split, webhook, delay

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ms = (n: number) => `${Math.round(n)} ms`;

async function main() {
  process.env.CAIRN_ENCRYPTION_KEY ??= "bench";
  const database = await freshDatabase("cairn_bench_engine");
  process.env.DATABASE_URL = database.url;
  let cairn: Awaited<ReturnType<typeof startCairn>> | null = null;
  let executor: ChildProcess | null = null;
  const receiver = createServer();
  try {
    const { db } = await import("../../lib/db/client");
    const { pgPool } = await import("../../lib/db/pool");
    const { createApiKey, workspaceContextForApiKey } = await import("../../lib/api-keys/api-keys");
    const { publishGraph } = await import("../../lib/testing/engine-driver");

    const { owner } = await benchWorkspace();
    const write = (await createApiKey(owner, { name: "bench write", scope: "WRITE" })).secret;
    const ctx = await workspaceContextForApiKey(
      (await createApiKey(owner, { name: "bench full", scope: "FULL" })).secret,
    );

    // The webhook receiver: when each person's first side effect arrived.
    const arrivals = new Map<string, { at: number; sentAt: number }>();
    receiver.on("request", (req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const { person, sentAt } = JSON.parse(body) as { person: string; sentAt: number };
        arrivals.set(person, { at: Date.now(), sentAt });
        res.end("ok");
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

    const at = (x: number, y: number) => ({ x, y });
    const { journeyId } = await publishGraph(ctx, {
      nodes: [
        {
          id: "trigger",
          type: "trigger.event",
          position: at(0, 0),
          config: { eventName: "bench_signal", filters: [] },
        },
        {
          id: "big",
          type: "condition",
          position: at(0, 100),
          config: {
            rules: { match: "all", rules: [{ kind: "event_property", property: "amount", operator: "gt", value: 10 }] },
          },
        },
        { id: "small", type: "exit", position: at(200, 200), config: {} },
        {
          id: "ab",
          type: "split",
          position: at(0, 200),
          config: {
            arms: [
              { id: "a", label: "A", weight: 50 },
              { id: "b", label: "B", weight: 50 },
            ],
          },
        },
        {
          id: "hook",
          type: "action.webhook",
          position: at(0, 300),
          config: {
            url: hookUrl,
            method: "POST",
            headers: {},
            body: '{"person":"{{ profile.userId }}","sentAt":{{ event.properties.sentAt }}}',
          },
        },
        {
          id: "wait",
          type: "delay.duration",
          position: at(0, 400),
          config: { duration: { amount: 1, unit: "minutes" } },
        },
        { id: "mail", type: "action.email", position: at(0, 500), config: { templateId: "tpl_bench" } },
      ],
      edges: [
        { id: "e1", source: "trigger", target: "big" },
        { id: "e2", source: "big", target: "ab", branch: "yes" },
        { id: "e3", source: "big", target: "small", branch: "no" },
        { id: "e4", source: "ab", target: "hook", branch: "a" },
        { id: "e5", source: "ab", target: "hook", branch: "b" },
        { id: "e6", source: "hook", target: "wait" },
        { id: "e7", source: "wait", target: "mail" },
      ],
      settings: { reentry: { mode: "always" } },
    });

    const executorPort = await freePort();
    cairn = await startCairn(database.url, {
      INNGEST_DEV: "1",
      INNGEST_BASE_URL: `http://127.0.0.1:${executorPort}/`,
      CAIRN_WAKE_DUE_CRON: "* * * * * *",
      CAIRN_DB_POOL_SIZE: "20",
    });
    // BENCH_PROFILE_DIR: the executor's CPU profile too, beside the server's.
    const profile = process.env.BENCH_PROFILE_DIR
      ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
      : [];
    executor = spawn(process.execPath, [...profile, "--import", "tsx", path.join("inngest", "executor", "main.ts")], {
      stdio: ["ignore", "ignore", "inherit"],
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        CAIRN_EXECUTOR_PORT: String(executorPort),
        CAIRN_EXECUTOR_APP_URL: `${cairn.origin}/api/inngest`,
      },
    });
    await waitForOk(`http://127.0.0.1:${executorPort}/health`, "the executor");

    const send = async (people: string[], phase: string) => {
      const sentAt = Date.now();
      const batch = people.map((person) => ({
        type: "track",
        userId: person,
        event: "bench_signal",
        messageId: randomUUID(),
        properties: { amount: 50, sentAt, phase },
      }));
      const response = await fetch(`${cairn!.origin}/api/v1/batch`, {
        method: "POST",
        headers: { authorization: `Bearer ${write}`, "content-type": "application/json" },
        body: JSON.stringify({ batch }),
      });
      if (!response.ok) throw new Error(`ingest: HTTP ${response.status} ${await response.text()}`);
    };
    const waitForArrivals = async (people: string[], timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (people.some((p) => !arrivals.has(p)) && Date.now() < deadline) await sleep(20);
      return people.filter((p) => arrivals.has(p)).length;
    };

    // Warm-up: compiles routes, fills pools, lets the executor sync. Not counted.
    const warm = Array.from({ length: 20 }, (_, i) => `warm-${i}`);
    for (let i = 0; i < 60 && (await waitForArrivals(warm, 0)) < warm.length; i++) {
      await send(
        warm.filter((p) => !arrivals.has(p)),
        "warm",
      );
      await waitForArrivals(warm, 2_000);
    }
    if ((await waitForArrivals(warm, 0)) < warm.length)
      throw new Error("the engine did not react to the warm-up events");

    // 1. Latency at a steady rate: first WARM_SECONDS at the same rate from cold (new pooled connections
    // open new Postgres backends that load their caches on first use; code paths get optimized), printed but
    // not counted, then SECONDS measured.
    const perTick = Math.max(1, Math.round(RATE / 20));
    const runAtRate = async (seconds: number, prefix: string) => {
      const people: string[] = [];
      const started = Date.now();
      for (let tick = 0; tick < seconds * 20; tick++) {
        const batch = Array.from({ length: perTick }, (_, i) => `${prefix}-${tick}-${i}`);
        people.push(...batch);
        void send(batch, prefix);
        const nextAt = started + (tick + 1) * 50;
        await sleep(Math.max(0, nextAt - Date.now()));
      }
      return { people, started, seconds: (Date.now() - started) / 1000 };
    };
    const latenciesOf = (people: string[]) =>
      people
        .flatMap((p) => (arrivals.has(p) ? [arrivals.get(p)!.at - arrivals.get(p)!.sentAt] : []))
        .sort((a, b) => a - b);
    const warmRun = await runAtRate(WARM_SECONDS, "warmrate");
    const measured = await runAtRate(SECONDS, "steady");
    const steady = measured.people;
    const started = measured.started;
    const sentSeconds = measured.seconds;
    await waitForArrivals([...warmRun.people, ...steady], 60_000);
    const reached = steady.filter((p) => arrivals.has(p)).length;
    const warmLatencies = latenciesOf(warmRun.people);
    const latencies = latenciesOf(steady);
    // BENCH_DEBUG=1: the median and the slowest latency of the events sent in each second, to see where a tail comes from.
    if (process.env.BENCH_DEBUG === "1") {
      const perSecond = (people: string[], from: number) => {
        const bySecond = new Map<number, number[]>();
        for (const p of people) {
          const a = arrivals.get(p);
          if (!a) continue;
          const second = Math.floor((a.sentAt - from) / 1000);
          bySecond.set(second, [...(bySecond.get(second) ?? []), a.at - a.sentAt]);
        }
        return [...bySecond]
          .map(
            ([second, l]) =>
              `${second}s ${Math.round(
                percentile(
                  l.sort((x, y) => x - y),
                  50,
                ),
              )}/${Math.max(...l)}`,
          )
          .join("  ");
      };
      console.log(`warm-up, per second sent (p50/max ms): ${perSecond(warmRun.people, warmRun.started)}`);
      console.log(`measured, per second sent (p50/max ms): ${perSecond(steady, started)}`);
    }

    // 2. Throughput: a burst, all at once.
    const burst = Array.from({ length: BURST }, (_, i) => `burst-${i}`);
    const burstStarted = Date.now();
    await runPool(
      Array.from({ length: Math.ceil(BURST / 500) }, (_, i) => burst.slice(i * 500, (i + 1) * 500)),
      4,
      (people) => send(people, "burst"),
    );
    const burstReached = await waitForArrivals(burst, 300_000);
    // Every person reached the delay once their webhook answered; wait for the last advances to land.
    const countAtDelay = async (prefix: string) =>
      (
        await pgPool().query<{ n: number }>(
          `SELECT count(*)::int AS n FROM "EnrollmentStep" s JOIN "Enrollment" e ON e.id = s."enrollmentId" JOIN "Profile" p ON p.id = e."profileId"
            WHERE s."journeyId" = $1 AND s."nodeId" = 'wait' AND p."userId" LIKE $2`,
          [journeyId, `${prefix}%`],
        )
      ).rows[0].n;
    while ((await countAtDelay("burst-")) < burstReached) await sleep(50);
    const burstSeconds = (Date.now() - burstStarted) / 1000;
    const executorStepsPerSecond = (burstReached * STEPS_TO_DELAY) / burstSeconds;

    // Delays: how late after their due time did they fire? (the first minute-long delays of the steady phase)
    await sleep(Math.max(0, started + 62_000 - Date.now()));
    const { rows: lateness } = await pgPool().query<{ late: number }>(
      `SELECT extract(epoch FROM (s."leftAt" - (s."enteredAt" + interval '1 minute'))) * 1000 AS late
         FROM "EnrollmentStep" s WHERE s."journeyId" = $1 AND s."nodeId" = 'wait' AND s."leftAt" IS NOT NULL`,
      [journeyId],
    );
    const late = lateness.map((r) => Number(r.late)).sort((a, b) => a - b);

    // 3. Baseline: the same engine code in-process, no HTTP, no executor; and none of ingestion's background
    // work (the catalog rollup), which the engine does not wait for and which would outlive the pool below.
    await stopProcess(executor);
    executor = null;
    process.env.CAIRN_BACKGROUND_JOBS = "off";
    const { ingest } = await import("../../lib/ingest/ingest");
    const { processIngestedEvents } = await import("../../lib/engine/process-events");
    const { walkOne } = await import("../../lib/engine/walk-batch");
    const { performWebhookCall } = await import("../../lib/engine/webhook");
    const base = Array.from({ length: BURST }, (_, i) => `base-${i}`);
    const baseStarted = Date.now();
    let baseSteps = 0;
    await runPool(
      Array.from({ length: Math.ceil(BURST / 500) }, (_, i) => base.slice(i * 500, (i + 1) * 500)),
      4,
      async (people) => {
        const sentAt = Date.now();
        const stored = await ingest(
          ctx,
          JSON.stringify({
            batch: people.map((person) => ({
              type: "track",
              userId: person,
              event: "bench_signal",
              messageId: randomUUID(),
              properties: { amount: 50, sentAt, phase: "base" },
            })),
          }),
          "batch",
        );
        const { advance } = await processIngestedEvents(ctx.workspace.id, stored.eventIds, new Date());
        await runPool(advance, 2, async (id) => {
          for (;;) {
            const result = await walkOne(id, new Date());
            baseSteps += result.steps;
            if (result.state !== "webhook" || !result.webhook) break;
            await performWebhookCall(result.webhook);
          }
        });
      },
    );
    const baseSeconds = (Date.now() - baseStarted) / 1000;
    const baseStepsPerSecond = baseSteps / baseSeconds;

    console.log("");
    console.log(`journey: trigger → condition → A/B split → webhook (local receiver) → 1-minute delay → email`);
    if (WARM_SECONDS > 0) {
      console.log(
        `   (warm-up, not counted: ${RATE} events/s for ${warmRun.seconds.toFixed(1)} s from cold: p50 ${ms(percentile(warmLatencies, 50))}, p95 ${ms(percentile(warmLatencies, 95))}, p99 ${ms(percentile(warmLatencies, 99))}, max ${ms(warmLatencies[warmLatencies.length - 1] ?? 0)})`,
      );
    }
    console.log(
      `1. steady ${RATE} events/s for ${sentSeconds.toFixed(1)} s after the warm-up: ${reached}/${steady.length} reached the webhook`,
    );
    console.log(
      `   trigger → first side effect: p50 ${ms(percentile(latencies, 50))}, p95 ${ms(percentile(latencies, 95))}, p99 ${ms(percentile(latencies, 99))}, max ${ms(latencies[latencies.length - 1])}`,
    );
    console.log(
      `   delays fired after their due time by: p50 ${ms(percentile(late, 50))}, p99 ${ms(percentile(late, 99))}, max ${ms(late[late.length - 1])} (${late.length} delays)`,
    );
    console.log(
      `2. burst of ${BURST}: ${burstReached} reached the delay in ${burstSeconds.toFixed(2)} s = ${Math.round(executorStepsPerSecond).toLocaleString("en")} enrollment steps/s through the executor`,
    );
    console.log(
      `3. baseline, in-process engine (no HTTP, no executor): ${baseSteps} steps in ${baseSeconds.toFixed(2)} s = ${Math.round(baseStepsPerSecond).toLocaleString("en")} steps/s`,
    );
    console.log(`   ratio (executor / in-process): ${(executorStepsPerSecond / baseStepsPerSecond).toFixed(2)}`);
    await db().$disconnect();
    await pgPool().end();
  } finally {
    await stopProcess(executor);
    await stopProcess(cairn?.process);
    receiver.close();
    await database.drop();
  }
}

runBench(main);
