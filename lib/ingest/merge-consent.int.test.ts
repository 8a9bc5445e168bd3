import { describe, expect, it } from "vitest";
import { POST as identifyRoute } from "@/app/api/v1/identify/route";
import { POST as trackRoute } from "@/app/api/v1/track/route";
import { db } from "../db/client";
import { pgPool } from "../db/pool";
import { upsertConsent } from "../messaging/store/consent";
import { callRoute } from "../testing/call-route";
import { contextOf } from "../testing/factories";
import { ingestFixture } from "../testing/ingest-helpers";
import { createTopic } from "../topics/manage-topics";
import { upsertTopicSubscription } from "../topics/store/topics";

/**
 * An anonymous visitor's consent choices (a channel unsubscribe, a topic left or joined) follow them when they
 * identify and their profile merges into the known one (lib/ingest/store/identities.ts mergeProfileInto): delivery
 * and the preference page read the live profile only, so a choice left behind would be lost. Where both profiles
 * chose for the same channel or topic, the later choice stands.
 */
describe("merging profiles keeps consent", () => {
  it("moves the anonymous profile's channel consent and topic choices to the person, the later choice winning", async () => {
    const { team, bearer } = await ingestFixture("FULL");
    const owner = await contextOf(team, "OWNER");
    const news = await createTopic(owner, { key: "news", name: "News", category: "marketing" });
    const deals = await createTopic(owner, { key: "deals", name: "Deals", category: "marketing" });
    await callRoute(trackRoute, {
      method: "POST",
      headers: bearer,
      body: { anonymousId: "anon-7", event: "Page Viewed" },
    });
    await callRoute(trackRoute, { method: "POST", headers: bearer, body: { userId: "ada", event: "App Opened" } });
    const profiles = await db().profile.findMany({ where: { workspaceId: team.id } });
    const ada = profiles.find((p) => p.userId === "ada")!;
    const anonymous = profiles.find((p) => p.userId === null)!;

    const t = (minute: number) => new Date(Date.UTC(2026, 11, 1, 12, minute));
    const choose = (profileId: string, topicId: string, status: "subscribed" | "unsubscribed", at: Date) =>
      upsertTopicSubscription(pgPool(), { workspaceId: team.id, profileId, topicId, status, source: "api", at });
    // the visitor left email and the news topic, and later joined deals...
    await upsertConsent(pgPool(), {
      workspaceId: team.id,
      profileId: anonymous.id,
      channel: "email",
      status: "unsubscribed",
      source: "preference_page",
      at: t(1),
    });
    await choose(anonymous.id, news.id, "unsubscribed", t(2));
    await choose(anonymous.id, deals.id, "unsubscribed", t(1));
    // ...while the known profile had joined news before that, and chose deals after the visitor did
    await upsertConsent(pgPool(), {
      workspaceId: team.id,
      profileId: ada.id,
      channel: "sms",
      status: "subscribed",
      source: "api",
      at: t(0),
    });
    await choose(ada.id, news.id, "subscribed", t(0));
    await choose(ada.id, deals.id, "subscribed", t(5));

    const identified = await callRoute(identifyRoute, {
      method: "POST",
      headers: bearer,
      body: { userId: "ada", anonymousId: "anon-7", traits: { email: "ada@example.com" } },
    });
    expect(identified.status).toBe(200);
    expect((await db().profile.findUniqueOrThrow({ where: { id: anonymous.id } })).mergedIntoId).toBe(ada.id);

    const consent = await db().channelConsent.findMany({
      where: { workspaceId: team.id },
      orderBy: { channel: "asc" },
    });
    expect(consent.map((c) => [c.profileId, c.channel, c.status])).toEqual([
      [ada.id, "email", "unsubscribed"],
      [ada.id, "sms", "subscribed"],
    ]);
    const topics = await db().topicSubscription.findMany({ where: { workspaceId: team.id } });
    expect(
      topics
        .map((c) => [c.profileId, c.topicId === news.id ? "news" : "deals", c.status, c.updatedAt.toISOString()])
        .sort(),
    ).toEqual(
      [
        [ada.id, "deals", "subscribed", t(5).toISOString()],
        [ada.id, "news", "unsubscribed", t(2).toISOString()],
      ].sort(),
    );
  });
});
