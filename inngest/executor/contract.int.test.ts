import { Inngest, NonRetriableError } from "inngest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  dropSchema,
  eventually,
  runsOf,
  serveFunctions,
  startTestExecutor,
  type StoredRun,
} from "../../lib/testing/executor-harness";
import { SyncError } from "./executor";

/**
 * Contract tests: the real `inngest` SDK (pinned 4.24.0) serve handler from `inngest/next`, configured
 * the way the app is in embedded mode (INNGEST_DEV=1, INNGEST_BASE_URL=<executor>), against the
 * executor. They pin the wire protocol: if the SDK changes its format, these fail.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let executor: Awaited<ReturnType<typeof startTestExecutor>>;
let app: Awaited<ReturnType<typeof serveFunctions>>;
let inngest: Inngest;

// What the step bodies and handlers saw, keyed by the test's event data.
const stepRuns = new Map<string, number>();
const handlerCalls = new Map<string, number>();
const attempts: { attempt: number; at: number }[] = [];
const intervals: { key: string; start: number; end: number }[] = [];
const failures: { functionId: string; message: string }[] = [];
const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

/**
 * Steps that must overlap wait here for each other, instead of sleeping and hoping the other starts in time
 * (on a loaded machine it did not). Run one after the other, the first waits out `timeoutMs` alone, ends
 * before the second starts, and the overlap checks fail.
 */
function rendezvous(parties: string[], timeoutMs = 10_000) {
  const arrived = new Set<string>();
  let release!: () => void;
  const everyone = new Promise<void>((resolve) => (release = resolve));
  return (party: string) => {
    arrived.add(party);
    if (parties.every((p) => arrived.has(p))) release();
    return Promise.race([everyone, sleep(timeoutMs)]);
  };
}
const parallelSteps = rendezvous(["left", "right"]);
const limitedKeys = rendezvous(["a", "b"]);

function defineFunctions(client: Inngest) {
  return [
    client.createFunction({ id: "hello", triggers: [{ event: "contract/hello" }] }, async ({ event }) => ({
      greeting: `hi ${event.data.name}`,
    })),

    client.createFunction({ id: "memo", triggers: [{ event: "contract/memo" }] }, async ({ event, step }) => {
      const key = event.data.key as string;
      count(handlerCalls, key);
      const a = await step.run("a", () => (count(stepRuns, `${key}:a`), 1));
      const b = await step.run("b", () => (count(stepRuns, `${key}:b`), a + 1));
      const c = await step.run("c", () => (count(stepRuns, `${key}:c`), b + 1));
      return [a, b, c];
    }),

    client.createFunction({ id: "parallel", triggers: [{ event: "contract/parallel" }] }, async ({ step }) => {
      const timed = (key: string) => async () => {
        const start = Date.now();
        count(stepRuns, `parallel:${key}`);
        await parallelSteps(key); // both are running now
        await sleep(50); // so that each interval has a length: they meet inside both
        intervals.push({ key: `parallel:${key}`, start, end: Date.now() });
        return key;
      };
      const [left, right] = await Promise.all([step.run("left", timed("left")), step.run("right", timed("right"))]);
      const after = await step.run("after", () => (count(stepRuns, "parallel:after"), `${left}+${right}`));
      return after;
    }),

    client.createFunction({ id: "fanout", triggers: [{ event: "contract/fanout" }] }, async ({ event, step }) => {
      const sent = await step.sendEvent(
        "fan-out",
        [1, 2, 3].map((i) => ({ name: "contract/child", data: { parent: event.data.key, i } })),
      );
      return sent.ids.length;
    }),
    client.createFunction(
      { id: "child", triggers: [{ event: "contract/child" }] },
      async ({ event }) => event.data.i * 10,
    ),

    client.createFunction(
      { id: "flaky", retries: 3, triggers: [{ event: "contract/flaky" }] },
      async ({ step, attempt }) => {
        return step.run("sometimes", () => {
          attempts.push({ attempt, at: Date.now() });
          if (attempt < 2) throw new Error(`flaked on attempt ${attempt}`);
          return `ok on attempt ${attempt}`;
        });
      },
    ),

    client.createFunction(
      {
        id: "exhausted",
        retries: 1,
        triggers: [{ event: "contract/exhausted" }],
        onFailure: async ({ error, event }) => {
          failures.push({ functionId: event.data.function_id, message: error.message });
        },
      },
      async ({ step }) => {
        await step.run("always-fails", () => {
          count(stepRuns, "exhausted");
          throw new Error("boom");
        });
        return "unreachable";
      },
    ),

    client.createFunction(
      { id: "recovers", retries: 0, triggers: [{ event: "contract/recovers" }] },
      async ({ step }) => {
        try {
          await step.run("fails-once", () => {
            throw new Error("step gave up");
          });
        } catch (error) {
          return { caught: (error as Error).message, name: (error as Error).name };
        }
        return "not caught";
      },
    ),

    client.createFunction(
      { id: "nonretriable", retries: 5, triggers: [{ event: "contract/nonretriable" }] },
      async ({ step }) => {
        await step.run("refuses", () => {
          count(stepRuns, "nonretriable");
          throw new NonRetriableError("nope, never");
        });
      },
    ),

    client.createFunction(
      { id: "limited", concurrency: [{ limit: 1, key: "event.data.k" }], triggers: [{ event: "contract/limited" }] },
      async ({ event, step }) => {
        await step.run("work", async () => {
          const start = Date.now();
          await limitedKeys(event.data.k); // the first of each key meet: different keys run side by side
          await sleep(150); // long enough that two runs of one key at once would overlap
          intervals.push({ key: `limited:${event.data.k}`, start, end: Date.now() });
        });
        await step.run("more-work", async () => {
          const start = Date.now();
          await sleep(50);
          intervals.push({ key: `limited:${event.data.k}`, start, end: Date.now() });
        });
      },
    ),

    client.createFunction(
      { id: "once-per-user", idempotency: "event.data.userId", triggers: [{ event: "contract/idempotent" }] },
      async ({ event }) => event.data.userId,
    ),

    client.createFunction(
      {
        id: "filtered",
        triggers: [{ event: "contract/filtered", if: "event.data.plan == 'pro' && event.data.seats > 2" }],
      },
      async ({ event }) => event.data.seats,
    ),

    client.createFunction({ id: "sleeper", triggers: [{ event: "contract/sleeper" }] }, async ({ step }) => {
      await step.sleep("nap", "1s");
    }),
  ];
}

