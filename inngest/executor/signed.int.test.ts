import { randomBytes } from "node:crypto";
import { Inngest } from "inngest";
import { afterAll, describe, expect, it } from "vitest";
import { dropSchema, eventually, runsOf, serveFunctions, startTestExecutor } from "../../lib/testing/executor-harness";

/**
 * With a signing key, the executor signs its calls (X-Inngest-Signature) and checks the SDK's signed
 * registration, so the app's serve endpoint can stay in cloud mode (no INNGEST_DEV) and verify requests.
 */
describe("the executor with a signing key, against an app in cloud mode", () => {
  const signingKey = `signkey-test-${randomBytes(32).toString("hex")}`;
  const eventKey = "test-event-key";
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const fn of cleanup.reverse()) await fn();
  });

  it("syncs, runs and sends events with signed requests; unsigned calls and wrong event keys are refused", async () => {
    const executor = await startTestExecutor({ signingKey, eventKey });
    cleanup.push(
      () => dropSchema(executor.schema),
      () => executor.stop(500),
    );
    const client = new Inngest({ id: "signed", isDev: false, signingKey, eventKey, baseUrl: executor.url });
    const app = await serveFunctions(client, [
      client.createFunction({ id: "greet", triggers: [{ event: "signed/greet" }] }, async ({ event, step }) => {
        const name = await step.run("name", () => String(event.data.name).toUpperCase());
        await step.sendEvent("echo", { name: "signed/echoed", data: { name } });
        return `hello ${name}`;
      }),
      client.createFunction(
        { id: "echoed", triggers: [{ event: "signed/echoed" }] },
        async ({ event }) => event.data.name,
      ),
    ]);
    cleanup.push(() => app.close());

    await executor.sync(app.url);
    await client.send({ name: "signed/greet", data: { name: "ada" } });
    const [run] = await eventually(async () => {
      const runs = await runsOf(executor.schema, "signed-greet");
      return runs.length === 1 && runs[0].status !== "running" && runs;
    });
    expect(run).toMatchObject({ status: "completed", output: "hello ADA" });
    const [echo] = await eventually(async () => {
      const runs = await runsOf(executor.schema, "signed-echoed");
      return runs.length === 1 && runs[0].status !== "running" && runs;
    });
    expect(echo.output).toBe("ADA");

    // The app really is verifying: an unsigned execution request is refused.
    const unsigned = await fetch(`${app.url}?fnId=signed-greet&stepId=step`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(unsigned.status).toBe(401);
    const wrongKey = await fetch(`${executor.url}e/not-the-key`, {
      method: "POST",
      body: JSON.stringify({ name: "signed/greet", data: {} }),
    });
    expect(wrongKey.status).toBe(401);
    const unsignedSync = await fetch(`${executor.url}fn/register`, {
      method: "POST",
      body: JSON.stringify({ url: app.url, appName: "x", functions: [] }),
    });
    expect(unsignedSync.status).toBe(401);
  });
});
