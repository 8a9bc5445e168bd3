import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  dropSchema,
  eventually,
  runsOf,
  serveFunctions,
  startTestExecutor,
  withDatabase,
  type StoredRun,
} from "@/lib/testing/executor-harness";
import { setUpFreshDatabase } from "@/lib/testing/fresh-database";
import type { TwilioServer } from "@/lib/testing/local-provider-servers";
import type { MessagingSetup } from "@/lib/testing/messaging-fixtures";

/**
 * deliver-message and deliver-due as Inngest runs them: the real SDK serve handler over HTTP, driven by the
 * embedded executor, sending SMS to a real local Twilio-compatible server. deliver-message maps a retryable
 * provider error ("retry") and a message another sender holds ("busy") to RetryAfterError, so the executor
 * retries the step when the message's backoff or the other sender's claim is over, and returns every other
 * outcome (sent, failed, delayed…) as the run's output, without retries. deliver-due hands a message whose
 * quiet hours ended back with a cairn/message.queued event whose id names the moment, so a repeat is dropped.
 *
 * The clock is controllable: only `Date` is faked (it still advances with real time), and the executor, the
 * app's delivery code and the cron all read it, so a test jumps to the moment a retry is due instead of
 * waiting for it.
 */

// Its own database: the executor runs deliver-due's cron, which on the shared database would sweep every
// other test file's messages.
setUpFreshDatabase();

let executor: Awaited<ReturnType<typeof startTestExecutor>>;
let app: { url: string; close(): Promise<void> };
let twilio: TwilioServer;

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true, now: new Date("2026-01-14T12:00:05.000Z") });
  // Leases far longer than any jump of the clock, so a jump never looks like a lost executor.
  executor = await startTestExecutor({ now: () => Date.now(), leaseMs: 48 * 3_600_000 });
  // Before the Inngest client is imported: it reads where to send events when it is created.
  process.env.INNGEST_DEV = "1";
  process.env.INNGEST_BASE_URL = executor.url;
  const { inngest } = await import("@/lib/jobs");
  const { deliverMessageFn } = await import("./deliver-message");
  const { deliverDue } = await import("./deliver-due");
  app = await serveFunctions(inngest, [deliverMessageFn, deliverDue]);
  await executor.sync(app.url);
  const { startTwilioServer } = await import("@/lib/testing/local-provider-servers");
  twilio = await startTwilioServer();
});

afterAll(async () => {
  await executor?.stop(1000);
  await app?.close();
  await twilio?.close();
  if (executor) await dropSchema(executor.schema);
  vi.useRealTimers();
});

/** A workspace whose SMS goes to the local Twilio server, with a journey that queues one SMS per signed_up. */
async function smsWorkspace(): Promise<MessagingSetup> {
  const { setup } = await import("@/lib/testing/messaging-fixtures");
  const { saveChannelConfig } = await import("@/lib/messaging/channel-config");
  const s = await setup(undefined, { channel: "sms" });
  await saveChannelConfig(s.owner, "sms", {
    settings: { baseUrl: twilio.url, accountSid: twilio.accountSid, from: "+15005550006" },
    secrets: { authToken: twilio.authToken },
  });
  return s;
}

/** Queues one SMS for `userId` at the (fake) current time and hands it to deliver-message as the walking functions do. */
async function queueAndSend(
  s: MessagingSetup,
  userId: string,
  phone: string,
  context: Record<string, unknown> = {},
): Promise<string> {
  const { queueFor } = await import("@/lib/testing/messaging-fixtures");
  const { inngest, messageQueuedEvents } = await import("@/lib/jobs");
  s.driver.now = new Date();
  const id = await queueFor(s, userId, { phone, first_name: userId }, context);
  await inngest.send(messageQueuedEvents([id]));
  return id;
}

async function message(id: string) {
  const { messageRow } = await import("@/lib/testing/messaging-fixtures");
  return messageRow(id);
}

async function timeline(id: string) {
  const { db } = await import("@/lib/db/client");
  return db().messageEvent.findMany({ where: { messageId: id }, orderBy: [{ at: "asc" }, { id: "asc" }] });
}

/** deliver-message's runs for one message, oldest first. */
async function deliveryRuns(messageId: string): Promise<StoredRun[]> {
  return (await runsOf(executor.schema, "cairn-deliver-message")).filter((r) => r.event.data.messageId === messageId);
}