const finished = (runs: StoredRun[], n: number) =>
  runs.length === n && runs.every((r) => r.status !== "running") && runs;

describe("the embedded executor driving the real inngest SDK", () => {
  beforeAll(async () => {
    executor = await startTestExecutor();
    // As the app is configured in embedded mode (scripts/cairn.ts): dev mode, base URL = the executor.
    process.env.INNGEST_DEV = "1";
    process.env.INNGEST_BASE_URL = executor.url;
    inngest = new Inngest({ id: "contract" });
    app = await serveFunctions(inngest, defineFunctions(inngest));
    await executor.sync(app.url);
  });

  afterAll(async () => {
    await app?.close();
    await executor?.stop(1000);
    if (executor) await dropSchema(executor.schema);
    delete process.env.INNGEST_DEV;
    delete process.env.INNGEST_BASE_URL;
  });

  it("registers the app's functions through a PUT on the serve endpoint", async () => {
    const health = await (await fetch(`${executor.url}health`)).json();
    expect(health).toMatchObject({ status: "ok", functions: 14 }); // 13 + the onFailure handler the SDK registers as a function
  });

  it("runs a function for an event sent with inngest.send() and stores its return value", async () => {
    const sent = await inngest.send({ name: "contract/hello", data: { name: "Ada" } });
    const [run] = await eventually(async () => finished(await runsOf(executor.schema, "contract-hello"), 1));
    expect(run).toMatchObject({ status: "completed", output: { greeting: "hi Ada" } });
    expect(run.event.id).toBe(sent.ids[0]); // the id the event API answered is the run's event
  });

  it("memoizes steps: each body runs once while the function is re-invoked per step", async () => {
    await inngest.send({ name: "contract/memo", data: { key: "m1" } });
    const [run] = await eventually(async () => finished(await runsOf(executor.schema, "contract-memo"), 1));
    expect(run.output).toEqual([1, 2, 3]);
    expect([stepRuns.get("m1:a"), stepRuns.get("m1:b"), stepRuns.get("m1:c")]).toEqual([1, 1, 1]);
    expect(handlerCalls.get("m1")).toBe(4); // one call per step plus the one that returns
  });

  it("runs parallel steps concurrently, then continues", async () => {
    await inngest.send({ name: "contract/parallel", data: {} });
    const [run] = await eventually(async () => finished(await runsOf(executor.schema, "contract-parallel"), 1));
    expect(run).toMatchObject({ status: "completed", output: "left+right" });
    expect([stepRuns.get("parallel:left"), stepRuns.get("parallel:right"), stepRuns.get("parallel:after")]).toEqual([
      1, 1, 1,
    ]);
    const [left, right] = ["parallel:left", "parallel:right"].map((k) => intervals.find((i) => i.key === k)!);
    expect(left.start < right.end && right.start < left.end).toBe(true); // they overlapped
  });

  it("step.sendEvent goes through the event API and triggers other functions", async () => {
    await inngest.send({ name: "contract/fanout", data: { key: "f1" } });
    const [parent] = await eventually(async () => finished(await runsOf(executor.schema, "contract-fanout"), 1));
    expect(parent.output).toBe(3);
    const children = await eventually(async () => finished(await runsOf(executor.schema, "contract-child"), 3));
    expect(children.map((c) => c.output).sort()).toEqual([10, 20, 30]);
    expect(children.every((c) => c.event.data.parent === "f1")).toBe(true);
  });

  it("retries a failing step with backoff and the attempt number, until it succeeds", async () => {
    await inngest.send({ name: "contract/flaky", data: {} });
    const [run] = await eventually(async () => finished(await runsOf(executor.schema, "contract-flaky"), 1));
    expect(run).toMatchObject({ status: "completed", output: "ok on attempt 2" });
    expect(attempts.map((a) => a.attempt)).toEqual([0, 1, 2]);
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(45); // the (test-sized) backoff was waited
  });

  it("after the last retry, fails the run with the step's error and calls onFailure", async () => {
    await inngest.send({ name: "contract/exhausted", data: {} });
    const [run] = await eventually(async () => finished(await runsOf(executor.schema, "contract-exhausted"), 1));
    expect(run.status).toBe("failed");
    expect(run.error?.message).toContain("boom");
    expect(stepRuns.get("exhausted")).toBe(2); // retries: 1 → two attempts
    await eventually(() => failures.length > 0, 10_000, "the onFailure handler");
    expect(failures).toEqual([{ functionId: "contract-exhausted", message: expect.stringContaining("boom") }]);
  });

  it("hands a step's final error back to the function, which may catch it", async () => {
    await inngest.send({ name: "contract/recovers", data: {} });
    const [run] = await eventually(async () => finished(await runsOf(executor.schema, "contract-recovers"), 1));
    expect(run).toMatchObject({ status: "completed", output: { caught: "step gave up", name: "Error" } }); // the SDK's StepError keeps the thrown error's name
  });

  it("stops at once on NonRetriableError", async () => {
    await inngest.send({ name: "contract/nonretriable", data: {} });
    const [run] = await eventually(async () => finished(await runsOf(executor.schema, "contract-nonretriable"), 1));
    expect(run.status).toBe("failed");
    expect(run.error?.message).toContain("nope, never");
    expect(stepRuns.get("nonretriable")).toBe(1);
  });

  it("never runs two steps with the same concurrency key at once, but runs different keys in parallel", async () => {
    intervals.length = 0;
    await inngest.send(["a", "a", "a", "b", "b", "b"].map((k) => ({ name: "contract/limited", data: { k } })));
    await eventually(async () => finished(await runsOf(executor.schema, "contract-limited"), 6), 15_000);
    for (const key of ["limited:a", "limited:b"]) {
      const same = intervals.filter((i) => i.key === key).sort((x, y) => x.start - y.start);
      expect(same).toHaveLength(6);
      for (let i = 1; i < same.length; i++) expect(same[i].start).toBeGreaterThanOrEqual(same[i - 1].end);
    }
    const a = intervals.filter((i) => i.key === "limited:a");
    const b = intervals.filter((i) => i.key === "limited:b");
    expect(a.some((x) => b.some((y) => x.start < y.end && y.start < x.end))).toBe(true);
  });

  it("drops an event whose id was seen in the last 24 h, and a retried send (same seed) is stored once", async () => {
    await inngest.send({ name: "contract/hello", id: "dedupe-1", data: { name: "first" } });
    await inngest.send({ name: "contract/hello", id: "dedupe-1", data: { name: "second" } });
    const post = () =>
      fetch(`${executor.url}e/any-key`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-inngest-event-id-seed": "1767225600000,AAECAwQFBgcICQ==" },
        body: JSON.stringify([{ name: "contract/hello", data: { name: "seeded" } }]),
      }).then((r) => r.json());
    const [first, again] = [await post(), await post()];
    expect(first).toEqual({ ids: [expect.any(String)], status: 200 });
    expect(again.ids).toEqual(first.ids);
    await executor.waitIdle();
    const names = (await runsOf(executor.schema, "contract-hello")).map((r) => r.event.data.name);
    expect(names.filter((n) => n === "first" || n === "second")).toEqual(["first"]);
    expect(names.filter((n) => n === "seeded")).toEqual(["seeded"]);
  });

  it("runs a function once per idempotency key, and only for events matching its `if`", async () => {
    await inngest.send([
      { name: "contract/idempotent", data: { userId: "u1" } },
      { name: "contract/idempotent", data: { userId: "u1" } },
      { name: "contract/idempotent", data: { userId: "u2" } },
      { name: "contract/filtered", data: { plan: "pro", seats: 3 } },
      { name: "contract/filtered", data: { plan: "pro", seats: 1 } },
      { name: "contract/filtered", data: { plan: "free", seats: 5 } },
    ]);
    await inngest.send({ name: "contract/idempotent", data: { userId: "u1" } });
    await executor.waitIdle();
    expect((await runsOf(executor.schema, "contract-once-per-user")).map((r) => r.output).sort()).toEqual(["u1", "u2"]);
    expect((await runsOf(executor.schema, "contract-filtered")).map((r) => r.output)).toEqual([3]);
  });

  it("fails a run that uses an op it does not implement, naming the op and the function", async () => {
    await inngest.send({ name: "contract/sleeper", data: {} });
    const [run] = await eventually(async () => finished(await runsOf(executor.schema, "contract-sleeper"), 1));
    expect(run.status).toBe("failed");
    expect(run.error).toMatchObject({
      name: "UnsupportedByEmbeddedExecutor",
      message: expect.stringMatching(/contract-sleeper.*nap.*step\.sleep/),
    });
  });

  it("answers malformed events with 400 and a message naming the problem", async () => {
    const post = (body: string) =>
      fetch(`${executor.url}e/key`, { method: "POST", body }).then(async (r) => ({
        status: r.status,
        body: await r.json(),
      }));
    expect(await post("{not json")).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining("not valid JSON") },
    });
    expect(await post(JSON.stringify([{ name: "ok" }, { data: {} }]))).toMatchObject({
      status: 400,
      body: { error: "Event 1 has no name (a non-empty string is required)" },
    });
    expect(await post(JSON.stringify({ name: "x", data: [1] }))).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining("data must be an object") },
    });
  });

  it("rejects a sync whose functions use what it does not implement, naming function and feature", async () => {
    const other = new Inngest({ id: "rejected", isDev: true, baseUrl: executor.url });
    const fns = [
      other.createFunction({ id: "fine", triggers: [{ event: "rejected/fine" }] }, async () => null),
      other.createFunction(
        { id: "limited", rateLimit: { limit: 1, period: "1m" }, triggers: [{ event: "rejected/x" }] },
        async () => null,
      ),
    ];
    const otherApp = await serveFunctions(other, fns);
    try {
      const error = await executor.sync(otherApp.url).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SyncError);
      expect((error as SyncError).status).toBe(400);
      expect((error as SyncError).message).toContain(`Function "rejected-limited" uses rate limiting (rateLimit)`);
      // Nothing of the rejected app was registered; the other app's functions are untouched.
      expect(await (await fetch(`${executor.url}health`)).json()).toMatchObject({ functions: 14 });
    } finally {
      await otherApp.close();
    }
  });
});
