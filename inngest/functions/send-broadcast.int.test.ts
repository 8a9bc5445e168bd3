import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { pgPool } from "@/lib/db/pool";
import { closeSmtpTransports } from "@/lib/messaging/providers/smtp";
import { dropSchema, eventually, runsOf, serveFunctions, startTestExecutor } from "@/lib/testing/executor-harness";
import { setUpFreshDatabase } from "@/lib/testing/fresh-database";
import { startSmtpSink, type SmtpSink } from "@/lib/testing/local-provider-servers";

/**
 * The send chain on the embedded executor, with the real SDK: the broadcast sweep starts a scheduled broadcast
 * whose time came, the first link sends what is due and waits (a retry at that moment) until the rest is (a local send time three seconds
 * on), the next link sends it and the broadcast is SENT. Its own database: the sweep takes every workspace's
 * broadcasts.
 */

setUpFreshDatabase();

let executor: Awaited<ReturnType<typeof startTestExecutor>>;
let app: Awaited<ReturnType<typeof serveFunctions>>;
let sink: SmtpSink;

beforeAll(async () => {
  sink = await startSmtpSink();
  executor = await startTestExecutor();
  // before the functions are imported: the sweep reads its cron, the client where to send events
  process.env.CAIRN_WAKE_DUE_CRON = "* * * * * *";
  process.env.INNGEST_DEV = "1";
  process.env.INNGEST_BASE_URL = executor.url;
  const { inngest } = await import("@/lib/jobs");
  const { sendBroadcast } = await import("./send-broadcast");
  const { broadcastSweep } = await import("./broadcast-sweep");
  app = await serveFunctions(inngest, [sendBroadcast, broadcastSweep]);
  // the app serves in this process: its render workers are loaded before the clock matters
  await (await import("@/lib/messaging/render-pool")).renderPool().warm();
  await executor.sync(app.url);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await executor?.stop(1_000);
  if (executor) await dropSchema(executor.schema);
  closeSmtpTransports();
  await sink?.close();
  delete process.env.CAIRN_WAKE_DUE_CRON;
  delete process.env.INNGEST_DEV;
  delete process.env.INNGEST_BASE_URL;
});

describe("the broadcast send chain on the executor", () => {
  it("the sweep starts a due broadcast; a link sends what is due, waits until the rest is, and the next finishes", async () => {
    const { sendFixture } = await import("@/lib/broadcasts/send/send-test-fixtures");
    const f = await sendFixture({
      smtpPort: sink.port,
      people: 6,
      broadcast: { status: "SCHEDULED", sendAt: new Date(Date.now() - 1_000), startedAt: null },
    });
    const later = new Date(Date.now() + 3_000);
    await pgPool().query(`UPDATE "Message" SET "sendAfter" = $2 WHERE id = ANY($1::uuid[])`, [
      f.messageIds.slice(3),
      later,
    ]);

    const linksOf = async () => runsOf(executor.schema, `${(await import("@/lib/jobs")).inngest.id}-send-broadcast`);
    const sent = await eventually(
      async () => {
        const b = await db().broadcast.findUniqueOrThrow({ where: { id: f.broadcastId } });
        return b.status === "SENT" && b;
      },
      30_000,
      "the broadcast to be sent",
    ).catch(async (error) => {
      console.log("send-broadcast runs:", JSON.stringify(await linksOf(), null, 1));
      throw error;
    });
    expect(sent.completedAt!.getTime()).toBeGreaterThanOrEqual(later.getTime());
    const messages = await db().message.findMany({ where: { broadcastId: f.broadcastId } });
    expect(messages.map((m) => m.status)).toEqual(Array(6).fill("SENT"));
    expect(messages.filter((m) => m.sentAt! >= later)).toHaveLength(3);
    expect(sink.received.filter((m) => m.envelope.to[0]?.startsWith("reader-"))).toHaveLength(6);

    // The broadcast is SENT inside the last link's step; the run records its output a moment later.
    const links = await eventually(
      async () => {
        const runs = await linksOf();
        return runs.length >= 2 && runs.every((r) => r.output !== null) && runs;
      },
      10_000,
      "both links to record their output",
    );
    expect(links.map((r) => r.event.data.run)).toEqual([
      expect.stringMatching(/^start-\d+:0$/),
      expect.stringMatching(/^start-\d+:1$/),
    ]);
    expect(links.map((r) => (r.output as { decision: { next: string } }).decision.next)).toEqual(["at", "done"]);
  }, 60_000);
});
