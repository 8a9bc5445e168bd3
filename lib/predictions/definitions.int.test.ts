import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { GET as keyGetRoute } from "@/app/api/v1/predictions/[id]/route";
import { GET as keyListRoute, POST as keyCreateRoute } from "@/app/api/v1/predictions/route";
import { POST as archiveRoute } from "@/app/api/workspaces/[slug]/predictions/[id]/archive/route";
import { GET as getRoute, PATCH as patchRoute } from "@/app/api/workspaces/[slug]/predictions/[id]/route";
import { POST as trainRoute } from "@/app/api/workspaces/[slug]/predictions/[id]/train/route";
import { GET as listRoute, POST as createRoute } from "@/app/api/workspaces/[slug]/predictions/route";
import { createApiKey } from "../api-keys/api-keys";
import { db } from "../db/client";
import { callRoute } from "../testing/call-route";
import { contextOf, createWorkspaceWithTeam, sessionCookie, type TestWorkspace } from "../testing/factories";
import { predictionStartingPoints } from "./definitions";
import type { ModelQuality } from "./types";

/**
 * Predictions through the route handlers: every way a definition is refused (a 422 naming the field, nothing
 * stored), roles (a viewer reads but changes nothing), another workspace's prediction as a 404, the list and the
 * page's view (live model, history, tiers), and the audit entries of each change.
 */

const NOW = new Date("2026-12-01T12:00:00Z");

async function team(events: string[] = ["Order Completed", "Page Viewed", "Product Viewed"]) {
  const t = await createWorkspaceWithTeam("Predictions");
  for (const name of events)
    await db().eventType.create({
      data: { workspaceId: t.id, name, firstSeenAt: NOW, lastSeenAt: NOW, total: 10 },
    });
  return {
    t,
    slug: t.slug,
    editor: await sessionCookie(t.members.EDITOR),
    viewer: await sessionCookie(t.members.VIEWER),
  };
}

async function segment(t: TestWorkspace, options: { members: number; archived?: boolean }) {
  const s = await db().segment.create({
    data: {
      workspaceId: t.id,
      name: `Segment ${randomUUID().slice(0, 6)}`,
      kind: "manual",
      createdByLabel: "test",
      updatedByLabel: "test",
      archivedAt: options.archived ? NOW : null,
      memberCount: options.members,
    },
  });
  for (let i = 0; i < options.members; i++) {
    const profile = await db().profile.create({
      data: { id: randomUUID(), workspaceId: t.id, userId: `u-${randomUUID()}`, firstSeenAt: NOW, lastSeenAt: NOW },
    });
    await db().segmentMembership.create({
      data: { segmentId: s.id, profileId: profile.id, workspaceId: t.id, enteredAt: NOW },
    });
  }
  return s.id;
}

const PURCHASE = {
  name: "Purchase in 14 days",
  kind: "propensity",
  target: { eventName: "Order Completed" },
  horizonDays: 14,
};

const create = (c: { slug: string; editor: string }, body: unknown) =>
  callRoute(createRoute, { method: "POST", cookie: c.editor, params: { slug: c.slug }, body });

const stored = (workspaceId: string) => db().prediction.count({ where: { workspaceId } });

