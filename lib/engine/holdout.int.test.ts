/**
 * An A/B split's holdout, walked by the engine: held-out people go on along the control arm's path at its real
 * times (a delay, a later split, a wait, a goal step) and get nothing on the way: no message, no webhook call,
 * no profile change, no assignment at a later split. Each withheld step is in their trace, and their split
 * assignment records when they would first have been messaged.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workspaceContextForApiKey } from "../api-keys/api-keys";
import { pgPool } from "../db/pool";
import type { TJourneyGraphInput } from "../journeys/graph";
import { EngineDriver, publishGraph } from "../testing/engine-driver";
import { ingestFixture } from "../testing/ingest-helpers";
import { walkBatch } from "./walk-batch";
import { journeyStats, profileJourneys } from "./read-model";

const HOUR = 3_600_000;
const T0 = new Date("2026-05-04T09:00:00.000Z");
const after = (hours: number) => new Date(T0.getTime() + hours * HOUR);

let receiver: Server;
let url: string;
const calls: string[] = [];
beforeAll(async () => {
  receiver = createServer((req, res) => {
    calls.push(String(req.url));
    res.end("ok");
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

const at = (x: number, y: number) => ({ x, y });

/**
 * trigger → split (a 40 / b 40 / holdout 20)
 *   a (control): a 1-day delay → update the profile → "Welcome" email → webhook → a second split (x / y, each an email) → 10-day wait → goal step
 *   b:           an email → the same wait
 */
function holdoutJourney(run: string, hook: string): TJourneyGraphInput {
  return {
    nodes: [
      { id: "trigger", type: "trigger.event", position: at(0, 0), config: { eventName: `joined_${run}`, filters: [] } },
      {
        id: "ab",
        type: "split",
        position: at(0, 100),
        label: "Welcome test",
        config: {
          arms: [
            { id: "a", label: "Slow welcome", weight: 40 },
            { id: "b", label: "Fast welcome", weight: 40 },
          ],
          holdout: { weight: 20 },
        },
      },
      { id: "settle", type: "delay.duration", position: at(0, 200), config: { duration: { amount: 1, unit: "days" } } },
      {
        id: "flag",
        type: "action.update_profile",
        position: at(0, 300),
        config: { set: { welcomed: true }, unset: [] },
      },
      {
        id: "welcome",
        type: "action.email",
        position: at(0, 400),
        label: "Welcome",
        config: { templateId: "tpl-welcome" },
      },
      {
        id: "notify",
        type: "action.webhook",
        position: at(0, 500),
        config: { url: `${hook}/welcomed`, method: "POST", headers: {}, body: "{}" },
      },
      {
        id: "ab2",
        type: "split",
        position: at(0, 600),
        label: "Follow-up test",
        config: {
          arms: [
            { id: "x", label: "Tips", weight: 50 },
            { id: "y", label: "Offer", weight: 50 },
          ],
        },
      },
      { id: "tips", type: "action.email", position: at(0, 700), config: { templateId: "tpl-tips" } },
      { id: "offer", type: "action.email", position: at(250, 700), config: { templateId: "tpl-offer" } },
      { id: "fast", type: "action.email", position: at(500, 200), config: { templateId: "tpl-fast" } },
      { id: "wait", type: "delay.duration", position: at(0, 800), config: { duration: { amount: 10, unit: "days" } } },
      { id: "goal", type: "goal", position: at(0, 900), config: { eventName: `paid_${run}` } },
    ],
    edges: [
      { id: "e1", source: "trigger", target: "ab" },
      { id: "e-a", source: "ab", target: "settle", branch: "a" },
      { id: "e-b", source: "ab", target: "fast", branch: "b" },
      { id: "e2", source: "settle", target: "flag" },
      { id: "e3", source: "flag", target: "welcome" },
      { id: "e4", source: "welcome", target: "notify" },
      { id: "e5", source: "notify", target: "ab2" },
      { id: "e-x", source: "ab2", target: "tips", branch: "x" },
      { id: "e-y", source: "ab2", target: "offer", branch: "y" },
      { id: "e6", source: "tips", target: "wait" },
      { id: "e7", source: "offer", target: "wait" },
      { id: "e8", source: "fast", target: "wait" },
      { id: "e9", source: "wait", target: "goal" },
    ],
  };
}

interface Person {
  userId: string;
  profileId: string;
  enrollmentId: string;
  armId: string;
  wouldHaveMessagedAt: Date | null;
  status: string;
  currentNodeId: string;
  welcomed: unknown;
}

