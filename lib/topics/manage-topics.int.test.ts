import { describe, expect, it } from "vitest";
import { PUT as profileTopicRoute } from "@/app/api/v1/profiles/[id]/topics/[key]/route";
import { POST as archiveRoute } from "@/app/api/workspaces/[slug]/topics/[id]/archive/route";
import { PATCH as patchRoute } from "@/app/api/workspaces/[slug]/topics/[id]/route";
import { GET as listRoute, POST as createRoute } from "@/app/api/workspaces/[slug]/topics/route";
import { GET as keyListRoute, POST as keyCreateRoute } from "@/app/api/v1/topics/route";
import { createApiKey, workspaceContextForApiKey } from "../api-keys/api-keys";
import { db } from "../db/client";
import { callRoute } from "../testing/call-route";
import { contextOf, createWorkspaceWithTeam, sessionCookie } from "../testing/factories";
import { ingestFixture } from "../testing/ingest-helpers";
import { EngineDriver } from "../testing/engine-driver";
import { createTopic } from "./manage-topics";
import { MAX_LIVE_TOPICS } from "./schemas";

/**
 * Settings → Subscription topics through the route handlers: admins change, everyone in the workspace reads, every
 * bad field is a 422 naming it with nothing stored, each change has its audit entry, and another workspace's topic
 * is a 404. Then a person's choice through the API (PUT /profiles/{id}/topics/{key}).
 */

const BODY = { key: "product-news", name: "Product news", category: "marketing" };

async function team() {
  const t = await createWorkspaceWithTeam("Topics");
  return {
    t,
    slug: t.slug,
    admin: await sessionCookie(t.members.ADMIN),
    editor: await sessionCookie(t.members.EDITOR),
    viewer: await sessionCookie(t.members.VIEWER),
  };
}

const topicCount = (workspaceId: string) => db().subscriptionTopic.count({ where: { workspaceId } });

describe("topics settings", () => {
  it("admins create, change and archive with audit entries; editors and viewers read but cannot change", async () => {
    const { t, slug, admin, editor, viewer } = await team();
    const created = await callRoute(createRoute, { method: "POST", cookie: admin, params: { slug }, body: BODY });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...BODY, description: "", defaultStatus: "subscribed", archivedAt: null });
    const id = created.body.id;

    for (const cookie of [editor, viewer]) {
      const refused = await callRoute(createRoute, {
        method: "POST",
        cookie,
        params: { slug },
        body: { ...BODY, key: "other" },
      });
      expect(refused.status).toBe(403);
      const listed = await callRoute(listRoute, { cookie, params: { slug } });
      expect(listed.status).toBe(200);
      expect(listed.body.topics).toMatchObject([{ key: "product-news", unsubscribedCount: 0, subscribedCount: 0 }]);
    }
    expect(
      (await callRoute(patchRoute, { method: "PATCH", cookie: editor, params: { slug, id }, body: { name: "X" } }))
        .status,
    ).toBe(403);

    const renamed = await callRoute(patchRoute, {
      method: "PATCH",
      cookie: admin,
      params: { slug, id: "product-news" },
      body: { name: "Product updates", defaultStatus: "unsubscribed" },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: "Product updates", defaultStatus: "unsubscribed", key: "product-news" });

    const archived = await callRoute(archiveRoute, { method: "POST", cookie: admin, params: { slug, id } });
    expect(archived.body.archivedAt).not.toBeNull();
    const afterArchive = await callRoute(patchRoute, {
      method: "PATCH",
      cookie: admin,
      params: { slug, id },
      body: { name: "Again" },
    });
    expect(afterArchive.status).toBe(409);

    const audit = await db().auditLog.findMany({
      where: { workspaceId: t.id, targetId: id },
      orderBy: { createdAt: "asc" },
    });
    expect(audit.map((a) => a.action)).toEqual([
      "subscription_topic.created",
      "subscription_topic.updated",
      "subscription_topic.archived",
    ]);
    expect(audit[0].summary).toContain('"Product news"');
  });

  it("answers 422 naming the field and stores nothing for bad input, a taken key (archived too) and the 51st topic", async () => {
    const { t, slug, admin } = await team();
    const cases: [unknown, string][] = [
      [{ ...BODY, key: "Product News" }, "key"],
      [{ ...BODY, name: "" }, "name"],
      [{ ...BODY, name: "n".repeat(81) }, "name"],
      [{ ...BODY, description: "d".repeat(501) }, "description"],
      [{ ...BODY, category: "promo" }, "category"],
      [{ ...BODY, defaultStatus: "opted_in" }, "defaultStatus"],
    ];
    for (const [body, field] of cases) {
      const answer = await callRoute(createRoute, { method: "POST", cookie: admin, params: { slug }, body });
      expect(answer.status, JSON.stringify(body)).toBe(422);
      expect(answer.body.error.fields.map((f: { path: string }) => f.path)).toEqual([field]);
    }
    expect(await topicCount(t.id)).toBe(0);

    const first = await callRoute(createRoute, { method: "POST", cookie: admin, params: { slug }, body: BODY });
    await callRoute(archiveRoute, { method: "POST", cookie: admin, params: { slug, id: first.body.id } });
    const taken = await callRoute(createRoute, { method: "POST", cookie: admin, params: { slug }, body: BODY });
    expect(taken.status).toBe(422);
    expect(taken.body.error.fields[0]).toMatchObject({ path: "key", message: expect.stringContaining("already used") });

    await db().subscriptionTopic.createMany({
      data: Array.from({ length: MAX_LIVE_TOPICS }, (_, i) => ({
        workspaceId: t.id,
        key: `topic-${i}`,
        name: `Topic ${i}`,
        category: "marketing",
      })),
    });
    const over = await callRoute(createRoute, {
      method: "POST",
      cookie: admin,
      params: { slug },
      body: { ...BODY, key: "one-too-many" },
    });
    expect(over.status).toBe(422);
    expect(over.body.error.message).toContain("at most 50");
    expect(await topicCount(t.id)).toBe(MAX_LIVE_TOPICS + 1);
  });

  it("does not show or change another workspace's topic, and a full key reads but cannot change topics", async () => {
    const a = await team();
    const b = await team();
    const mine = await callRoute(createRoute, {
      method: "POST",
      cookie: a.admin,
      params: { slug: a.slug },
      body: BODY,
    });
    const theirs = await callRoute(patchRoute, {
      method: "PATCH",
      cookie: b.admin,
      params: { slug: b.slug, id: mine.body.id },
      body: { name: "Taken over" },
    });
    expect(theirs.status).toBe(404);
    expect((await callRoute(listRoute, { cookie: b.admin, params: { slug: b.slug } })).body.topics).toEqual([]);

    const key = await createApiKey(await contextOf(a.t, "OWNER"), { name: "Backend", scope: "FULL" });
    const auth = { authorization: `Bearer ${key.secret}` };
    expect((await callRoute(keyListRoute, { headers: auth })).body.topics).toHaveLength(1);
    expect(
      (await callRoute(keyCreateRoute, { method: "POST", headers: auth, body: { ...BODY, key: "k" } })).status,
    ).toBe(403);
  });
});

