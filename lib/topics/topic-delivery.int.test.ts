import { describe, expect, it } from "vitest";
import { GET as getMessageRoute } from "@/app/api/v1/messages/[id]/route";
import { POST as sendRoute } from "@/app/api/v1/send/route";
import { db } from "../db/client";
import { pgPool } from "../db/pool";
import { claimAndCheck } from "../broadcasts/send/claim-and-check";
import { loadSendContext } from "../broadcasts/send/load-send-context";
import { sendFixture } from "../broadcasts/send/send-test-fixtures";
import { selectSendingBroadcast } from "../broadcasts/send/store/sending-broadcasts";
import { deliverMessage } from "../messaging/delivery";
import { upsertConsent } from "../messaging/store/consent";
import { callRoute } from "../testing/call-route";
import { withEmbeddedOutbox } from "../testing/embedded-outbox";
import { messageRow, profileOf, queueFor, setup, type MessagingSetup } from "../testing/messaging-fixtures";
import { archiveTopic, createTopic } from "./manage-topics";
import { upsertTopicSubscription } from "./store/topics";

/**
 * Delivery's topic check (lib/messaging/delivery.ts, one message; lib/broadcasts/send/claim-and-check.ts, a batch):
 * a person not subscribed to a message's topic is suppressed, marketing or transactional (issue #19), and a
 * transactional message without a topic is never stopped by topics or the channel's marketing unsubscribe.
 * POST /api/v1/send's `topic`: unknown, archived or another workspace's key is a 422 naming `topic`, nothing stored.
 */

withEmbeddedOutbox();

const RECEIPT = {
  subject: "Order {{ data.order_id }}",
  html: '<p>Order {{ data.order_id }} shipped. <a href="{{ unsubscribe_url }}">Stop shipping updates</a></p>',
};

async function choose(s: MessagingSetup, userId: string, topicId: string, status: "subscribed" | "unsubscribed") {
  const profile = await profileOf(s.ctx.workspace.id, userId);
  await upsertTopicSubscription(pgPool(), {
    workspaceId: s.ctx.workspace.id,
    profileId: profile.id,
    topicId,
    status,
    source: "api",
    at: new Date(),
  });
}

function send(s: MessagingSetup, body: Record<string, unknown>) {
  return callRoute(sendRoute, {
    method: "POST",
    path: "/api/v1/send",
    headers: { authorization: `Bearer ${s.fixture.key}` },
    body: { channel: "email", content: RECEIPT, data: { order_id: "A1" }, ...body },
  });
}

describe("delivery: one message", () => {
  it("suppresses a marketing message of a topic the person left, and one of an opt-in topic they never joined", async () => {
    const s = await setup();
    const news = await createTopic(s.owner, { key: "news", name: "Product news", category: "marketing" });
    const beta = await createTopic(s.owner, {
      key: "beta",
      name: "Beta invites",
      category: "marketing",
      defaultStatus: "unsubscribed",
    });

    const left = await queueFor(s, "ada", { email: "ada@example.com", first_name: "Ada" });
    await choose(s, "ada", news.id, "unsubscribed");
    await db().message.update({ where: { id: left }, data: { topicId: news.id } });
    expect(await deliverMessage(left, s.driver.clock)).toEqual({
      outcome: "suppressed",
      reason: 'Unsubscribed from the topic "Product news"',
    });

    const optIn = await queueFor(s, "bo", { email: "bo@example.com", first_name: "Bo" });
    await db().message.update({ where: { id: optIn }, data: { topicId: beta.id } });
    expect(await deliverMessage(optIn, s.driver.clock)).toEqual({
      outcome: "suppressed",
      reason: 'Not opted in to the topic "Beta invites" (it is opt-in)',
    });

    // joining the opt-in topic lets the next one through; an archived topic still holds people's choices
    await choose(s, "bo", beta.id, "subscribed");
    const joined = await queueFor(s, "bo", { email: "bo@example.com", first_name: "Bo" });
    await db().message.update({ where: { id: joined }, data: { topicId: beta.id } });
    expect(await deliverMessage(joined, s.driver.clock)).toMatchObject({ outcome: "sent" });
    await archiveTopic(s.owner, news.id);
    const afterArchive = await queueFor(s, "ada", { email: "ada@example.com", first_name: "Ada" });
    await db().message.update({ where: { id: afterArchive }, data: { topicId: news.id } });
    expect(await deliverMessage(afterArchive, s.driver.clock)).toMatchObject({ outcome: "suppressed" });
  });
});

