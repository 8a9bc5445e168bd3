import http from "node:http";
import type { AddressInfo } from "node:net";
import { Inngest } from "inngest";
import { afterAll, describe, expect, it } from "vitest";
import {
  dropSchema,
  eventually,
  runsOf,
  serveFunctions,
  startTestExecutor,
  withDatabase,
} from "../../lib/testing/executor-harness";

/**
 * Hardening item 1: an unsigned PUT to the serve endpoint with a forged Host header made the SDK register the
 * app's functions at the attacker's URL (signed with the real key), and every later run went there. Each end
 * stops it on its own: the serve handler registers only its configured origin, and the executor accepts a
 * registration only for the app URLs it was started with.
 */
describe("a sync forged with another Host", () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const fn of cleanup.reverse()) await fn();
  });

  /** The attacker's server: counts every request that reaches it. */
  async function attacker(): Promise<{ host: string; calls: () => number }> {
    let calls = 0;
    const server = http.createServer((req, res) => {
      calls++;
      req.resume();
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanup.push(() => new Promise((resolve) => server.close(resolve)));
    return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, calls: () => calls };
  }

  async function setUp(name: string, options: { pinOrigin: boolean; alsoAllow?: (evilHost: string) => string[] }) {
    const evil = await attacker();
    const executor = await startTestExecutor({ allowedAppUrls: options.alsoAllow?.(evil.host) });
    cleanup.push(
      () => dropSchema(executor.schema),
      () => executor.stop(500),
    );
    const client = new Inngest({ id: name, isDev: true, baseUrl: executor.url });
    const app = await serveFunctions(
      client,
      [
        client.createFunction(
          { id: "greet", triggers: [{ event: `${name}/greet` }] },
          async ({ event }) => `hello ${String(event.data.name)}`,
        ),
      ],
      {
        pinOrigin: options.pinOrigin,
      },
    );
    cleanup.push(() => app.close());
    // The executor's own sync: the app URL it is told to sync is the one it runs.
    await executor.sync(app.url);
    return { evil, client, app, executor };
  }

  const registeredUrls = (schema: string) =>
    withDatabase(async (c) =>
      (await c.query<{ url: string }>(`SELECT url FROM "${schema}".apps ORDER BY name`)).rows.map((r) => r.url),
    );

  /** An unsigned PUT naming another Host (node:http: fetch() sets Host itself). */
  function forgedPut(url: string, host: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request(url, { method: "PUT", headers: { host, "x-forwarded-host": host } }, (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      req.end();
    });
  }

  async function forgeAndRun(
    name: string,
    ctx: Awaited<ReturnType<typeof setUp>>,
  ): Promise<{ status: number; body: string }> {
    const { evil, client, app, executor } = ctx;
    const forged = await forgedPut(app.url, evil.host);
    expect(await registeredUrls(executor.schema)).toEqual([app.url]);
    await client.send({ name: `${name}/greet`, data: { name: "ada" } });
    const [run] = await eventually(async () => {
      const runs = await runsOf(executor.schema, `${name}-greet`);
      return runs.length === 1 && runs[0].status !== "running" && runs;
    });
    expect(run).toMatchObject({ status: "completed", output: "hello ada" });
    expect(evil.calls()).toBe(0);
    return forged;
  }

  it("is refused by the executor (403, nothing changed) even when the app's SDK would register the forged URL", async () => {
    const ctx = await setUp("exec-guard", { pinOrigin: false });
    const forged = await forgeAndRun("exec-guard", ctx);
    expect(forged.status).toBe(403);
    expect((JSON.parse(forged.body) as { message: string }).message).toMatch(/not an app this executor runs/);
  });

  it("registers only the configured origin at the app, even with an executor that would take the forged URL", async () => {
    const ctx = await setUp("app-guard", {
      pinOrigin: true,
      alsoAllow: (evilHost) => [`http://${evilHost}/api/inngest`],
    });
    const forged = await forgeAndRun("app-guard", ctx);
    expect(forged.status).toBe(200);
  });
});