/** The executor's queued calls of a run: when each is due and the error that put it there. */
function jobsOf(runId: string) {
  return withDatabase(async (client) => {
    const { rows } = await client.query<{
      runAt: Date;
      attempt: number;
      lastError: { name?: string; message?: string } | null;
    }>(
      `SELECT run_at AS "runAt", attempt, last_error AS "lastError" FROM "${executor.schema}".jobs WHERE run_id = $1 ORDER BY id`,
      [runId],
    );
    return rows;
  });
}

/** The message's one run, once the executor has put its call back in the queue with the error that did it. */
async function rescheduledRun(messageId: string, what: string): Promise<StoredRun> {
  const [run] = await eventually(
    async () => {
      const runs = await deliveryRuns(messageId);
      const jobs = runs.length === 1 ? await jobsOf(runs[0].id) : [];
      return jobs.length === 1 && jobs[0].lastError !== null && runs;
    },
    15_000,
    what,
  );
  return run;
}

/** The message's runs, once none is running any more. */
function finishedRuns(messageId: string, what: string): Promise<StoredRun[]> {
  return eventually(
    async () => {
      const runs = await deliveryRuns(messageId);
      return runs.every((r) => r.status !== "running") && runs;
    },
    15_000,
    what,
  );
}

const sentTo = (phone: string) => twilio.received.filter((r) => r.form.To === phone);