async function people(journeyId: string): Promise<Map<string, Person>> {
  const { rows } = await pgPool().query<Person>(
    `SELECT p."userId", p.id AS "profileId", e.id AS "enrollmentId", sa."armId", sa."wouldHaveMessagedAt", e.status::text, e."currentNodeId", p.traits -> 'welcomed' AS welcomed
       FROM "Enrollment" e JOIN "Profile" p ON p.id = e."profileId" JOIN "SplitAssignment" sa ON sa."enrollmentId" = e.id AND sa."nodeId" = 'ab'
      WHERE e."journeyId" = $1`,
    [journeyId],
  );
  return new Map(rows.map((r) => [r.userId, r]));
}

async function count(sql: string, params: unknown[]): Promise<number> {
  const { rows } = await pgPool().query<{ n: number }>(sql, params);
  return rows[0].n;
}

describe("the holdout of an A/B split", () => {
  it("walks the control path at its real times with every side effect withheld, and records when it would have been messaged", async () => {
    const ctx = await workspaceContextForApiKey((await ingestFixture("FULL")).key);
    const run = randomUUID().slice(0, 8);
    const { journeyId } = await publishGraph(ctx, holdoutJourney(run, url));
    const engine = new EngineDriver(ctx, T0);
    calls.length = 0;

    const userIds = Array.from({ length: 60 }, (_, i) => `held-${run}-${i}`);
    await engine.send(userIds.map((userId) => ({ type: "track", userId, event: `joined_${run}` })));
    let byUser = await people(journeyId);
    expect(byUser.size).toBe(60);
    const inArm = (armId: string) => [...byUser.values()].filter((p) => p.armId === armId);
    const [a, b, held] = [inArm("a"), inArm("b"), inArm("holdout")];
    expect(held.length).toBeGreaterThan(0); // 20% of 60: none held out happens once in 650,000 runs
    const heldIds = held.map((p) => p.enrollmentId);

    // At entry: the holdout waits in the control arm's delay, as arm a does; nothing would have been sent yet.
    for (const p of [...a, ...held])
      expect(p).toMatchObject({ status: "WAITING", currentNodeId: "settle", wouldHaveMessagedAt: null });

    // A day later the delay ends for arm a and the holdout alike.
    engine.advanceTime(24 * HOUR);
    await engine.tick();
    byUser = await people(journeyId);
    for (const p of held) {
      const now = byUser.get(p.userId)!;
      // Walked on to the long wait, at the time arm a did; the first withheld step set the time, to the clock of the walk.
      expect(now).toMatchObject({ status: "WAITING", currentNodeId: "wait", welcomed: null });
      expect(now.wouldHaveMessagedAt?.toISOString()).toBe(after(24).toISOString());
    }
    for (const p of [...a, ...b]) expect(byUser.get(p.userId)!.wouldHaveMessagedAt).toBeNull();
    for (const p of a) expect(byUser.get(p.userId)).toMatchObject({ currentNodeId: "wait", welcomed: true });

    // No message, no call, no assignment at the second split for anyone held out; arm a got all three.
    expect(
      await count(`SELECT count(*)::int AS n FROM "Message" WHERE "enrollmentId" = ANY($1::uuid[])`, [heldIds]),
    ).toBe(0);
    expect(
      await count(`SELECT count(*)::int AS n FROM "Message" WHERE "enrollmentId" = ANY($1::uuid[])`, [
        a.map((p) => p.enrollmentId),
      ]),
    ).toBe(2 * a.length);
    expect(calls).toHaveLength(a.length);
    expect(
      await count(`SELECT count(*)::int AS n FROM "WebhookCall" WHERE "enrollmentId" = ANY($1::uuid[])`, [heldIds]),
    ).toBe(0);
    expect(
      await count(
        `SELECT count(*)::int AS n FROM "SplitAssignment" WHERE "enrollmentId" = ANY($1::uuid[]) AND "nodeId" = 'ab2'`,
        [heldIds],
      ),
    ).toBe(0);
    expect(
      await count(`SELECT count(*)::int AS n FROM "SplitAssignment" WHERE "journeyId" = $1 AND "nodeId" = 'ab2'`, [
        journeyId,
      ]),
    ).toBe(a.length);

    // The trace says what was withheld, step by step, on the control arm's path.
    const trace = (await profileJourneys(ctx, held[0].profileId))[0];
    expect(trace.steps.map((s) => [s.nodeId, s.exitLabel, s.outcome])).toEqual([
      ["trigger", null, `Entered from joined_${run}`],
      [
        "ab",
        "Holdout, on Slow welcome’s path",
        "Held out: walks on as Slow welcome (the control) would, and gets nothing from this journey",
      ],
      ["settle", null, "The wait is over"],
      ["flag", null, "Held out: would have updated the profile (set welcomed); left unchanged"],
      ["welcome", null, "Held out: would have sent the email “Welcome” now; nothing was sent"],
      ["notify", null, `Held out: would have called POST ${url}/welcomed now; no call was made`],
      ["ab2", "Holdout, on Tips’s path", "Still held out: follows Tips (the control) without being assigned here"],
      ["tips", null, "Held out: would have sent the email (template tpl-tips) now; nothing was sent"],
      ["wait", null, "Waiting 10 days, until 2026-05-15T09:00:00.000Z"],
    ]);
    expect(trace.steps.find((s) => s.nodeId === "welcome")!.inputs).toEqual({
      heldOutBy: "ab",
      withheld: "message",
      channel: "email",
      templateId: "tpl-welcome",
    });
    expect(trace.steps.find((s) => s.nodeId === "welcome")!.enteredAt).toBe(after(24).toISOString());

    // Walking them again later changes nothing: they are waiting, and the time stays the first one.
    engine.advanceTime(HOUR);
    await walkBatch(heldIds, engine.now);
    for (const p of held)
      expect((await people(journeyId)).get(p.userId)!.wouldHaveMessagedAt?.toISOString()).toBe(after(24).toISOString());

    // The canvas: held-out visits count on the control path's nodes; its message counts come from messages only.
    await pgPool().query(`UPDATE "Message" SET "sentAt" = $2, status = 'SENT' WHERE "journeyId" = $1`, [
      journeyId,
      after(24),
    ]);
    const stats = await journeyStats(ctx, journeyId, engine.now);
    expect(stats.nodes.welcome).toMatchObject({ entered: a.length + held.length, messages: { sent: a.length } });
    expect(stats.nodes.fast).toMatchObject({ entered: b.length, messages: { sent: b.length } });

    // Goals work for them as for everyone: the goal step's event converts a held-out person still in the journey.
    await engine.track(held[0].userId, `paid_${run}`);
    expect((await people(journeyId)).get(held[0].userId)!.status).toBe("CONVERTED");
    expect(
      await count(`SELECT count(*)::int AS n FROM "Conversion" WHERE "enrollmentId" = $1`, [held[0].enrollmentId]),
    ).toBe(1);

    // And the path ends where control's does.
    engine.advanceTime(10 * 24 * HOUR);
    await engine.tick();
    for (const p of held.slice(1))
      expect((await people(journeyId)).get(p.userId)).toMatchObject({ status: "COMPLETED", currentNodeId: "goal" });
  });

  it("a message right after the split: the holdout's time is the assignment's, in the same walk", async () => {
    const ctx = await workspaceContextForApiKey((await ingestFixture("FULL")).key);
    const run = randomUUID().slice(0, 8);
    const graph = holdoutJourney(run, url);
    // Arm a starts with the email: trigger → split → welcome → …
    graph.edges = graph.edges
      .map((e) => (e.id === "e-a" ? { ...e, target: "welcome" } : e))
      .filter((e) => e.id !== "e2" && e.id !== "e3");
    graph.nodes = graph.nodes.filter((n) => n.id !== "settle" && n.id !== "flag");
    const { journeyId } = await publishGraph(ctx, graph);
    const engine = new EngineDriver(ctx, T0);
    await engine.send(
      Array.from({ length: 40 }, (_, i) => ({ type: "track", userId: `now-${run}-${i}`, event: `joined_${run}` })),
    );
    const held = [...(await people(journeyId)).values()].filter((p) => p.armId === "holdout");
    expect(held.length).toBeGreaterThan(0);
    for (const p of held)
      expect(p).toMatchObject({ status: "WAITING", currentNodeId: "wait", wouldHaveMessagedAt: T0 });
    expect(
      await count(`SELECT count(*)::int AS n FROM "Message" WHERE "enrollmentId" = ANY($1::uuid[])`, [
        held.map((p) => p.enrollmentId),
      ]),
    ).toBe(0);
  });
});
