import { Inngest } from "inngest";
import { afterAll, describe, expect, it } from "vitest";
import {
  dropSchema,
  eventually,
  runsOf,
  serveFunctions,
  startTestExecutor,
  uniqueSchema,
} from "../../lib/testing/executor-harness";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("cron triggers", () => {
  const schema = uniqueSchema();
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const fn of cleanup.reverse()) await fn();
    await dropSchema(schema);
  });

  it("tick once per fire time across two executors, within seconds of it, and catch up once after downtime", async () => {
    const options = { schema, cronEverySecond: true };
    let [a, b] = await Promise.all([startTestExecutor(options), startTestExecutor(options)]);
    cleanup.push(
      () => a.stop(500),
      () => b.stop(500),
    );
    const client = new Inngest({ id: "cron", isDev: true, baseUrl: a.url });
    const app = await serveFunctions(client, [
      client.createFunction({ id: "every-second", triggers: [{ cron: "* * * * * *" }] }, async ({ event }) => ({
        name: event.name,
        data: event.data,
        ranAt: Date.now(),
      })),
      // Every minute on Inngest Cloud; every second here because of cronEverySecond.
      client.createFunction(
        { id: "every-minute", triggers: [{ cron: "* * * * *" }] },
        async ({ event }) => event.data.cron,
      ),
    ]);
    cleanup.push(() => app.close());
    await a.sync(app.url);

    // Both executors schedule (b learns of the functions from the database); each tick fires once.
    await eventually(
      async () =>
        (await runsOf(schema, "cron-every-second")).filter((r) => r.status === "completed").length >= 2 &&
        (await runsOf(schema, "cron-every-minute")).length >= 2,
      15_000,
      "two ticks of each cron",
    );
    const runs = await runsOf(schema, "cron-every-second");
    const completed = runs.filter((r) => r.status === "completed");
    expect(completed.length).toBeGreaterThanOrEqual(2);
    const scheduled = runs.map((r) => r.event.data.scheduledAt as string);
    expect(new Set(scheduled).size).toBe(scheduled.length);
    for (const run of completed) {
      const output = run.output as {
        name: string;
        data: { cron: string; scheduledAt: string; fireAt: string };
        ranAt: number;
      };
      expect(output.name).toBe("inngest/scheduled.timer");
      expect(output.data).toEqual({
        cron: "* * * * * *",
        scheduledAt: output.data.scheduledAt,
        fireAt: output.data.scheduledAt,
      });
      // seconds, not a minute: a second-cron fires on time (a loaded CI machine, three test jobs on two cores,
      // has run a tick 1–2 s late, so the bound is not the tick's width)
      expect(output.ranAt - Date.parse(output.data.scheduledAt)).toBeLessThan(5000);
    }
    expect((await runsOf(schema, "cron-every-minute")).length).toBeGreaterThanOrEqual(2);

    // Down for ~3 s: on restart, one catch-up tick for the missed ones, not a backlog.
    await Promise.all([a.stop(500), b.stop(500)]);
    const downFrom = Date.now();
    await sleep(3000);
    a = await startTestExecutor(options);
    const upAt = Date.now();
    b = await startTestExecutor(options);
    await eventually(
      async () =>
        (await runsOf(schema, "cron-every-second")).some((r) => Date.parse(r.event.data.scheduledAt as string) > upAt),
      15_000,
      "a tick after the restart",
    );
    const missed = (await runsOf(schema, "cron-every-second")).filter((r) => {
      const at = Date.parse(r.event.data.scheduledAt as string);
      return at > downFrom + 1000 && at < upAt - 1000;
    });
    expect(missed.length).toBeLessThanOrEqual(1);
  }, 60_000);
});
