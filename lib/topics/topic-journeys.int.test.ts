import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { pgPool } from "../db/pool";
import { validateWithReferences } from "../journeys/check-references";
import type { TJourneyGraphInput } from "../journeys/graph";
import { deliverMessage } from "../messaging/delivery";
import { withEmbeddedOutbox } from "../testing/embedded-outbox";
import { publishGraph } from "../testing/engine-driver";
import { profileOf, setup } from "../testing/messaging-fixtures";
import { archiveTopic, createTopic } from "./manage-topics";
import { upsertTopicSubscription } from "./store/topics";

/**
 * A journey's message step may belong to a subscription topic, like a broadcast (issue #19's topics, carried to
 * journeys): publishing checks the topic is the workspace's and not archived; the walk copies it onto the message,
 * so delivery skips people who left it and the message's unsubscribe link leaves only the topic.
 */

withEmbeddedOutbox();

const at = (y: number) => ({ x: 0, y });
const graphWith = (templateId: string, topicId?: string): TJourneyGraphInput => ({
  nodes: [
    { id: "trigger", type: "trigger.event", position: at(0), config: { eventName: "signed_up", filters: [] } },
    { id: "send", type: "action.email", position: at(100), config: { templateId, ...(topicId ? { topicId } : {}) } },
    { id: "end", type: "exit", position: at(200), config: {} },
  ],
  edges: [
    { id: "e1", source: "trigger", target: "send" },
    { id: "e2", source: "send", target: "end" },
  ],
});

describe("a journey message step's subscription topic", () => {
  it("is copied onto each message, and delivery skips the people who left it", async () => {
    const s = await setup({
      subject: "News for {{ profile.traits.first_name }}",
      html: '<p>News. <a href="{{ unsubscribe_url }}">Stop news</a></p>',
    });
    const news = await createTopic(s.owner, { key: "news", name: "Product news", category: "marketing" });
    const { journeyId } = await publishGraph(s.ctx, graphWith(s.templateId, news.id), s.journeyId);

    await s.driver.send([
      { type: "identify", userId: "ada", traits: { email: "ada@example.com", first_name: "Ada" } },
      { type: "identify", userId: "bo", traits: { email: "bo@example.com", first_name: "Bo" } },
    ]);
    const ada = await profileOf(s.ctx.workspace.id, "ada");
    await upsertTopicSubscription(pgPool(), {
      workspaceId: s.ctx.workspace.id,
      profileId: ada.id,
      topicId: news.id,
      status: "unsubscribed",
      source: "api",
      at: new Date(),
    });
    await s.driver.track("ada", "signed_up");
    await s.driver.track("bo", "signed_up");

    const { rows: messages } = await pgPool().query<{ id: string; userId: string; topicId: string | null }>(
      `SELECT m.id, p."userId", m."topicId" FROM "Message" m JOIN "Profile" p ON p.id = m."profileId"
        WHERE m."journeyId" = $1 ORDER BY p."userId"`,
      [journeyId],
    );
    expect(messages.map((m) => [m.userId, m.topicId])).toEqual([
      ["ada", news.id],
      ["bo", news.id],
    ]);
    const byUser = new Map(messages.map((m) => [m.userId, m.id]));
    expect(await deliverMessage(byUser.get("ada")!, s.driver.clock)).toEqual({
      outcome: "suppressed",
      reason: 'Unsubscribed from the topic "Product news"',
    });
    expect(await deliverMessage(byUser.get("bo")!, s.driver.clock)).toMatchObject({ outcome: "sent" });
  });

  it("a step without a topic (or the form's empty choice) queues messages with none", async () => {
    const s = await setup();
    const { journeyId } = await publishGraph(s.ctx, graphWith(s.templateId, ""), s.journeyId);
    await s.driver.send([{ type: "identify", userId: "cy", traits: { email: "cy@example.com" } }]);
    await s.driver.track("cy", "signed_up");
    const messages = await db().message.findMany({ where: { journeyId } });
    expect(messages.map((m) => m.topicId)).toEqual([null]);
  });

  it("publishing names config.topicId for an unknown, malformed, archived or another workspace's topic", async () => {
    const s = await setup();
    const other = await setup();
    const theirs = await createTopic(other.owner, { key: "theirs", name: "Theirs", category: "marketing" });
    const old = await createTopic(s.owner, { key: "old", name: "Old news", category: "marketing" });
    await archiveTopic(s.owner, old.id);
    const live = await createTopic(s.owner, { key: "live", name: "Live", category: "marketing" });

    const problemsFor = async (topicId: string) =>
      (await validateWithReferences(s.owner, graphWith(s.templateId, topicId))).problems.filter(
        (p) => p.path === "config.topicId",
      );
    expect(await problemsFor(theirs.id)).toEqual([
      {
        nodeId: "send",
        path: "config.topicId",
        message: `no subscription topic with id "${theirs.id}" in this workspace`,
      },
    ]);
    expect(await problemsFor(old.id)).toEqual([
      {
        nodeId: "send",
        path: "config.topicId",
        message: 'the topic "Old news" is archived; new sends cannot choose it',
      },
    ]);
    expect((await problemsFor("not-a-topic")).map((p) => p.message)).toEqual(["must be a subscription topic's id"]);
    expect(await problemsFor(live.id)).toEqual([]);
    expect(await problemsFor("")).toEqual([]);
  });
});