describe("POST /api/v1/send with a topic", () => {
  it("stores the topic, suppresses it for a person who left that transactional topic, and carries List-Unsubscribe", async () => {
    const s = await setup();
    await s.driver.send([{ type: "identify", userId: "ada", traits: { email: "ada@example.com" } }]);
    await s.driver.send([{ type: "identify", userId: "bo", traits: { email: "bo@example.com" } }]);
    const shipping = await createTopic(s.owner, {
      key: "shipping",
      name: "Shipping updates",
      category: "transactional",
    });
    await choose(s, "ada", shipping.id, "unsubscribed");

    const toAda = await send(s, { to: { userId: "ada" }, topic: "shipping" });
    expect(toAda.status).toBe(202); // as for any suppression: stored, then suppressed by delivery
    expect((await messageRow(toAda.body.id)).topicId).toBe(shipping.id);
    expect(await deliverMessage(toAda.body.id)).toEqual({
      outcome: "suppressed",
      reason: 'Unsubscribed from the topic "Shipping updates"',
    });
    const status = await callRoute(getMessageRoute, {
      headers: { authorization: `Bearer ${s.fixture.key}` },
      params: { id: toAda.body.id },
    });
    expect(status.body).toMatchObject({ status: "suppressed" });

    const toBo = await send(s, { to: { userId: "bo" }, topic: "shipping" });
    expect(await deliverMessage(toBo.body.id)).toMatchObject({ outcome: "sent" });
    const headers = ((await messageRow(toBo.body.id)).content as { headers: Record<string, string> }).headers;
    expect(headers["List-Unsubscribe"]).toMatch(/\/api\/v1\/unsubscribe\//);
  });

  it("delivers a transactional message without a topic although the person left every topic and the channel", async () => {
    const s = await setup();
    await s.driver.send([{ type: "identify", userId: "ada", traits: { email: "ada@example.com" } }]);
    const ada = await profileOf(s.ctx.workspace.id, "ada");
    for (const [key, category] of [
      ["news", "marketing"],
      ["shipping", "transactional"],
    ] as const) {
      const topic = await createTopic(s.owner, { key, name: key, category });
      await choose(s, "ada", topic.id, "unsubscribed");
    }
    await upsertConsent(pgPool(), {
      workspaceId: s.ctx.workspace.id,
      profileId: ada.id,
      channel: "email",
      status: "unsubscribed",
      source: "test",
      at: new Date(),
    });
    const reset = await send(s, { to: { userId: "ada" } });
    expect(await deliverMessage(reset.body.id)).toMatchObject({ outcome: "sent" });
    const headers = ((await messageRow(reset.body.id)).content as { headers: Record<string, string> }).headers;
    expect(headers["List-Unsubscribe"]).toBeUndefined();
  });

  it("answers 422 naming topic, storing nothing, for an unknown, malformed, archived or another workspace's topic", async () => {
    const s = await setup();
    const other = await setup();
    await s.driver.send([{ type: "identify", userId: "ada", traits: { email: "ada@example.com" } }]);
    const old = await createTopic(s.owner, { key: "old", name: "Old", category: "transactional" });
    await archiveTopic(s.owner, old.id);
    await createTopic(other.owner, { key: "theirs", name: "Theirs", category: "transactional" });
    for (const topic of ["nope", "Not A Key", "old", "theirs", 12]) {
      const answer = await send(s, { to: { userId: "ada" }, topic });
      expect(answer.status, String(topic)).toBe(422);
      expect(answer.body.error.fields.map((f: { path: string }) => f.path)).toEqual(["topic"]);
    }
    expect(await db().message.count({ where: { workspaceId: s.ctx.workspace.id, category: "transactional" } })).toBe(0);
  });
});

describe("delivery: a broadcast's batch", () => {
  it("suppresses the people who left the broadcast's topic or never joined its opt-in topic, with one check for the batch", async () => {
    const f = await sendFixture({ people: 4 });
    const news = await createTopic(f.owner, { key: "news", name: "Product news", category: "marketing" });
    await db().message.updateMany({ where: { broadcastId: f.broadcastId }, data: { topicId: news.id } });
    for (const [i, status] of [
      [1, "unsubscribed"],
      [2, "subscribed"],
    ] as const)
      await upsertTopicSubscription(pgPool(), {
        workspaceId: f.workspaceId,
        profileId: f.profileIds[i],
        topicId: news.id,
        status,
        source: "api",
        at: new Date(),
      });
    const broadcast = await selectSendingBroadcast(pgPool(), f.broadcastId);
    const now = new Date();
    const batch = await claimAndCheck(await loadSendContext(broadcast!, now), now, 10);
    expect(batch.ready.map((c) => c.message.id).sort()).toEqual(
      [f.messageIds[0], f.messageIds[2], f.messageIds[3]].sort(),
    );
    expect(batch.suppressed).toBe(1);
    expect(await messageRow(f.messageIds[1])).toMatchObject({
      status: "SUPPRESSED",
      statusReason: 'Unsubscribed from the topic "Product news"',
    });

    // an opt-in topic: only who joined
    const g = await sendFixture({ people: 3 });
    const beta = await createTopic(g.owner, {
      key: "beta",
      name: "Beta",
      category: "marketing",
      defaultStatus: "unsubscribed",
    });
    await db().message.updateMany({ where: { broadcastId: g.broadcastId }, data: { topicId: beta.id } });
    await upsertTopicSubscription(pgPool(), {
      workspaceId: g.workspaceId,
      profileId: g.profileIds[0],
      topicId: beta.id,
      status: "subscribed",
      source: "api",
      at: new Date(),
    });
    const second = await claimAndCheck(
      await loadSendContext((await selectSendingBroadcast(pgPool(), g.broadcastId))!, now),
      now,
      10,
    );
    expect(second.ready.map((c) => c.message.id)).toEqual([g.messageIds[0]]);
    expect(second.suppressed).toBe(2);
  });
});