describe("defining a prediction", () => {
  it("creates it with a key from its name, queues its first training and records it in the audit log", async () => {
    const c = await team();
    const created = await create(c, PURCHASE);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      key: "purchase_in_14_days",
      name: "Purchase in 14 days",
      kind: "propensity",
      target: { eventName: "Order Completed", filters: [] },
      horizonDays: 14,
      retrainEveryDays: 7,
      audience: null,
      trainingStatus: "queued",
      live: null,
      models: [],
      tiers: { low: 0, medium: 0, high: 0 },
      createdBy: c.t.members.EDITOR.email,
    });
    const audit = await db().auditLog.findMany({ where: { workspaceId: c.t.id, targetId: created.body.id } });
    expect(audit.map((a) => a.action)).toEqual(["prediction.created"]);

    const churn = await create(c, {
      name: "Churn",
      key: "churn",
      kind: "churn",
      target: { eventNames: ["Order Completed", "Page Viewed"] },
      horizonDays: 30,
      audienceSegmentId: await segment(c.t, { members: 2 }),
      retrainEveryDays: 14,
    });
    expect(churn.status).toBe(201);
    expect(churn.body).toMatchObject({ key: "churn", kind: "churn", retrainEveryDays: 14 });
    expect(churn.body.audience.name).toMatch(/^Segment /);
  });

  it.each([
    [
      "an event never seen",
      { ...PURCHASE, target: { eventName: "Subscription Renewed" } },
      "target.eventName",
      /never been seen/,
    ],
    [
      "one of the churn events never seen",
      { name: "Churn", kind: "churn", target: { eventNames: ["Order Completed", "App Opened"] }, horizonDays: 30 },
      "target.eventNames.1",
      /"App Opened" has never been seen/,
    ],
    ["a horizon of 0 days", { ...PURCHASE, horizonDays: 0 }, "horizonDays", /at least 1/],
    ["a horizon of 91 days", { ...PURCHASE, horizonDays: 91 }, "horizonDays", /at most 90/],
    ["a horizon that is not whole", { ...PURCHASE, horizonDays: 2.5 }, "horizonDays", /whole/],
    ["retraining every 0 days", { ...PURCHASE, retrainEveryDays: 0 }, "retrainEveryDays", /at least 1/],
    ["retraining every 91 days", { ...PURCHASE, retrainEveryDays: 91 }, "retrainEveryDays", /at most 90/],
    ["an audience that is not an id", { ...PURCHASE, audienceSegmentId: "vip" }, "audienceSegmentId", /segment/],
    [
      "an audience no segment has",
      { ...PURCHASE, audienceSegmentId: randomUUID() },
      "audienceSegmentId",
      /not a segment of this workspace/,
    ],
    ["a key that is not a key", { ...PURCHASE, key: "Churn Risk" }, "key", /start with a letter/],
    ["a name with no letter to derive a key from", { ...PURCHASE, name: "2026" }, "key", /derive/],
    ["an unknown kind", { ...PURCHASE, kind: "clv" }, "kind", /propensity or churn/],
    [
      "a churn with no events",
      { ...PURCHASE, kind: "churn", target: { eventNames: [] } },
      "target.eventNames",
      /at least one/,
    ],
    ["a target of the other kind", { ...PURCHASE, kind: "churn" }, "target", /.+/],
  ])("refuses %s with a 422 naming the field, storing nothing", async (_case, body, path, message) => {
    const c = await team();
    const answer = await create(c, body);
    expect(answer.status).toBe(422);
    const field = answer.body.error.fields.find((f: { path: string }) => f.path.startsWith(path));
    expect(field, JSON.stringify(answer.body.error.fields)).toBeTruthy();
    expect(field.message).toMatch(message);
    expect(await stored(c.t.id)).toBe(0);
    expect(await db().auditLog.count({ where: { workspaceId: c.t.id, action: { startsWith: "prediction." } } })).toBe(
      0,
    );
  });

  it("refuses an audience that is archived, empty or another workspace's, naming audienceSegmentId", async () => {
    const c = await team();
    const other = await team();
    const cases = [
      [await segment(c.t, { members: 1, archived: true }), /is archived/],
      [await segment(c.t, { members: 0 }), /has no members: nobody would be scored/],
      [await segment(other.t, { members: 3 }), /not a segment of this workspace/],
    ] as const;
    for (const [audienceSegmentId, message] of cases) {
      const answer = await create(c, { ...PURCHASE, audienceSegmentId });
      expect(answer.status).toBe(422);
      expect(answer.body.error.fields).toEqual([
        { path: "audienceSegmentId", message: expect.stringMatching(message) },
      ]);
    }
    expect(await stored(c.t.id)).toBe(0);
  });

  it("names every problem at once", async () => {
    const c = await team();
    const answer = await create(c, {
      ...PURCHASE,
      target: { eventName: "Never Happened" },
      audienceSegmentId: await segment(c.t, { members: 0 }),
    });
    expect(answer.status).toBe(422);
    expect(answer.body.error.fields.map((f: { path: string }) => f.path)).toEqual([
      "target.eventName",
      "audienceSegmentId",
    ]);
  });

  it("refuses a key the workspace already uses (archived predictions included) with a 422 on key", async () => {
    const c = await team();
    const first = await create(c, { ...PURCHASE, key: "purchase" });
    await callRoute(archiveRoute, { method: "POST", cookie: c.editor, params: { slug: c.slug, id: first.body.id } });
    const again = await create(c, { ...PURCHASE, key: "purchase" });
    expect(again.status).toBe(422);
    expect(again.body.error.fields).toEqual([{ path: "key", message: expect.stringMatching(/already the key/) }]);
    expect(await stored(c.t.id)).toBe(1);
    // another workspace may use the same key
    const other = await team();
    expect((await create(other, { ...PURCHASE, key: "purchase" })).status).toBe(201);
  });
});

