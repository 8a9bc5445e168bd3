import { describe, expect, it } from "vitest";
import { GET as listRoute } from "@/app/api/v1/inbox/[userId]/route";
import { POST as actionRoute } from "@/app/api/v1/inbox/[userId]/[messageId]/route";
import { POST as identifyRoute } from "@/app/api/v1/identify/route";
import { POST as batchRoute } from "@/app/api/v1/batch/route";
import { GET as settingsGet, PATCH as settingsPatch } from "@/app/api/workspaces/[slug]/identity-verification/route";
import { POST as rotateRoute } from "@/app/api/workspaces/[slug]/identity-verification/rotate/route";
import { createApiKey } from "../api-keys/api-keys";
import { db } from "../db/client";
import { callRoute } from "../testing/call-route";
import { sessionCookie } from "../testing/factories";
import { ingestFixture } from "../testing/ingest-helpers";
import { messageRow, queueFor, setup } from "../testing/messaging-fixtures";
import { deliverMessage } from "./delivery";
import { userHashFor } from "./identity-verification";

const ORIGIN = "https://shop.example";

async function inboxWorkspace() {
  const s = await setup(undefined, { channel: "in_app" });
  const { secret } = await createApiKey(s.owner, { name: "App", scope: "WRITE" });
  const key = { authorization: `Bearer ${secret}` };
  const id = await queueFor(s, "reader", { first_name: "Ada" });
  expect(await deliverMessage(id, s.driver.clock)).toMatchObject({ outcome: "sent" });
  const owner = s.fixture.team.members.OWNER;
  return { s, key, id, slug: s.fixture.team.slug, cookie: await sessionCookie(owner) };
}

const list = (headers: Record<string, string>, userId = "reader") =>
  callRoute(listRoute, { path: `/api/v1/inbox/${userId}`, params: { userId }, headers });
const act = (headers: Record<string, string>, messageId: string, userId = "reader") =>
  callRoute(actionRoute, {
    method: "POST",
    path: `/api/v1/inbox/${userId}/${messageId}`,
    params: { userId, messageId },
    headers,
    body: { action: "dismissed" },
  });
const settings = (slug: string, cookie: string) =>
  callRoute(settingsGet, { path: `/api/workspaces/${slug}/identity-verification`, params: { slug }, cookie });

