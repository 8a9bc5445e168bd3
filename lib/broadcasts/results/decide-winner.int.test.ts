/**
 * The winner after test, at a clock the test moves: a significant winner, the best observed rate when nothing is
 * significant, not before the time, not while test messages are queued, once only; and the audit entry, the rest
 * phase and the results' winner with its reason.
 */
import { describe, expect, it } from "vitest";
import { db } from "../../db/client";
import { contextOf, createWorkspaceWithTeam } from "../../testing/factories";
import { decideDueWinners } from "./decide-winner";
import { getBroadcastResults } from "./load-broadcast-results";
import { at, insertBroadcast, insertMessages, type MessageSpec } from "./testing";

const TEST = { testPercent: 20, winnerAfterHours: 4, winnerMetric: "open", phase: "test" } as const;

/** `n` delivered messages of a variant, `opened` of them opened an hour in. */
const sent = (variant: string, n: number, opened: number): MessageSpec[] =>
  Array.from({ length: n }, (_, i) => ({ variant, deliveredAt: at(0.1), openedAt: i < opened ? at(1) : null }));

async function decisionsFor(broadcastId: string, now: Date) {
  return (await decideDueWinners(now)).filter((d) => d.broadcastId === broadcastId);
}

describe("the winner after test", () => {
  it("sends the variant the sequential test calls better, records why, and decides once", async () => {
    const team = await createWorkspaceWithTeam("Winner");
    const id = await insertBroadcast(team.id, TEST);
    await insertMessages(team.id, id, [...sent("A", 400, 40), ...sent("B", 400, 200)]);

    expect(await decisionsFor(id, at(3.9))).toEqual([]);
    const [decision] = await decisionsFor(id, at(4));
    expect(decision).toMatchObject({ broadcastId: id, winner: "B" });
    expect(decision.reason).toMatch(/"Variant B" beats "A: Plain": open rate \+400\.0%, sequential/);

    const row = await db().broadcast.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ phase: "rest", winnerVariant: "B", audienceDone: false });
    expect(row.winnerDecidedAt).toEqual(at(4));
    const audit = await db().auditLog.findMany({ where: { targetId: id, action: "broadcast.winner_chosen" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorLabel: "Winner after test", actorUserId: null });
    expect(audit[0].metadata).toMatchObject({ winner: "B", metric: "open", significant: true });

    // a second run finds nothing due
    expect(await decisionsFor(id, at(5))).toEqual([]);
    expect(await db().auditLog.count({ where: { targetId: id, action: "broadcast.winner_chosen" } })).toBe(1);

    // the rest's messages (created after the decision) all go to the winner and stay out of the comparison
    await insertMessages(
      team.id,
      id,
      sent("B", 300, 0).map((m) => ({ ...m, createdAt: at(4.5) })),
    );
    const results = await getBroadcastResults(await contextOf(team, "VIEWER"), id, {}, at(6));
    expect(results.variants.map((v) => v.audience)).toEqual([400, 700]);
    expect(results.statistics!.arms.map((a) => a.assigned)).toEqual([400, 400]);
    expect(results.metric).toBe("open");
    expect(results.winner).toEqual({
      key: "B",
      label: "Variant B",
      decidedAt: at(4).toISOString(),
      reason: decision.reason,
    });
  });

  it("when no variant is significantly better, sends the best observed rate and says so", async () => {
    const team = await createWorkspaceWithTeam();
    const id = await insertBroadcast(team.id, TEST);
    await insertMessages(team.id, id, [...sent("A", 200, 40), ...sent("B", 200, 46)]);
    const [decision] = await decisionsFor(id, at(4));
    expect(decision.winner).toBe("B");
    expect(decision.reason).toMatch(/^After 4 h no variant was significantly better on open rate/);
    expect(decision.reason).toMatch(/sending "Variant B", the best observed open rate/);
    const audit = await db().auditLog.findFirstOrThrow({ where: { targetId: id } });
    expect(audit.metadata).toMatchObject({ significant: false });
  });

  it("waits while test messages are queued, while the test group is being materialized, and for a paused broadcast", async () => {
    const team = await createWorkspaceWithTeam();
    const queued = await insertBroadcast(team.id, TEST);
    await insertMessages(team.id, queued, [...sent("A", 5, 1), ...sent("B", 5, 2), { variant: "B", sentAt: null }]);
    const materializing = await insertBroadcast(team.id, { ...TEST, audienceDone: false });
    await insertMessages(team.id, materializing, [...sent("A", 5, 1), ...sent("B", 5, 2)]);
    const paused = await insertBroadcast(team.id, { ...TEST, status: "PAUSED" });
    await insertMessages(team.id, paused, [...sent("A", 5, 1), ...sent("B", 5, 2)]);

    const decided = (await decideDueWinners(at(10))).map((d) => d.broadcastId);
    expect(decided).not.toContain(queued);
    expect(decided).not.toContain(materializing);
    expect(decided).not.toContain(paused);
    for (const id of [queued, materializing, paused])
      expect(await db().broadcast.findUniqueOrThrow({ where: { id } })).toMatchObject({
        phase: "test",
        winnerVariant: null,
      });

    await db().message.updateMany({
      where: { broadcastId: queued, status: "QUEUED" },
      data: { status: "SENT", sentAt: at(9) },
    });
    expect((await decisionsFor(queued, at(10)))[0]).toMatchObject({ winner: "B" });
  });

  it("finishes a decision whose rest phase did not begin (a run that stopped in between)", async () => {
    const team = await createWorkspaceWithTeam();
    const id = await insertBroadcast(team.id, { ...TEST, winnerVariant: "A", winnerDecidedAt: at(4) });
    await insertMessages(team.id, id, [...sent("A", 5, 1), ...sent("B", 5, 2)]);
    const [decision] = await decisionsFor(id, at(5));
    expect(decision.winner).toBe("A");
    expect(await db().broadcast.findUniqueOrThrow({ where: { id } })).toMatchObject({
      phase: "rest",
      winnerVariant: "A",
    });
    expect(await decisionsFor(id, at(6))).toEqual([]);
  });
});
