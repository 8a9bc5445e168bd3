import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db/client";
import { pgPool } from "../../db/pool";
import { closeSmtpTransports } from "../../messaging/providers/smtp";
import { startSmtpSink, type SmtpSink } from "../../testing/local-provider-servers";
import { nextRun, runBroadcast } from "./run-broadcast";
import { sendFixture, statuses, testClock } from "./send-test-fixtures";
import { STALL_GRACE_MS, sweepBroadcasts } from "./sweep-broadcasts";

let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  closeSmtpTransports();
  await sink.close();
});

const broadcastRow = (id: string) => db().broadcast.findUniqueOrThrow({ where: { id } });

describe("a link of the send chain", () => {
  it("materializes the audience from its segment, sends it in batches and marks the broadcast SENT", async () => {
    const f = await sendFixture({ smtpPort: sink.port, people: 120, audience: "segment" });
    const clock = testClock();
    const { decision, totals, batches } = await runBroadcast(f.broadcastId, clock, { batchSize: 50, chunkSize: 40 });
    expect(decision).toEqual({ next: "done" });
    expect(totals).toMatchObject({ claimed: 120, sent: 120, failed: 0 });
    expect(batches).toBeGreaterThanOrEqual(3);
    expect(await statuses(f.broadcastId)).toEqual({ SENT: 120 });
    const broadcast = await broadcastRow(f.broadcastId);
    expect(broadcast).toMatchObject({ status: "SENT", audienceDone: true, audienceCount: 120 });
    expect(broadcast.completedAt).toEqual(clock());
    // the chain ends: another link finds it sent
    expect((await runBroadcast(f.broadcastId, clock)).decision).toEqual({ next: "stop", status: "SENT" });
  });

  it("sends nothing while paused or cancelled", async () => {
    for (const status of ["PAUSED", "CANCELLED"] as const) {
      const f = await sendFixture({ smtpPort: sink.port, people: 5, broadcast: { status } });
      const { decision, totals } = await runBroadcast(f.broadcastId, testClock());
      expect(decision).toEqual({ next: "stop", status });
      expect(totals.claimed).toBe(0);
      expect(await statuses(f.broadcastId)).toEqual({ QUEUED: 5 });
    }
  });

  it("ends a link after its time; paused, the next link sends nothing; resumed, the rest goes out once", async () => {
    const f = await sendFixture({ smtpPort: sink.port, people: 30 });
    const clock = testClock();
    // each read of the clock is a second later: the 3-second link ends after a batch or two
    const ticking = () => {
      clock.advance(1_000);
      return clock();
    };
    const link = await runBroadcast(f.broadcastId, ticking, { batchSize: 5, maxMs: 3_000 });
    expect(link.decision).toEqual({ next: "now" });
    expect(link.totals.sent).toBeGreaterThan(0);
    expect(link.totals.sent).toBeLessThan(30);
    const beat = (await db().broadcast.findUniqueOrThrow({ where: { id: f.broadcastId } })).lastProgressAt;
    expect(beat!.getTime()).toBeGreaterThan(clock().getTime() - 5_000);

    await db().broadcast.update({ where: { id: f.broadcastId }, data: { status: "PAUSED" } });
    const paused = await runBroadcast(f.broadcastId, clock, { batchSize: 5 });
    expect(paused).toMatchObject({ decision: { next: "stop", status: "PAUSED" }, totals: { claimed: 0 } });
    expect(await statuses(f.broadcastId)).toEqual({ SENT: link.totals.sent, QUEUED: 30 - link.totals.sent });

    await db().broadcast.update({ where: { id: f.broadcastId }, data: { status: "SENDING" } });
    const resumed = await runBroadcast(f.broadcastId, clock, { batchSize: 5 });
    expect(resumed.totals.sent).toBe(30 - link.totals.sent);
    expect(resumed.decision).toEqual({ next: "done" });
    const mine = sink.received.filter((m) => m.parsed.headers.get("x-cairn-message-id") !== undefined);
    const ids = new Set(f.messageIds);
    const copies = mine.map((m) => String(m.parsed.headers.get("x-cairn-message-id"))).filter((id) => ids.has(id));
    expect(copies).toHaveLength(30);
    expect(new Set(copies).size).toBe(30);
  });

  it("paces a throttled broadcast: 60 a minute is 10 messages every 10 seconds", async () => {
    const f = await sendFixture({ smtpPort: sink.port, people: 25, broadcast: { throttlePerMinute: 60 } });
    const clock = testClock();
    const start = clock().getTime();
    const first = await runBroadcast(f.broadcastId, clock);
    expect(first.totals.sent).toBe(10);
    expect(first.decision).toEqual({ next: "at", at: new Date(start + 10_000).toISOString() });
    // the heartbeat says when the chain wakes, so the sweep leaves it alone meanwhile
    expect((await broadcastRow(f.broadcastId)).lastProgressAt).toEqual(new Date(start + 10_000));

    clock.advance(10_000);
    const second = await runBroadcast(f.broadcastId, clock);
    expect(second.totals.sent).toBe(10);
    expect(second.decision).toEqual({ next: "at", at: new Date(start + 20_000).toISOString() });
    clock.advance(10_000);
    const third = await runBroadcast(f.broadcastId, clock);
    expect(third.totals.sent).toBe(5);
    expect(third.decision).toEqual({ next: "done" });
  });

  it("waits until the next local send time", async () => {
    const f = await sendFixture({ smtpPort: sink.port, people: 4 });
    const clock = testClock();
    const later = new Date(clock().getTime() + 3 * 3_600_000);
    await pgPool().query(`UPDATE "Message" SET "sendAfter" = $2 WHERE id = ANY($1::uuid[])`, [
      f.messageIds.slice(2),
      later,
    ]);
    const link = await runBroadcast(f.broadcastId, clock);
    expect(link.totals.sent).toBe(2);
    expect(link.decision).toEqual({ next: "at", at: later.toISOString() });
    clock.advance(3 * 3_600_000);
    const next = await runBroadcast(f.broadcastId, clock);
    expect(next.totals.sent).toBe(2);
    expect(next.decision).toEqual({ next: "done" });
  });

  it("in the test phase, stops for the winner decision once the test group is sent", async () => {
    const f = await sendFixture({ smtpPort: sink.port, people: 6, broadcast: { phase: "test", testPercent: 20 } });
    const link = await runBroadcast(f.broadcastId, testClock());
    expect(link.totals.sent).toBe(6);
    expect(link.decision).toEqual({ next: "winner" });
    expect((await broadcastRow(f.broadcastId)).status).toBe("SENDING");
  });

  it("names the next link after this one", () => {
    expect(nextRun("send-now")).toBe("send-now:1");
    expect(nextRun("start-123:0")).toBe("start-123:1");
    expect(nextRun("resume:9")).toBe("resume:10");
  });
});

