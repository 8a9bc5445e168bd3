import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db/client";
import { AppError } from "../../errors";
import { type AssignmentPlan, isHeldOut, isInTestGroup, variantFor } from "./assign";
import { createAudienceWorkspace, createBroadcastRow, createProfiles, type BroadcastRow } from "./audience-fixtures";
import { audienceByZone, countAudience } from "./count-audience";
import { sendMomentIn } from "./local-send-time";
import { materializeNextChunk } from "./materialize-audience";
import { startRestPhase } from "./start-rest-phase";

const NOW = new Date("2026-03-20T10:00:00.000Z");
const [SEG_A, SEG_B, SEG_X] = [randomUUID(), randomUUID(), randomUUID()];
const [TEMPLATE_A, TEMPLATE_B, TEMPLATE_C] = [randomUUID(), randomUUID(), randomUUID()];

/** Runs chunks until the audience is done; returns the results. */
async function materializeAll(broadcastId: string, chunkSize: number) {
  const results = [];
  for (let i = 0; i < 10_000; i++) {
    const result = await materializeNextChunk(broadcastId, NOW, chunkSize);
    results.push(result);
    if (result.done) return results;
  }
  throw new Error("the audience never finished");
}

const messagesOf = (broadcastId: string) =>
  db().message.findMany({ where: { broadcastId }, orderBy: { profileId: "asc" } });
const holdoutsOf = async (broadcastId: string) =>
  (await db().broadcastHoldout.findMany({ where: { broadcastId } })).map((h) => h.profileId).sort();
const broadcastRow = (id: string) => db().broadcast.findUniqueOrThrow({ where: { id } });