describe("who may do what", () => {
  it("a viewer reads but cannot create, change, train or archive", async () => {
    const c = await team();
    const { body } = await create(c, PURCHASE);
    const params = { slug: c.slug, id: body.id };
    const refused = await Promise.all([
      callRoute(createRoute, { method: "POST", cookie: c.viewer, params: { slug: c.slug }, body: PURCHASE }),
      callRoute(patchRoute, { method: "PATCH", cookie: c.viewer, params, body: { name: "Mine now" } }),
      callRoute(trainRoute, { method: "POST", cookie: c.viewer, params }),
      callRoute(archiveRoute, { method: "POST", cookie: c.viewer, params }),
    ]);
    expect(refused.map((r) => r.status)).toEqual([403, 403, 403, 403]);
    expect(await stored(c.t.id)).toBe(1);
    const unchanged = await db().prediction.findUniqueOrThrow({ where: { id: body.id } });
    expect([unchanged.name, unchanged.archivedAt]).toEqual(["Purchase in 14 days", null]);

    const list = await callRoute(listRoute, { cookie: c.viewer, params: { slug: c.slug } });
    expect(list.status).toBe(200);
    expect(list.body.predictions.map((p: { id: string }) => p.id)).toEqual([body.id]);
    expect((await callRoute(getRoute, { cookie: c.viewer, params })).status).toBe(200);
  });

  it("another workspace's prediction is a 404 for reads and changes, by session and by key", async () => {
    const c = await team();
    const other = await team();
    const { body } = await create(other, PURCHASE);
    const params = { slug: c.slug, id: body.id };
    const answers = await Promise.all([
      callRoute(getRoute, { cookie: c.editor, params }),
      callRoute(patchRoute, { method: "PATCH", cookie: c.editor, params, body: { name: "Taken" } }),
      callRoute(trainRoute, { method: "POST", cookie: c.editor, params }),
      callRoute(archiveRoute, { method: "POST", cookie: c.editor, params }),
      callRoute(getRoute, { cookie: c.editor, params: { slug: c.slug, id: "not-a-uuid" } }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([404, 404, 404, 404, 404]);
    const untouched = await db().prediction.findUniqueOrThrow({ where: { id: body.id } });
    expect([untouched.name, untouched.archivedAt]).toEqual(["Purchase in 14 days", null]);
    // a member of the other workspace only: its URL is a 404 too
    const onOtherSlug = await callRoute(getRoute, { cookie: c.editor, params: { slug: other.slug, id: body.id } });
    expect(onOtherSlug.status).toBe(404);

    const key = await createApiKey(await contextOf(c.t, "OWNER"), { name: "Feed", scope: "FULL" });
    const byKey = await callRoute(keyGetRoute, {
      headers: { authorization: `Bearer ${key.secret}` },
      params: { id: body.id },
    });
    expect(byKey.status).toBe(404);
  });

  it("a full API key creates and lists; a write key is refused", async () => {
    const c = await team();
    const owner = await contextOf(c.t, "OWNER");
    const full = await createApiKey(owner, { name: "Full", scope: "FULL" });
    const write = await createApiKey(owner, { name: "Write", scope: "WRITE" });
    const created = await callRoute(keyCreateRoute, {
      method: "POST",
      headers: { authorization: `Bearer ${full.secret}` },
      body: PURCHASE,
    });
    expect(created.status).toBe(201);
    const list = await callRoute(keyListRoute, { headers: { authorization: `Bearer ${full.secret}` } });
    expect(list.body.predictions).toHaveLength(1);
    const refused = await callRoute(keyListRoute, { headers: { authorization: `Bearer ${write.secret}` } });
    expect(refused.status).toBe(403);
  });
});

describe("changing, training and archiving", () => {
  it("a rename keeps the question; a new horizon queues a retraining; a bad target names target.<field>", async () => {
    const c = await team();
    const { body } = await create(c, PURCHASE);
    const params = { slug: c.slug, id: body.id };
    // the first training ran and failed, so the status is no longer queued
    await db().prediction.update({ where: { id: body.id }, data: { trainingStatus: "failed", trainingError: "x" } });

    const renamed = await callRoute(patchRoute, {
      method: "PATCH",
      cookie: c.editor,
      params,
      body: { name: "Buyers" },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: "Buyers", key: "purchase_in_14_days", trainingStatus: "failed" });

    const sameTarget = await callRoute(patchRoute, {
      method: "PATCH",
      cookie: c.editor,
      params,
      body: { target: { filters: [], eventName: "Order Completed" } },
    });
    expect(sameTarget.body.trainingStatus).toBe("failed");

    const longer = await callRoute(patchRoute, {
      method: "PATCH",
      cookie: c.editor,
      params,
      body: { horizonDays: 30 },
    });
    expect(longer.body).toMatchObject({ horizonDays: 30, trainingStatus: "queued", trainingError: null });

    const bad = await callRoute(patchRoute, {
      method: "PATCH",
      cookie: c.editor,
      params,
      body: { target: { eventNames: ["Order Completed"] } },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path)).toContain("target.eventName");
    const unseen = await callRoute(patchRoute, {
      method: "PATCH",
      cookie: c.editor,
      params,
      body: { target: { eventName: "Refund Issued" }, horizonDays: 120 },
    });
    expect(unseen.status).toBe(422);
    expect(unseen.body.error.fields.map((f: { path: string }) => f.path)).toEqual(["horizonDays"]);
    const unseenEvent = await callRoute(patchRoute, {
      method: "PATCH",
      cookie: c.editor,
      params,
      body: { target: { eventName: "Refund Issued" } },
    });
    expect(unseenEvent.body.error.fields).toEqual([
      { path: "target.eventName", message: expect.stringMatching(/never been seen/) },
    ]);
    const emptyAudience = await callRoute(patchRoute, {
      method: "PATCH",
      cookie: c.editor,
      params,
      body: { audienceSegmentId: await segment(c.t, { members: 0 }) },
    });
    expect(emptyAudience.body.error.fields[0].path).toBe("audienceSegmentId");
    const row = await db().prediction.findUniqueOrThrow({ where: { id: body.id } });
    expect([row.name, row.horizonDays, row.target, row.audienceSegmentId]).toEqual([
      "Buyers",
      30,
      { eventName: "Order Completed", filters: [] },
      null,
    ]);

    const audit = await db().auditLog.findMany({
      where: { workspaceId: c.t.id, targetId: body.id },
      orderBy: { createdAt: "asc" },
    });
    expect(audit.map((a) => a.action)).toEqual([
      "prediction.created",
      "prediction.updated",
      "prediction.updated",
      "prediction.updated",
    ]);
  });

  it.each([
    ["an empty name", { name: " " }, "name"],
    ["retraining every 0 days", { retrainEveryDays: 0 }, "retrainEveryDays"],
    ["a horizon of 91 days", { horizonDays: 91 }, "horizonDays"],
    ["a target that is not an object", { target: "Order Completed" }, "target"],
    ["an audience that is not an id", { audienceSegmentId: 7 }, "audienceSegmentId"],
    ["a new key (keys never change)", { key: "other" }, ""],
    ["a new kind", { kind: "churn" }, ""],
  ])("refuses a change with %s (422, nothing changed)", async (_case, body, path) => {
    const c = await team();
    const created = await create(c, PURCHASE);
    const before = await db().prediction.findUniqueOrThrow({ where: { id: created.body.id } });
    const answer = await callRoute(patchRoute, {
      method: "PATCH",
      cookie: c.editor,
      params: { slug: c.slug, id: created.body.id },
      body,
    });
    expect(answer.status).toBe(422);
    expect(answer.body.error.fields.map((f: { path: string }) => f.path)).toContain(path);
    expect(await db().prediction.findUniqueOrThrow({ where: { id: created.body.id } })).toEqual(before);
  });

  it("refuses a list query it does not know, naming it", async () => {
    const c = await team();
    const answer = await callRoute(listRoute, {
      cookie: c.editor,
      params: { slug: c.slug },
      path: `/api/workspaces/${c.slug}/predictions?archived=maybe`,
    });
    expect(answer.status).toBe(422);
    expect(answer.body.error.fields[0].path).toBe("archived");
  });

  it("train now queues once; archiving hides it from the list, refuses changes and is idempotent", async () => {
    const c = await team();
    const { body } = await create(c, PURCHASE);
    const params = { slug: c.slug, id: body.id };
    // already queued by its creation: nothing new
    const whileQueued = await callRoute(trainRoute, { method: "POST", cookie: c.editor, params });
    expect(whileQueued.body.trainingStatus).toBe("queued");
    await db().prediction.update({ where: { id: body.id }, data: { trainingStatus: "idle" } });
    const trained = await callRoute(trainRoute, { method: "POST", cookie: c.editor, params });
    expect(trained.body.trainingStatus).toBe("queued");
    // a training queued two hours ago and never started was lost: train now asks again
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    await db().prediction.update({
      where: { id: body.id },
      data: { trainingStatus: "queued", updatedAt: twoHoursAgo, trainingStartedAt: null },
    });
    const again = await callRoute(trainRoute, { method: "POST", cookie: c.editor, params });
    expect(again.body.trainingStatus).toBe("queued");
    expect(new Date(again.body.updatedAt).getTime()).toBeGreaterThan(twoHoursAgo.getTime() + 3_600_000);

    const archived = await callRoute(archiveRoute, { method: "POST", cookie: c.editor, params });
    expect(archived.body.archived).toBe(true);
    expect((await callRoute(archiveRoute, { method: "POST", cookie: c.editor, params })).status).toBe(200);
    expect((await callRoute(listRoute, { cookie: c.editor, params: { slug: c.slug } })).body.predictions).toEqual([]);
    const archivedList = await callRoute(listRoute, {
      cookie: c.editor,
      params: { slug: c.slug },
      path: `/api/workspaces/${c.slug}/predictions?archived=true`,
    });
    expect(archivedList.body.predictions.map((p: { id: string }) => p.id)).toEqual([body.id]);
    const change = await callRoute(patchRoute, { method: "PATCH", cookie: c.editor, params, body: { name: "Late" } });
    expect(change.status).toBe(409);
    expect((await callRoute(trainRoute, { method: "POST", cookie: c.editor, params })).status).toBe(409);

    const audit = await db().auditLog.findMany({
      where: { workspaceId: c.t.id, targetId: body.id },
      orderBy: { createdAt: "asc" },
    });
    expect(audit.map((a) => a.action)).toEqual([
      "prediction.created",
      "prediction.training_requested",
      "prediction.training_requested",
      "prediction.archived",
    ]);
  });
});

function quality(auc: number, summary: string): ModelQuality {
  return {
    auc: { value: auc, low: auc - 0.03, high: auc + 0.03 },
    baselineAuc: 0.62,
    calibration: [
      { predicted: 0.05, observed: 0.04, count: 400 },
      { predicted: 0.5, observed: 0.55, count: 60 },
    ],
    lift: { top10: 3.1, top20: 2.4 },
    classBalance: { examples: 460, positives: 53, rate: 53 / 460 },
    training: { examples: 2000, positives: 230, auc: auc + 0.01 },
    summary,
  };
}

describe("the list and the page", () => {
  it("show the live model's verdict and AUC, the history newest first, a failure's reason and the tiers", async () => {
    const c = await team();
    const { body } = await create(c, PURCHASE);
    const windows = {
      trainingFrom: new Date("2026-06-01Z"),
      trainingTo: new Date("2026-10-01Z"),
      validationFrom: new Date("2026-10-01Z"),
      validationTo: new Date("2026-11-01Z"),
    };
    const model = (version: number, extra: object) =>
      db().predictionModel.create({
        data: {
          workspaceId: c.t.id,
          predictionId: body.id,
          version,
          examples: 460,
          positives: 53,
          trainedAt: new Date(NOW.getTime() + version * 3_600_000),
          ...windows,
          ...extra,
        } as never,
      });
    await model(1, { status: "published", verdict: "weak", quality: quality(0.66, "weak: use with care") });
    const v2 = await model(2, {
      status: "published",
      verdict: "good",
      quality: quality(0.81, "good enough to target"),
    });
    await model(3, { status: "failed", verdict: "failed", error: "the database went away" });
    await db().prediction.update({
      where: { id: body.id },
      data: { liveModelId: v2.id, trainingStatus: "failed", trainingError: "the database went away" },
    });
    const scores = [..."lllmh"];
    for (const tier of scores) {
      const profile = await db().profile.create({
        data: { id: randomUUID(), workspaceId: c.t.id, firstSeenAt: NOW, lastSeenAt: NOW },
      });
      await db().predictionScore.create({
        data: {
          predictionId: body.id,
          profileId: profile.id,
          workspaceId: c.t.id,
          modelId: v2.id,
          probability: 0.1,
          score: 10,
          tier: { l: "low", m: "medium", h: "high" }[tier] as string,
          scoredAt: NOW,
        },
      });
    }

    const list = await callRoute(listRoute, { cookie: c.viewer, params: { slug: c.slug } });
    expect(list.body.predictions[0]).toMatchObject({
      id: body.id,
      live: { version: 2, verdict: "good", auc: 0.81 },
      trainingStatus: "failed",
      trainingError: "the database went away",
    });

    const page = await callRoute(getRoute, { cookie: c.viewer, params: { slug: c.slug, id: body.id } });
    expect(page.body.quality).toMatchObject({ auc: { value: 0.81 }, baselineAuc: 0.62, lift: { top10: 3.1 } });
    expect(page.body.liveModel).toMatchObject({
      version: 2,
      trainingWindow: { from: "2026-06-01T00:00:00.000Z", to: "2026-10-01T00:00:00.000Z" },
      validationWindow: { from: "2026-10-01T00:00:00.000Z", to: "2026-11-01T00:00:00.000Z" },
    });
    expect(
      page.body.models.map((m: { version: number; status: string; verdict: string; summary: string }) => [
        m.version,
        m.status,
        m.verdict,
        m.summary,
      ]),
    ).toEqual([
      [3, "failed", "failed", "the database went away"],
      [2, "published", "good", "good enough to target"],
      [1, "published", "weak", "weak: use with care"],
    ]);
    expect(page.body.tiers).toEqual({ low: 3, medium: 1, high: 1 });
  });

  it("offers the starting points whose events the workspace has seen, and says why not for the others", async () => {
    const sessions = await team(["Order Completed", "Session Started", "Page Viewed"]);
    const [churn, purchase] = await predictionStartingPoints(await contextOf(sessions.t, "VIEWER"));
    expect(churn).toMatchObject({
      available: true,
      definition: { target: { eventNames: ["Order Completed", "Session Started"] } },
    });
    expect(purchase).toMatchObject({ available: true, definition: { horizonDays: 14 } });

    const pagesOnly = await team(["Page Viewed", "Signed Up"]);
    const [churn2, purchase2] = await predictionStartingPoints(await contextOf(pagesOnly.t, "VIEWER"));
    expect(churn2).toMatchObject({ available: true, definition: { target: { eventNames: ["Page Viewed"] } } });
    expect(purchase2).toMatchObject({ available: false, unavailableBecause: expect.stringMatching(/Order Completed/) });

    const nothing = await team([]);
    const [churn3] = await predictionStartingPoints(await contextOf(nothing.t, "VIEWER"));
    expect(churn3.available).toBe(false);
  });
});