describe("PUT /api/v1/profiles/{id}/topics/{key}", () => {
  it("records the choice with source api, stores an Unsubscribed event with the topic, and 404s unknown topics and people", async () => {
    const fixture = await ingestFixture("FULL");
    const ctx = await workspaceContextForApiKey(fixture.key);
    const owner = await contextOf(fixture.team, "OWNER");
    const driver = new EngineDriver(ctx, new Date("2026-01-14T12:00:00.000Z"));
    await driver.send([{ type: "identify", userId: "ada", traits: { email: "ada@example.com" } }]);
    await createTopic(owner, { key: "order-updates", name: "Order updates", category: "transactional" });
    const auth = { authorization: `Bearer ${fixture.key}` };
    const put = (id: string, key: string, body: unknown) =>
      callRoute(profileTopicRoute, { method: "PUT", headers: auth, params: { id, key }, body });

    const left = await put("ada", "order-updates", { status: "unsubscribed" });
    expect(left.status).toBe(200);
    expect(left.body).toMatchObject({ topic: "order-updates", status: "unsubscribed", changed: true });
    expect((await put("ada", "order-updates", { status: "unsubscribed" })).body.changed).toBe(false);
    const row = await db().topicSubscription.findFirstOrThrow({ where: { profileId: left.body.profileId } });
    expect(row).toMatchObject({ status: "unsubscribed", source: "api" });
    const events = await db().event.findMany({
      where: { workspaceId: ctx.workspace.id, userId: "ada", name: "Unsubscribed" },
    });
    expect(events).toHaveLength(1);
    expect(events[0].properties).toMatchObject({ topic: "order-updates", source: "api" });

    expect((await put("ada", "no-such-topic", { status: "subscribed" })).status).toBe(404);
    expect((await put("nobody", "order-updates", { status: "subscribed" })).status).toBe(404);
    const bad = await put("ada", "order-updates", { status: "maybe" });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields[0].path).toBe("status");

    // another workspace's topic key is unknown here
    const other = await ingestFixture("FULL");
    await createTopic(await contextOf(other.team, "OWNER"), {
      key: "their-news",
      name: "Theirs",
      category: "marketing",
    });
    expect((await put("ada", "their-news", { status: "unsubscribed" })).status).toBe(404);
  });
});