describe("the broadcast sweep", () => {
  it("starts scheduled broadcasts whose time came, in the test phase when they test first", async () => {
    const clock = testClock();
    const due = await sendFixture({
      people: 1,
      broadcast: { status: "SCHEDULED", sendAt: new Date(clock().getTime() - 1_000), startedAt: null, testPercent: 10 },
    });
    const notYet = await sendFixture({
      people: 1,
      broadcast: { status: "SCHEDULED", sendAt: new Date(clock().getTime() + 60_000), startedAt: null },
    });
    const { started } = await sweepBroadcasts(clock);
    expect(started).toContainEqual({ broadcastId: due.broadcastId, run: `start-${clock().getTime()}:0` });
    expect(started.map((s) => s.broadcastId)).not.toContain(notYet.broadcastId);
    expect(await broadcastRow(due.broadcastId)).toMatchObject({
      status: "SENDING",
      phase: "test",
      startedAt: clock(),
      lastProgressAt: clock(),
    });
    expect((await broadcastRow(notYet.broadcastId)).status).toBe("SCHEDULED");
  });

  it("cancels what a batch in flight put back in the queue of a broadcast cancelled since, except a live claim", async () => {
    const clock = testClock();
    const hourAgo = new Date(clock().getTime() - 3_600_000);
    const cancelled = await sendFixture({ people: 3, broadcast: { status: "CANCELLED", cancelledAt: hourAgo } });
    const longAgo = await sendFixture({
      people: 2,
      broadcast: { status: "CANCELLED", cancelledAt: new Date(clock().getTime() - 8 * 24 * 3_600_000) },
    });
    const claimed = await db().message.findFirstOrThrow({ where: { broadcastId: cancelled.broadcastId } });
    await db().message.update({
      where: { id: claimed.id },
      data: { claimedUntil: new Date(clock().getTime() + 60_000) },
    });
    const { cancelled: count } = await sweepBroadcasts(clock);
    expect(count).toBeGreaterThanOrEqual(2);
    expect(await statuses(cancelled.broadcastId)).toEqual({ CANCELLED: 2, QUEUED: 1 });
    // older cancellations are not swept every minute for ever
    expect(await statuses(longAgo.broadcastId)).toEqual({ QUEUED: 2 });
  });

  it("restarts a sending broadcast whose chain went quiet with work left, and only that one", async () => {
    const clock = testClock();
    const long = new Date(clock().getTime() - STALL_GRACE_MS - 1_000);
    const stalled = await sendFixture({ people: 2, broadcast: { lastProgressAt: long, startedAt: long } });
    const fresh = await sendFixture({ people: 2, broadcast: { lastProgressAt: clock() } });
    const sleeping = await sendFixture({
      people: 2,
      broadcast: { lastProgressAt: new Date(clock().getTime() + 3_600_000), startedAt: long },
    });
    const waitingForWinner = await sendFixture({
      people: 1,
      broadcast: { lastProgressAt: long, startedAt: long, phase: "test", testPercent: 10 },
    });
    await pgPool().query(`UPDATE "Message" SET status = 'SENT' WHERE "broadcastId" = $1`, [
      waitingForWinner.broadcastId,
    ]);
    const { restarted } = await sweepBroadcasts(clock);
    const ids = restarted.map((r) => r.broadcastId);
    expect(ids).toContain(stalled.broadcastId);
    expect(ids).not.toContain(fresh.broadcastId);
    expect(ids).not.toContain(sleeping.broadcastId);
    expect(ids).not.toContain(waitingForWinner.broadcastId);
    expect((await broadcastRow(stalled.broadcastId)).lastProgressAt).toEqual(clock());
    // the next sweep leaves it to the chain it started
    clock.advance(1_000);
    expect((await sweepBroadcasts(clock)).restarted.map((r) => r.broadcastId)).not.toContain(stalled.broadcastId);
  });
});