describe("deliver-message on the executor", () => {
  it("a retryable provider error (503) is retried at the message's backoff, by the same run, and the SMS is sent once", async () => {
    const { retryBackoffMs, MAX_ATTEMPTS } = await import("@/lib/messaging/delivery");
    vi.setSystemTime(new Date("2026-01-14T13:00:05.000Z"));
    const s = await smsWorkspace();
    twilio.failNext(1, 503);
    const rejectedBefore = twilio.rejected.length;
    const id = await queueAndSend(s, "ada", "+15550100001");

    // the first attempt fails; the message waits for its backoff, and the run for the same moment
    const retry = await eventually(
      async () => (await timeline(id)).find((e) => e.type === "retry"),
      15_000,
      "the first attempt to fail",
    );
    const reason = "The provider answered: Twilio 503 (error 20500): Service Unavailable";
    const retryAt = new Date(retry.at.getTime() + retryBackoffMs(1));
    expect(retry.detail).toEqual({ reason, attempt: 1, of: MAX_ATTEMPTS, retryAt: retryAt.toISOString() });
    expect(twilio.rejected.length).toBe(rejectedBefore + 1);
    expect(sentTo("+15550100001")).toEqual([]);
    expect(await message(id)).toMatchObject({
      status: "QUEUED",
      attempts: 1,
      claimedUntil: null,
      sendAfter: retryAt,
      statusReason: reason,
    });

    const run = await rescheduledRun(id, "the executor to reschedule the run");
    expect(run.status).toBe("running");
    const [job] = await jobsOf(run.id);
    // RetryAfterError(…, retryAt): the executor schedules the retry for retryAt, not its own backoff schedule
    expect(job.lastError).toMatchObject({ name: "RetryAfterError", message: `Attempt 1: ${reason}` });
    expect(job.attempt).toBe(1);
    expect(job.runAt.getTime() - retryAt.getTime()).toBeGreaterThanOrEqual(0);
    expect(job.runAt.getTime() - retryAt.getTime()).toBeLessThan(1_000);

    // the backoff is over: the same run tries again and the SMS goes out, with the same idempotency token
    vi.setSystemTime(job.runAt);
    const done = await finishedRuns(id, "the retried run to finish");
    expect(done.map((r) => [r.id, r.status, r.output])).toEqual([
      [run.id, "completed", { outcome: "sent", status: "SENT", providerMessageId: sentTo("+15550100001")[0]?.sid }],
    ]);
    const m = await message(id);
    expect(m).toMatchObject({ status: "SENT", attempts: 2, claimedUntil: null, sendAfter: null, statusReason: null });
    expect(m.sentAt!.getTime()).toBeGreaterThanOrEqual(retryAt.getTime());
    expect(sentTo("+15550100001").map((r) => r.idempotencyToken)).toEqual([m.idempotencyKey]);
    expect((await timeline(id)).map((e) => e.type)).toEqual(["retry", "sent"]);
  });

  it("a message a walk tried and the provider refused is handed over, and a run retries it at its backoff, not the sweep after its grace", async () => {
    const { retryBackoffMs, SWEEP_GRACE_MS } = await import("@/lib/messaging/delivery");
    const { deliverQueuedNow } = await import("@/lib/messaging/deliver-now");
    const { queueFor } = await import("@/lib/testing/messaging-fixtures");
    const { inngest, messageQueuedEvents } = await import("@/lib/jobs");
    vi.setSystemTime(new Date("2026-01-14T14:00:05.000Z"));
    const s = await smsWorkspace();
    s.driver.now = new Date();
    const id = await queueFor(s, "walker", { phone: "+15550100009", first_name: "Walker" });
    twilio.failNext(1, 503);

    // the walk's own attempt fails; the walk hands the message over as it hands over those whose delivery threw
    const handOff = await deliverQueuedNow([id]);
    expect(handOff).toEqual([id]);
    const waiting = await message(id);
    expect(waiting).toMatchObject({ status: "QUEUED", attempts: 1, claimedUntil: null });
    const retryAt = waiting.sendAfter!;
    expect(retryAt.getTime() - Date.now()).toBeGreaterThan(retryBackoffMs(1) - 1_000);
    await inngest.send(messageQueuedEvents(handOff));

    // the run finds it not yet due and waits for exactly its backoff
    const run = await rescheduledRun(id, "the handed-over run to wait for the backoff");
    const [job] = await jobsOf(run.id);
    expect(job.lastError).toMatchObject({ name: "RetryAfterError", message: expect.stringMatching(/^Not yet due/) });
    expect(job.runAt.getTime() - retryAt.getTime()).toBeGreaterThanOrEqual(0);
    expect(job.runAt.getTime() - retryAt.getTime()).toBeLessThan(1_000);
    expect(sentTo("+15550100009")).toEqual([]);

    // at the backoff's end, well before the sweep's grace is over, the same run sends it, once
    vi.setSystemTime(job.runAt);
    const done = await finishedRuns(id, "the handed-over run to finish");
    expect(done.map((r) => [r.id, r.status, r.output])).toEqual([
      [run.id, "completed", { outcome: "sent", status: "SENT", providerMessageId: sentTo("+15550100009")[0]?.sid }],
    ]);
    const sent = await message(id);
    expect(sent).toMatchObject({ status: "SENT", attempts: 2 });
    expect(sent.sentAt!.getTime() - retryAt.getTime()).toBeLessThan(SWEEP_GRACE_MS);
    expect(sentTo("+15550100009")).toHaveLength(1);
  });

  it("a permanent provider error (401) fails the message at once: the run completes with the reason and is not retried", async () => {
    vi.setSystemTime(new Date("2026-01-14T14:00:05.000Z"));
    const s = await smsWorkspace();
    twilio.failNext(1, 401);
    const rejectedBefore = twilio.rejected.length;
    const id = await queueAndSend(s, "bo", "+15550100002");

    const [run] = await eventually(
      async () => {
        const runs = await deliveryRuns(id);
        return runs.length === 1 && runs[0].status !== "running" && runs;
      },
      15_000,
      "the run to finish",
    );
    const reason = "The provider answered: Twilio 401 (error 20003): Unauthorized";
    expect(run.status).toBe("completed");
    expect(run.output).toEqual({ outcome: "failed", reason });
    // nothing left queued for the run: no retry will come, however long one waits
    expect(await jobsOf(run.id)).toEqual([]);
    expect(await message(id)).toMatchObject({
      status: "FAILED",
      statusReason: reason,
      attempts: 1,
      sendAfter: null,
      claimedUntil: null,
    });
    expect((await timeline(id)).map((e) => [e.type, e.detail])).toEqual([["failed", { reason }]]);
    expect(twilio.rejected.length).toBe(rejectedBefore + 1);
    expect(sentTo("+15550100002")).toEqual([]);
  });

  it("a message another sender holds ('busy') is retried when that sender's claim lapses, then sent once", async () => {
    const { pgPool } = await import("@/lib/db/pool");
    vi.setSystemTime(new Date("2026-01-14T15:00:05.000Z"));
    const s = await smsWorkspace();
    const { queueFor } = await import("@/lib/testing/messaging-fixtures");
    const { inngest, messageQueuedEvents } = await import("@/lib/jobs");
    s.driver.now = new Date();
    const id = await queueFor(s, "cy", { phone: "+15550100003", first_name: "Cy" });
    // what a sender that is (or was) mid-call leaves: its claim, 40 s from now
    const claimedUntil = new Date(Date.now() + 40_000);
    await pgPool().query(`UPDATE "Message" SET "claimedUntil" = $2, attempts = 1 WHERE id = $1`, [id, claimedUntil]);
    await inngest.send(messageQueuedEvents([id]));

    const run = await rescheduledRun(id, "the executor to reschedule the run");
    const [job] = await jobsOf(run.id);
    expect(job.lastError).toMatchObject({ name: "RetryAfterError", message: "Another sender holds this message" });
    // RetryAfterError(…, ms) goes as whole seconds, rounded up: due when the claim has lapsed, not long after
    expect(job.runAt.getTime()).toBeGreaterThanOrEqual(claimedUntil.getTime());
    expect(job.runAt.getTime() - claimedUntil.getTime()).toBeLessThan(2_000);
    expect(sentTo("+15550100003")).toEqual([]);
    expect(await message(id)).toMatchObject({ status: "QUEUED", claimedUntil });

    vi.setSystemTime(job.runAt);
    const done = await finishedRuns(id, "the retried run to finish");
    expect(done.map((r) => [r.id, r.status, (r.output as { outcome: string }).outcome])).toEqual([
      [run.id, "completed", "sent"],
    ]);
    expect(await message(id)).toMatchObject({ status: "SENT", attempts: 2, claimedUntil: null });
    expect(sentTo("+15550100003")).toHaveLength(1);
  });
});