describe("a small audience in several zones", () => {
  let workspaceId: string;
  let otherWorkspaceId: string;
  /** the people who should get the broadcast, by their zone's name in the test */
  let people: Record<string, string>;
  let excluded: string;
  let merged: string;
  let outside: string;
  let foreign: string;

  beforeAll(async () => {
    workspaceId = await createAudienceWorkspace();
    otherWorkspaceId = await createAudienceWorkspace();
    const zones = {
      berlin: "Europe/Berlin",
      newYork: "America/New_York",
      kolkata: "Asia/Kolkata",
      kiritimati: "Pacific/Kiritimati",
      gmtMinus12: "Etc/GMT+12",
      sydney: "Australia/Sydney",
      unknown: null,
      invalid: "Mars/Olympus_Mons",
    } as Record<string, string | null>;
    const names = Object.keys(zones);
    const ids = await createProfiles(
      workspaceId,
      names.map((name, i) => ({
        timezone: zones[name],
        // some in A, some in B, two in both (counted once)
        segments: i % 3 === 0 ? [SEG_A, SEG_B] : i % 2 === 0 ? [SEG_A] : [SEG_B],
      })),
    );
    people = Object.fromEntries(names.map((name, i) => [name, ids[i]]));
    [excluded, merged, outside] = await createProfiles(workspaceId, [
      { timezone: "Europe/Berlin", segments: [SEG_A, SEG_X] },
      { timezone: "Europe/Berlin", segments: [SEG_B], mergedIntoId: people.berlin },
      { timezone: "Europe/Berlin", segments: [] },
    ]);
    // a membership row naming the segment in another workspace: never part of this audience
    [foreign] = await createProfiles(otherWorkspaceId, [{ timezone: "UTC", segments: [SEG_A] }]);
  });

  const base = (): BroadcastRow => ({
    workspaceId,
    segmentIds: [SEG_A, SEG_B],
    excludedSegmentIds: [SEG_X],
    variants: [
      { key: "A", templateId: TEMPLATE_A, weight: 50 },
      { key: "B", templateId: TEMPLATE_B, weight: 50 },
    ],
  });

  it("counts the audience and its zones: distinct live people, exclusions applied", async () => {
    expect(await countAudience(workspaceId, [SEG_A, SEG_B], [SEG_X])).toBe(8);
    expect(await countAudience(workspaceId, [SEG_A, SEG_B])).toBe(9);
    expect(await countAudience(workspaceId, [])).toBe(0);
    expect(await countAudience(otherWorkspaceId, [SEG_A])).toBe(1);
    const zones = await audienceByZone(workspaceId, [SEG_A, SEG_B], [SEG_X]);
    expect(zones.reduce((sum, z) => sum + z.count, 0)).toBe(8);
    expect(new Map(zones.map((z) => [z.zone, z.count]))).toEqual(
      new Map<string | null, number>([
        ["Europe/Berlin", 1],
        ["America/New_York", 1],
        ["Asia/Kolkata", 1],
        ["Pacific/Kiritimati", 1],
        ["Etc/GMT+12", 1],
        ["Australia/Sydney", 1],
        ["Mars/Olympus_Mons", 1],
        [null, 1],
      ]),
    );
    expect(await audienceByZone(workspaceId, [])).toEqual([]);
  });

  it("sends now: every person exactly once, in chunks of 3, with the message a sender needs", async () => {
    const id = await createBroadcastRow({ ...base(), channel: "sms", name: "Flash sale" });
    const results = await materializeAll(id, 3);
    // 8 people + the excluded, the merged and the other workspace's member are candidates: 11 ids, 4 chunks of 3
    expect(results.map((r) => r.created)).toEqual([
      expect.any(Number),
      expect.any(Number),
      expect.any(Number),
      expect.any(Number),
    ]);
    expect(results.reduce((sum, r) => sum + r.created, 0)).toBe(8);
    expect(results.map((r) => r.done)).toEqual([false, false, false, true]);

    const messages = await messagesOf(id);
    expect(messages.map((m) => m.profileId).sort()).toEqual(Object.values(people).sort());
    for (const excludedId of [excluded, merged, outside, foreign])
      expect(messages.some((m) => m.profileId === excludedId)).toBe(false);
    const plan: AssignmentPlan = { broadcastId: id, holdoutPercent: 0, testPercent: null, variants: base().variants! };
    for (const m of messages) {
      const variant = variantFor(plan, m.profileId as string);
      expect(m).toMatchObject({
        workspaceId,
        broadcastId: id,
        channel: "sms",
        variant,
        templateId: variant === "A" ? TEMPLATE_A : TEMPLATE_B,
        status: "QUEUED",
        category: "marketing",
        idempotencyKey: `b:${id}:${m.profileId}`,
        context: { broadcast: { id, name: "Flash sale" } },
        sendAfter: null,
        createdAt: NOW,
        updatedAt: NOW,
        journeyId: null,
      });
    }
    const row = await broadcastRow(id);
    expect(row).toMatchObject({ audienceCount: 8, holdoutCount: 0, audienceDone: true, lastProgressAt: NOW });
    // the cursor is the last candidate read, eligible or not (the other workspace's member is read and skipped)
    expect(row.audienceCursor).toBe([...Object.values(people), excluded, merged, foreign].sort().at(-1));

    // done: another call changes nothing
    expect(await materializeNextChunk(id, NOW, 3)).toEqual({ created: 0, heldOut: 0, done: true });
    expect(await db().message.count({ where: { broadcastId: id } })).toBe(8);
  });

  it("sends at 02:30 local on Berlin's spring-forward day: each zone's instant, the workspace zone for the rest", async () => {
    const id = await createBroadcastRow({
      ...base(),
      scheduleKind: "local",
      localDate: "2026-03-29",
      localTime: "02:30",
      timezone: "Europe/Berlin",
    });
    await materializeAll(id, 3);
    const sendAfter = new Map((await messagesOf(id)).map((m) => [m.profileId, m.sendAfter?.toISOString()]));
    const expected = {
      berlin: "2026-03-29T01:00:00.000Z", // 02:30 does not exist: 03:00 CEST, the end of the gap
      newYork: "2026-03-29T06:30:00.000Z", // EDT (−4) since March 8
      kolkata: "2026-03-28T21:00:00.000Z", // +05:30
      kiritimati: "2026-03-28T12:30:00.000Z", // +14: the first zone to send
      gmtMinus12: "2026-03-29T14:30:00.000Z", // −12: the last
      sydney: "2026-03-28T15:30:00.000Z", // AEDT (+11) until April 5
      unknown: "2026-03-29T01:00:00.000Z", // no zone: the broadcast's (Berlin), in its gap
      invalid: "2026-03-29T01:00:00.000Z", // a zone that is not one: the broadcast's
    } as Record<string, string>;
    for (const [name, instant] of Object.entries(expected)) {
      expect(sendAfter.get(people[name]), name).toBe(instant);
      const zone = name === "unknown" || name === "invalid" ? "Europe/Berlin" : undefined;
      if (zone) expect(sendMomentIn(zone, "2026-03-29", "02:30").toISOString()).toBe(instant);
    }
  });

  it("sends at 01:30 local on New York's fall-back day at the first 01:30", async () => {
    const id = await createBroadcastRow({
      ...base(),
      scheduleKind: "local",
      localDate: "2026-11-01",
      localTime: "01:30",
      timezone: "America/New_York",
    });
    await materializeAll(id, 50);
    const sendAfter = new Map((await messagesOf(id)).map((m) => [m.profileId, m.sendAfter?.toISOString()]));
    expect(sendAfter.get(people.newYork)).toBe("2026-11-01T05:30:00.000Z"); // EDT, not the second 01:30 (EST)
    expect(sendAfter.get(people.unknown)).toBe("2026-11-01T05:30:00.000Z");
    expect(sendAfter.get(people.berlin)).toBe("2026-11-01T00:30:00.000Z"); // CET again since October 25
    expect(sendAfter.get(people.sydney)).toBe("2026-10-31T14:30:00.000Z"); // AEDT (+11) since October 4
  });

  it("creates nothing twice when a chunk is read again after a crash", async () => {
    const id = await createBroadcastRow(base());
    const first = await materializeNextChunk(id, NOW, 3);
    const afterFirst = (await broadcastRow(id)).audienceCursor;
    const second = await materializeNextChunk(id, NOW, 3);
    expect(first.created + second.created).toBeGreaterThan(0);
    // the second chunk committed, then the process died before anyone saw it: its cursor is read again
    await db().broadcast.update({ where: { id }, data: { audienceCursor: afterFirst } });
    expect(await materializeNextChunk(id, NOW, 3)).toEqual({ created: 0, heldOut: 0, done: false });
    await materializeAll(id, 3);
    expect(await db().message.count({ where: { broadcastId: id } })).toBe(8);
    expect((await broadcastRow(id)).audienceCount).toBe(8);
    // and from the very start
    await db().broadcast.update({ where: { id }, data: { audienceCursor: null, audienceDone: false } });
    const again = await materializeAll(id, 3);
    expect(again.reduce((sum, r) => sum + r.created, 0)).toBe(0);
    expect(await db().message.count({ where: { broadcastId: id } })).toBe(8);
  });

  it("creates nothing for a broadcast that is not sending, or does not exist, and refuses a bad chunk size", async () => {
    for (const status of ["DRAFT", "SCHEDULED", "PAUSED", "CANCELLED", "SENT"] as const) {
      const id = await createBroadcastRow({ ...base(), status });
      expect(await materializeNextChunk(id, NOW, 3), status).toEqual({
        created: 0,
        heldOut: 0,
        done: false,
        skipped: "not_sending",
      });
      expect(await db().message.count({ where: { broadcastId: id } })).toBe(0);
      expect((await broadcastRow(id)).audienceCursor).toBeNull();
    }
    expect(await materializeNextChunk(randomUUID(), NOW)).toEqual({
      created: 0,
      heldOut: 0,
      done: true,
      skipped: "not_found",
    });
    for (const size of [0, -1, 2.5, 50_001])
      await expect(materializeNextChunk(randomUUID(), NOW, size)).rejects.toMatchObject({
        code: "validation",
        fields: [{ path: "chunkSize", message: expect.any(String) }],
      });
  });

  it("refuses a broadcast row it cannot read, creating nothing: bad phase, unknown winner, local without a time, no variants", async () => {
    const broken: [string, Partial<BroadcastRow>, RegExp][] = [
      ["unknown phase", { phase: "later" }, /unknown phase "later"/],
      ["rest without a known winner", { phase: "rest", testPercent: 30 }, /winner "null" is not one of its variants/],
      ["local without its date", { scheduleKind: "local", localTime: "09:00" }, /without its date and time/],
      ["no variants", { variants: [] }, /no readable variants/],
    ];
    for (const [what, row, message] of broken) {
      const id = await createBroadcastRow({ ...base(), ...row });
      await expect(materializeNextChunk(id, NOW, 3), what).rejects.toThrow(message);
      expect(await db().message.count({ where: { broadcastId: id } }), what).toBe(0);
      expect(await broadcastRow(id), what).toMatchObject({
        audienceCursor: null,
        audienceCount: 0,
        lastProgressAt: null,
      });
    }
  });

  it("finishes at once when the broadcast names no segment", async () => {
    const id = await createBroadcastRow({ ...base(), segmentIds: [], excludedSegmentIds: [] });
    expect(await materializeNextChunk(id, NOW, 3)).toEqual({ created: 0, heldOut: 0, done: true });
    expect(await broadcastRow(id)).toMatchObject({ audienceDone: true, audienceCount: 0, audienceCursor: null });
  });
});

