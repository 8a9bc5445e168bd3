import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { savePolicy } from "../messaging/policy";
import type { Clock } from "../runtime/clock";
import {
  AT,
  broadcastWorld,
  createBroadcastMessages,
  createPeople,
  createSegmentRow,
  createTemplateRow,
  draftBody,
} from "./broadcast-fixtures";
import { createBroadcast } from "./create-broadcast";
import { estimateBroadcast, estimateUnsavedBroadcast } from "./estimate-audience";

const clock: Clock = () => AT;

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e as { code: string; fields: { path: string; message: string }[] },
  );
  expect(error, "expected a refusal").not.toBeNull();
  return error!;
}

/**
 * One person for each way out of the audience, in the order delivery checks them, and four who get it, in three
 * zones (one unknown, one not a zone: both the workspace's).
 */
async function audience() {
  const w = await broadcastWorld();
  const ws = w.team.id;
  await db().workspace.update({ where: { id: ws }, data: { timezone: "Europe/Berlin" } });
  const S = await createSegmentRow(ws, "Customers");
  const X = await createSegmentRow(ws, "Staff");
  const template = await createTemplateRow(ws, "email");
  const [newYork, , tokyo, , , , , unsubscribedByRecord, , capped, , , optedInByTrait] = await createPeople(ws, [
    { timezone: "America/New_York", segments: [S] },
    { timezone: null, segments: [S] },
    { timezone: "Asia/Tokyo", segments: [S] },
    { segments: [S, X] }, // excluded
    { email: null, segments: [S] }, // no contact point
    { email: "not-an-email", segments: [S] }, // no usable contact point
    { email: "Bounced@Example.com", segments: [S] }, // suppressed (normalised)
    { segments: [S] }, // unsubscribed (ChannelConsent)
    { traits: { email_subscribe: false }, segments: [S] }, // unsubscribed (trait)
    { segments: [S] }, // over the frequency cap
    { segments: [X] }, // only excluded: not in the audience at all
    { segments: [] }, // in no segment
    { timezone: "Not/AZone", traits: { email_subscribe: "opted_in" }, segments: [S] },
  ]);
  // a merged profile is not a person any more, even with a stale membership
  const [merged] = await createPeople(ws, [{ segments: [S] }]);
  await db().profile.update({ where: { id: merged }, data: { mergedIntoId: newYork } });
  await db().suppression.create({
    data: { workspaceId: ws, channel: "email", address: "bounced@example.com", reason: "bounce", createdAt: AT },
  });
  await db().channelConsent.createMany({
    data: [
      {
        workspaceId: ws,
        profileId: unsubscribedByRecord,
        channel: "email",
        status: "unsubscribed",
        source: "test",
        updatedAt: AT,
      },
      { workspaceId: ws, profileId: tokyo, channel: "email", status: "opted_in", source: "test", updatedAt: AT },
    ],
  });
  // two emails in the last day for one person, one for another (under the cap of 2)
  await createBroadcastMessages(ws, randomUUID(), [capped, newYork], "SENT");
  await createBroadcastMessages(ws, randomUUID(), [capped], "DELIVERED");
  // an SMS does not count against an email cap
  await db().message.create({
    data: {
      workspaceId: ws,
      profileId: optedInByTrait,
      channel: "sms",
      templateId: template,
      status: "SENT",
      idempotencyKey: randomUUID(),
      sentAt: AT,
    },
  });
  const owner = await w.as("OWNER");
  await savePolicy(owner, { frequencyCaps: [{ channel: "email", limit: 2, hours: 24 }] });
  const broadcast = await createBroadcast(
    owner,
    draftBody([S], template, { excludedSegmentIds: [X], holdoutPercent: 25 }),
  );
  return { w, ws, S, X, owner, broadcast };
}

describe("the audience estimate", () => {
  it("counts each way out once, in delivery's order, and the holdout among those who would be sent", async () => {
    const { owner, broadcast, S, X, w } = await audience();
    const estimate = await estimateBroadcast(owner, broadcast.id, {}, clock);
    expect(estimate).toMatchObject({
      channel: "email",
      inSegments: 11,
      excluded: 1,
      noContactPoint: 2,
      suppressed: 1,
      noConsent: 2,
      frequencyCapped: 1,
      holdout: 1,
      willBeSent: 3,
      timezone: "Europe/Berlin",
      hours: null,
      computedAt: AT.toISOString(),
    });
    // a day later the cap's window has passed
    const later = await estimateBroadcast(owner, broadcast.id, {}, () => new Date(AT.getTime() + 25 * 3_600_000));
    expect(later).toMatchObject({ frequencyCapped: 0, willBeSent: 4 });
    // the same numbers for an unsaved draft, read by a viewer
    const unsaved = await estimateUnsavedBroadcast(
      await w.as("VIEWER"),
      { channel: "email", segmentIds: [S], excludedSegmentIds: [X], holdoutPercent: 25 },
      clock,
    );
    expect(unsaved).toEqual(estimate);
  });

  it("with opt-in required only opted-in people count: a ChannelConsent record or the trait", async () => {
    const { owner, broadcast } = await audience();
    await savePolicy(owner, { frequencyCaps: [{ channel: "email", limit: 2, hours: 24 }], requireOptIn: ["email"] });
    const estimate = await estimateBroadcast(owner, broadcast.id, { holdoutPercent: 0 }, clock);
    // consent is checked before the cap: the capped person has not opted in either
    expect(estimate).toMatchObject({ noConsent: 5, frequencyCapped: 0, holdout: 0, willBeSent: 2 });
  });

  it("splits a local-time send by hour, in UTC and on the workspace's clock (unknown zones: the workspace's)", async () => {
    const { owner, broadcast } = await audience();
    const estimate = await estimateBroadcast(
      owner,
      broadcast.id,
      { holdoutPercent: 0, schedule: { kind: "local", localDate: "2026-03-21", localTime: "09:00" } },
      clock,
    );
    expect(estimate.willBeSent).toBe(4);
    // New York is already on summer time (since 8 March), Berlin is not yet (29 March)
    expect(estimate.hours).toEqual([
      { utc: "2026-03-21T00:00:00.000Z", local: "2026-03-21 01:00", count: 1 },
      { utc: "2026-03-21T08:00:00.000Z", local: "2026-03-21 09:00", count: 2 },
      { utc: "2026-03-21T13:00:00.000Z", local: "2026-03-21 14:00", count: 1 },
    ]);
  });

  it("refuses bad input naming the field: a missing channel or segment, another workspace's segment", async () => {
    const { owner, broadcast } = await audience();
    expect((await refusal(estimateUnsavedBroadcast(owner, {}, clock))).fields.map((f) => f.path)).toEqual([
      "channel",
      "segmentIds",
    ]);
    const elsewhere = await broadcastWorld();
    const theirs = await createSegmentRow(elsewhere.team.id, "Theirs");
    expect((await refusal(estimateBroadcast(owner, broadcast.id, { segmentIds: [theirs] }, clock))).fields).toEqual([
      { path: "segmentIds.0", message: "is not a segment of this workspace" },
    ]);
    expect((await refusal(estimateBroadcast(owner, broadcast.id, { holdoutPercent: 80 }, clock))).fields).toEqual([
      { path: "holdoutPercent", message: "at most 50% can be held out" },
    ]);
    expect((await refusal(estimateBroadcast(elsewhere.key, broadcast.id, {}, clock))).code).toBe("not_found");
  });
});