describe("deliver-due on the executor", () => {
  it("hands a message back when its quiet hours end, with an event id naming that moment, and a repeat of the event is dropped", async () => {
    const { savePolicy } = await import("@/lib/messaging/policy");
    const { inngest, MESSAGE_QUEUED } = await import("@/lib/jobs");
    vi.setSystemTime(new Date("2026-01-14T21:30:05.000Z")); // 22:30 in Paris
    const s = await smsWorkspace();
    await savePolicy(s.owner, { quietHours: { start: "21:00", end: "08:00", channels: ["sms"] } });
    const id = await queueAndSend(s, "dee", "+15550100004", { timezone: "Europe/Paris" });

    // deliver-message finds quiet hours: the run ends "delayed" (no retry), the message waits for 08:00 Paris
    const until = "2026-01-15T07:00:00.000Z";
    const reason = "Quiet hours 21:00–08:00 in Europe/Paris";
    const [delayed] = await eventually(
      async () => {
        const runs = await deliveryRuns(id);
        return runs.length === 1 && runs[0].status !== "running" && runs;
      },
      15_000,
      "the first run to finish",
    );
    expect(delayed).toMatchObject({ status: "completed", output: { outcome: "delayed", until, reason } });
    expect(delayed.event.id).toBe(`message-queued-${id}`);
    expect(await jobsOf(delayed.id)).toEqual([]);
    expect(await message(id)).toMatchObject({ status: "QUEUED", sendAfter: new Date(until) });
    expect(sentTo("+15550100004")).toEqual([]);

    // 08:00 in Paris: the cron's next tick runs deliver-due, which hands the message to deliver-message again
    vi.setSystemTime(new Date(until));
    const runs = await eventually(
      async () => {
        const all = await deliveryRuns(id);
        return all.length === 2 && all.every((r) => r.status !== "running") && all;
      },
      20_000,
      "deliver-due to hand the message back and the second run to finish",
    );
    const dueEventId = `message-due-${id}-${until}`;
    expect(runs.map((r) => [r.event.id, r.event.name, r.status, (r.output as { outcome: string }).outcome])).toEqual([
      [`message-queued-${id}`, MESSAGE_QUEUED, "completed", "delayed"],
      [dueEventId, MESSAGE_QUEUED, "completed", "sent"],
    ]);
    // The sweep's run records its output after the step that handed the message on: wait for it.
    const sweeps = await eventually(
      async () => {
        const found = (await runsOf(executor.schema, "cairn-deliver-due")).filter(
          (r) => (r.output as { due?: number } | null)?.due,
        );
        return found.length > 0 && found;
      },
      10_000,
      "the sweep that handed the message back to record its output",
    );
    expect(sweeps.map((r) => [r.status, r.output])).toEqual([["completed", { due: 1 }]]);
    expect(await message(id)).toMatchObject({ status: "SENT", attempts: 1, sendAfter: null });
    expect(sentTo("+15550100004")).toHaveLength(1);
    expect((await timeline(id)).map((e) => e.type)).toEqual(["delayed", "sent"]);

    // the same moment handed back again (a repeated sweep) is dropped by its event id: the executor stores
    // the runs an event starts before it answers, so none was started
    await inngest.send({ id: dueEventId, name: MESSAGE_QUEUED, data: { messageId: id } });
    expect((await deliveryRuns(id)).length).toBe(2);
  });
});
