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

/** Several executors on one database (a real Postgres in production): limits hold across all of them. */
describe("two executors sharing a database", () => {
  const schema = uniqueSchema();
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const fn of cleanup.reverse()) await fn();
    await dropSchema(schema);
  });

  it("never run two steps with the same concurrency key at once, and finish every run", async () => {
    const [a, b] = await Promise.all([
      startTestExecutor({ schema, concurrency: 4 }),
      startTestExecutor({ schema, concurrency: 4 }),
    ]);
    cleanup.push(
      () => a.stop(500),
      () => b.stop(500),
    );
    // Events go to both executors; the app's functions were synced through a only.
    const clients = [a, b].map((executor) => new Inngest({ id: "multi", isDev: true, baseUrl: executor.url }));
    const intervals: { key: string; start: number; end: number }[] = [];
    const app = await serveFunctions(clients[0], [
      clients[0].createFunction(
        { id: "limited", concurrency: { limit: 1, key: "event.data.k" }, triggers: [{ event: "multi/go" }] },
        async ({ event, step }) => {
          for (const name of ["first", "second"]) {
            await step.run(name, async () => {
              const start = Date.now();
              await sleep(40);
              intervals.push({ key: event.data.k, start, end: Date.now() });
            });
          }
        },
      ),
    ]);
    cleanup.push(() => app.close());
    await a.sync(app.url);
    // b reloads the registry within a second of a sync elsewhere: wait until it has (the function and its onFailure)
    await eventually(
      async () => ((await (await fetch(`${b.url}health`)).json()) as { functions: number }).functions > 0,
      10_000,
      "the second executor to load the functions synced through the first",
    );

    const keys = ["x", "y", "z"];
    await Promise.all(
      clients.map((client, i) =>
        client.send(Array.from({ length: 6 }, (_, j) => ({ name: "multi/go", data: { k: keys[(i + j) % 3] } }))),
      ),
    );
    await eventually(async () => {
      const runs = await runsOf(schema, "multi-limited");
      return runs.length === 12 && runs.every((r) => r.status === "completed");
    }, 20_000);
    for (const key of keys) {
      const same = intervals.filter((i) => i.key === key).sort((p, q) => p.start - q.start);
      expect(same).toHaveLength(8);
      for (let i = 1; i < same.length; i++) expect(same[i].start).toBeGreaterThanOrEqual(same[i - 1].end);
    }
  }, 30_000);
});