describe("identity verification: the in-app inbox", () => {
  it("refuses a missing hash (401) and a wrong one (403), answers the right one; another workspace's secret does not work", async () => {
    const { key, id, slug, cookie } = await inboxWorkspace();
    const missing = await list(key);
    expect(missing.status).toBe(401);
    expect(missing.body.error).toMatchObject({
      code: "unauthenticated",
      fields: [{ path: "X-Cairn-User-Hash", message: "is missing" }],
    });

    const { secret } = (await settings(slug, cookie)).body;
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    // the hash of another user, garbage, and the right user's hash made with another workspace's secret
    const other = await ingestFixture("WRITE");
    const otherSecret = (await settings(other.team.slug, await sessionCookie(other.team.members.OWNER))).body.secret;
    for (const wrong of [
      userHashFor(secret, "someone-else"),
      "zz",
      "0".repeat(64),
      userHashFor(otherSecret, "reader"),
    ]) {
      const answer = await list({ ...key, "x-cairn-user-hash": wrong });
      expect(answer.status, wrong).toBe(403);
      expect(answer.body.error.code).toBe("forbidden");
      expect((await act({ ...key, "x-cairn-user-hash": wrong }, id)).status).toBe(403);
    }
    expect((await act(key, id)).status).toBe(401);
    expect((await messageRow(id)).dismissedAt).toBeNull();

    const right = { ...key, "x-cairn-user-hash": userHashFor(secret, "reader") };
    expect(await list(right)).toMatchObject({ status: 200, body: { unread: 1, messages: [{ id }] } });
    // upper-case hex is the same hash
    expect((await list({ ...key, "x-cairn-user-hash": userHashFor(secret, "reader").toUpperCase() })).status).toBe(200);
    expect((await act(right, id)).status).toBe(200);
    expect((await messageRow(id)).dismissedAt).not.toBeNull();
  });

  it("rotating the secret invalidates every old hash; the new secret's work; audit-logged", async () => {
    const { s, key, slug, cookie } = await inboxWorkspace();
    const before = (await settings(slug, cookie)).body.secret;
    const rotated = await callRoute(rotateRoute, {
      method: "POST",
      path: `/api/workspaces/${slug}/identity-verification/rotate`,
      params: { slug },
      cookie,
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(before);
    expect((await settings(slug, cookie)).body.secret).toBe(rotated.body.secret);
    expect((await list({ ...key, "x-cairn-user-hash": userHashFor(before, "reader") })).status).toBe(403);
    expect((await list({ ...key, "x-cairn-user-hash": userHashFor(rotated.body.secret, "reader") })).status).toBe(200);
    const audit = await db().auditLog.findMany({
      where: { workspaceId: s.ctx.workspace.id, action: { startsWith: "identity_verification." } },
    });
    expect(audit.map((a) => a.summary)).toEqual([
      "Rotated the identity verification secret (hashes made with the old one no longer work)",
    ]);
  });
});

describe("identity verification: settings", () => {
  it("only admins see the secret, rotate it or change the setting; a bad value names the field and changes nothing", async () => {
    const { s, slug } = await inboxWorkspace();
    const team = s.fixture.team;
    for (const role of ["VIEWER", "EDITOR"] as const) {
      const cookie = await sessionCookie(team.members[role]);
      const read = await settings(slug, cookie);
      expect(read.status, role).toBe(403);
      expect(JSON.stringify(read.body)).not.toMatch(/[0-9a-f]{64}/);
      expect((await callRoute(rotateRoute, { method: "POST", params: { slug }, cookie })).status).toBe(403);
      expect(
        (
          await callRoute(settingsPatch, {
            method: "PATCH",
            params: { slug },
            cookie,
            body: { requireVerifiedIdentify: true },
          })
        ).status,
      ).toBe(403);
    }
    const admin = await sessionCookie(team.members.ADMIN);
    expect((await settings(slug, admin)).status).toBe(200);
    const bad = await callRoute(settingsPatch, {
      method: "PATCH",
      params: { slug },
      cookie: admin,
      body: { requireVerifiedIdentify: "yes" },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields).toEqual([{ path: "requireVerifiedIdentify", message: "must be true or false" }]);
    expect((await db().workspace.findUniqueOrThrow({ where: { id: team.id } })).requireVerifiedIdentify).toBe(false);
  });
});

describe("identity verification: identify from browsers", () => {
  it("with the setting on, a browser's identify needs context.userHash; servers and the setting off are unaffected", async () => {
    const { s, key, slug, cookie } = await inboxWorkspace();
    const { secret } = (await settings(slug, cookie)).body;
    const identify = (body: unknown, headers: Record<string, string> = { origin: ORIGIN }) =>
      callRoute(identifyRoute, { method: "POST", path: "/api/v1/identify", headers: { ...key, ...headers }, body });
    const emailOf = async (userId: string) =>
      (await db().profile.findFirst({ where: { workspaceId: s.ctx.workspace.id, userId } }))?.email ?? null;

    // off (the default): a browser identify without a hash is stored
    expect((await identify({ userId: "reader", traits: { email: "first@example.com" } })).status).toBe(200);
    expect(await emailOf("reader")).toBe("first@example.com");
    const on = await callRoute(settingsPatch, {
      method: "PATCH",
      params: { slug },
      cookie,
      body: { requireVerifiedIdentify: true },
    });
    expect(on).toMatchObject({ status: 200, body: { requireVerifiedIdentify: true } });

    const missing = await identify({ userId: "reader", traits: { email: "attacker@evil.example" } });
    expect(missing.status).toBe(401);
    expect(missing.body.error.fields).toEqual([{ path: "context.userHash", message: "is missing" }]);
    const wrong = await identify({
      userId: "reader",
      traits: { email: "attacker@evil.example" },
      context: { userHash: userHashFor(secret, "attacker") },
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.fields).toEqual([{ path: "context.userHash", message: "does not match the userId" }]);
    // in a batch: the batch's context counts for messages without their own; a message that fails is
    // rejected (and kept as a rejected event), the verified ones are stored
    const batch = await callRoute(batchRoute, {
      method: "POST",
      path: "/api/v1/batch",
      headers: { ...key, origin: ORIGIN },
      body: {
        context: { userHash: userHashFor(secret, "reader") },
        batch: [
          { type: "identify", userId: "reader", traits: { plan: "x" } },
          { type: "identify", userId: "victim", traits: { email: "attacker@evil.example" } },
        ],
      },
    });
    expect(batch.status).toBe(200);
    expect(batch.body).toMatchObject({
      received: 2,
      stored: 1,
      rejected: [{ index: 1, path: "batch.1.context.userHash", reason: "does not match the userId" }],
    });
    expect(await emailOf("victim")).toBeNull();
    expect(await emailOf("reader")).toBe("first@example.com");
    expect(
      (await db().profile.findFirstOrThrow({ where: { workspaceId: s.ctx.workspace.id, userId: "reader" } })).traits,
    ).toMatchObject({ plan: "x" });
    const kept = await db().rejectedEvent.findMany({
      where: { workspaceId: s.ctx.workspace.id },
      orderBy: { id: "asc" },
    });
    expect(kept.map((r) => [r.endpoint, r.batchIndex, r.reasons])).toEqual([
      ["identify", 0, [{ path: "context.userHash", message: "is missing" }]],
      ["identify", 0, [{ path: "context.userHash", message: "does not match the userId" }]],
      ["batch", 1, [{ path: "batch.1.context.userHash", message: "does not match the userId" }]],
    ]);

    const verified = await identify({
      userId: "reader",
      traits: { email: "second@example.com" },
      context: { userHash: userHashFor(secret, "reader") },
    });
    expect(verified.status).toBe(200);
    expect(await emailOf("reader")).toBe("second@example.com");
    // a server (no Origin header) is trusted as before; a browser's track needs no hash
    expect((await identify({ userId: "reader", traits: { email: "server@example.com" } }, {})).status).toBe(200);
    const track = await callRoute(batchRoute, {
      method: "POST",
      path: "/api/v1/batch",
      headers: { ...key, origin: ORIGIN },
      body: { batch: [{ type: "track", userId: "reader", event: "Viewed" }] },
    });
    expect(track.status).toBe(200);
    const audit = await db().auditLog.findMany({
      where: { workspaceId: s.ctx.workspace.id, action: "identity_verification.updated" },
    });
    expect(audit.map((a) => a.summary)).toEqual(["Required verified identify calls from browsers (context.userHash)"]);
  });
});