describe("a larger audience: holdout, variants by weight, winner after test", () => {
  let workspaceId: string;
  let ids: string[];
  const SEG = randomUUID();
  const variants = [
    { key: "A", templateId: TEMPLATE_A, weight: 50 },
    { key: "B", templateId: TEMPLATE_B, weight: 30 },
    { key: "C", templateId: TEMPLATE_C, weight: 20 },
  ];

  beforeAll(async () => {
    workspaceId = await createAudienceWorkspace();
    ids = (
      await createProfiles(
        workspaceId,
        Array.from({ length: 2000 }, () => ({ segments: [SEG] })),
      )
    ).sort();
  });

  it("holds out about holdoutPercent and splits the rest by weight, each person as assign.ts says", async () => {
    const id = await createBroadcastRow({ workspaceId, segmentIds: [SEG], variants, holdoutPercent: 20 });
    const results = await materializeAll(id, 300);
    const holdouts = await holdoutsOf(id);
    const messages = await messagesOf(id);
    const plan: AssignmentPlan = { broadcastId: id, holdoutPercent: 20, testPercent: null, variants };
    expect(holdouts).toEqual(ids.filter((p) => isHeldOut(plan, p)));
    expect([...holdouts, ...messages.map((m) => m.profileId as string)].sort()).toEqual(ids);
    for (const m of messages) expect(m.variant).toBe(variantFor(plan, m.profileId as string));
    // roughly: 400 ± 4σ (σ ≈ 18) held out; of 1600, A 800, B 480, C 320 (± 4σ)
    expect(Math.abs(holdouts.length - 400)).toBeLessThan(72);
    const count = (key: string) => messages.filter((m) => m.variant === key).length;
    expect(Math.abs(count("A") - messages.length * 0.5)).toBeLessThan(80);
    expect(Math.abs(count("B") - messages.length * 0.3)).toBeLessThan(74);
    expect(Math.abs(count("C") - messages.length * 0.2)).toBeLessThan(64);
    expect(await broadcastRow(id)).toMatchObject({
      audienceCount: messages.length,
      holdoutCount: holdouts.length,
      audienceDone: true,
    });
    expect(results.reduce((sum, r) => sum + r.heldOut, 0)).toBe(holdouts.length);
  });

  it("sends the test group first, then the winner to everyone else, each person once", async () => {
    const id = await createBroadcastRow({
      workspaceId,
      segmentIds: [SEG],
      variants,
      holdoutPercent: 10,
      testPercent: 30,
      phase: "test",
    });
    const plan: AssignmentPlan = { broadcastId: id, holdoutPercent: 10, testPercent: 30, variants };
    await materializeAll(id, 500);
    const holdouts = ids.filter((p) => isHeldOut(plan, p));
    const testGroup = ids.filter((p) => !isHeldOut(plan, p) && isInTestGroup(plan, p));
    expect(await holdoutsOf(id)).toEqual(holdouts);
    const testMessages = await messagesOf(id);
    expect(testMessages.map((m) => m.profileId)).toEqual(testGroup);
    for (const m of testMessages) expect(m.variant).toBe(variantFor(plan, m.profileId as string));
    expect(await broadcastRow(id)).toMatchObject({ audienceCount: testGroup.length, holdoutCount: holdouts.length });

    const decidedAt = new Date("2026-03-20T14:00:00.000Z");
    await expect(startRestPhase(id, "Z", decidedAt)).rejects.toMatchObject({
      code: "validation",
      fields: [{ path: "winnerVariant", message: expect.stringContaining("A, B, C") }],
    });
    expect(await startRestPhase(id, "B", decidedAt)).toEqual({ started: true });
    expect(await broadcastRow(id)).toMatchObject({
      phase: "rest",
      winnerVariant: "B",
      winnerDecidedAt: decidedAt,
      audienceCursor: null,
      audienceDone: false,
    });
    // a second decision (a retried job) changes nothing
    expect(await startRestPhase(id, "C", new Date("2026-03-20T15:00:00.000Z"))).toEqual({ started: false });
    expect(await broadcastRow(id)).toMatchObject({ winnerVariant: "B", winnerDecidedAt: decidedAt });

    const rest = await materializeAll(id, 500);
    expect(rest.reduce((sum, r) => sum + r.heldOut, 0)).toBe(0);
    const all = await messagesOf(id);
    expect(all.map((m) => m.profileId).sort()).toEqual(ids.filter((p) => !holdouts.includes(p)));
    for (const m of all)
      if (!testGroup.includes(m.profileId as string)) expect(m).toMatchObject({ variant: "B", templateId: TEMPLATE_B });
    expect(await holdoutsOf(id)).toEqual(holdouts);
    expect(await broadcastRow(id)).toMatchObject({
      audienceCount: ids.length - holdouts.length,
      holdoutCount: holdouts.length,
      audienceDone: true,
    });
  });

  it("treats a test broadcast whose phase was never set as in its test phase", async () => {
    const id = await createBroadcastRow({ workspaceId, segmentIds: [SEG], variants, testPercent: 30 });
    const plan: AssignmentPlan = { broadcastId: id, holdoutPercent: 0, testPercent: 30, variants };
    await materializeAll(id, 1000);
    expect((await messagesOf(id)).map((m) => m.profileId)).toEqual(ids.filter((p) => isInTestGroup(plan, p)));
  });

  it("refuses a rest phase for a broadcast without a test, one not found, or one no longer sending", async () => {
    const noTest = await createBroadcastRow({ workspaceId, segmentIds: [SEG], variants });
    await expect(startRestPhase(noTest, "A", NOW)).rejects.toMatchObject({ code: "conflict" });
    await expect(startRestPhase(randomUUID(), "A", NOW)).rejects.toMatchObject({ code: "not_found" });
    const cancelled = await createBroadcastRow({
      workspaceId,
      segmentIds: [SEG],
      variants,
      testPercent: 30,
      phase: "test",
      status: "CANCELLED",
    });
    const error = await startRestPhase(cancelled, "A", NOW).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "conflict" });
    expect(await broadcastRow(cancelled)).toMatchObject({ phase: "test", winnerVariant: null });
  });
});
