import { describe, expect, it } from "vitest";
import { POST as trackPost, OPTIONS as trackOptions } from "@/app/api/v1/t/route";
import { POST as identifyPost } from "@/app/api/v1/i/route";
import { POST as pagePost } from "@/app/api/v1/p/route";
import { POST as batchPost, OPTIONS as batchOptions } from "@/app/api/v1/b/route";
import { GET as settingsGet } from "@/app/api/v1/projects/[writeKey]/settings/route";
import { createApiKey, revokeApiKey } from "../api-keys/api-keys";
import { db } from "../db/client";
import { getIdentityVerification, userHashFor } from "../messaging/identity-verification";
import { callRoute } from "../testing/call-route";
import { contextOf, createWorkspaceWithTeam } from "../testing/factories";

const SHOP = "https://shop.example";
const ELSEWHERE = "https://evil.example";

async function browserKey(allowedOrigins: string[] = [SHOP]) {
  const team = await createWorkspaceWithTeam();
  const owner = await contextOf(team, "OWNER");
  const { apiKey, secret } = await createApiKey(owner, { name: "Website", scope: "WRITE", allowedOrigins });
  return { team, owner, apiKey, key: secret };
}

/** The body analytics-next's segmentio plugin posts: the message plus writeKey, sentAt and _metadata, as text/plain. */
function libraryBody(key: string, message: Record<string, unknown>) {
  return JSON.stringify({
    messageId: `ajs-next-${Math.random().toString(36).slice(2)}`,
    timestamp: new Date().toISOString(),
    anonymousId: "anon-browser-1",
    context: { library: { name: "analytics.js", version: "next-1.84.3" }, page: { url: `${SHOP}/pricing` } },
    integrations: {},
    ...message,
    writeKey: key,
    sentAt: new Date().toISOString(),
    _metadata: { bundled: ["Segment.io"], unbundled: [], bundledIds: [] },
  });
}

const post = (handler: typeof trackPost, path: string, rawBody: string, headers: Record<string, string> = {}) =>
  callRoute(handler, { method: "POST", path, rawBody, headers: { "content-type": "text/plain", ...headers } });

const eventsOf = (workspaceId: string) => db().event.findMany({ where: { workspaceId }, orderBy: { id: "asc" } });

describe("Segment's browser library against Cairn", () => {
  it("preflight: any origin gets its own origin back (never *), POST, Content-Type and Authorization, a max age and Vary: Origin", async () => {
    for (const handler of [trackOptions, batchOptions]) {
      for (const origin of [SHOP, ELSEWHERE]) {
        const answer = await callRoute(handler, {
          method: "OPTIONS",
          path: "/api/v1/t",
          headers: {
            origin,
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type,authorization",
          },
        });
        expect(answer.status).toBe(204);
        expect(answer.headers.get("access-control-allow-origin")).toBe(origin);
        expect(answer.headers.get("access-control-allow-methods")).toContain("POST");
        expect(answer.headers.get("access-control-allow-headers")).toBe("Content-Type, Authorization, X-Retry-Count");
        expect(Number(answer.headers.get("access-control-max-age"))).toBeGreaterThan(0);
        expect(answer.headers.get("vary")).toBe("Origin");
        expect(answer.headers.get("access-control-allow-credentials")).toBeNull();
      }
    }
  });

  it("stores a text/plain call with the write key only in the body, and lets the allowed page read the answer", async () => {
    const { team, key } = await browserKey();
    const answer = await post(
      trackPost,
      "/api/v1/t",
      libraryBody(key, { type: "track", event: "Plan Chosen", properties: { plan: "pro" } }),
      { origin: SHOP },
    );
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({ success: true, stored: 1 });
    expect(answer.headers.get("access-control-allow-origin")).toBe(SHOP);
    expect(answer.headers.get("access-control-expose-headers")).toBe("Retry-After");
    expect(answer.headers.get("vary")).toBe("Origin");

    const page = await post(
      pagePost,
      "/api/v1/p",
      libraryBody(key, { type: "page", name: "Pricing", properties: { path: "/pricing" } }),
      { origin: SHOP },
    );
    expect(page.status).toBe(200);
    // batching mode: { writeKey, batch, sentAt } to /b
    const batch = JSON.stringify({
      writeKey: key,
      sentAt: new Date().toISOString(),
      batch: [
        {
          type: "track",
          event: "Batched",
          anonymousId: "anon-browser-1",
          messageId: "ajs-batched-1",
          timestamp: new Date().toISOString(),
          _metadata: { bundled: [] },
        },
      ],
    });
    expect((await post(batchPost, "/api/v1/b", batch, { origin: SHOP })).status).toBe(200);

    const events = await eventsOf(team.id);
    expect(events.map((e) => [e.type, e.name])).toEqual([
      ["track", "Plan Chosen"],
      ["page", "Page Viewed"],
      ["track", "Batched"],
    ]);
    expect(events[0].properties).toEqual({ plan: "pro" });
    // the key in the body is a credential, not data: it is not stored with the event
    expect(JSON.stringify(events, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))).not.toContain(key);
  });

  it("accepts the key as the library's Basic header too, and from servers (no Origin) whatever the key's origins", async () => {
    const { team, key } = await browserKey([]);
    const basic = { authorization: `Basic ${Buffer.from(`${key}:`).toString("base64")}` };
    const fromServer = await post(trackPost, "/api/v1/t", libraryBody(key, { type: "track", event: "Server Side" }));
    expect(fromServer.status).toBe(200);
    expect(fromServer.headers.get("access-control-allow-origin")).toBeNull();
    const headerOnly = JSON.stringify({ type: "track", event: "Header Key", anonymousId: "a-1" });
    expect((await post(trackPost, "/api/v1/t", headerOnly, basic)).status).toBe(200);
    expect((await eventsOf(team.id)).map((e) => e.name)).toEqual(["Server Side", "Header Key"]);
  });

  it("refuses a page on an origin the key does not list: 403 naming the origin, no CORS headers, nothing stored", async () => {
    const { team, key } = await browserKey();
    const { key: serverOnly } = await browserKey([]);
    const basic = { authorization: `Basic ${Buffer.from(`${key}:`).toString("base64")}` };
    for (const [k, headers] of [
      [key, { origin: ELSEWHERE }],
      [key, { origin: ELSEWHERE, ...basic }],
      [serverOnly, { origin: SHOP }],
    ] as const) {
      const answer = await post(trackPost, "/api/v1/t", libraryBody(k, { type: "track", event: "Sneaky" }), headers);
      expect(answer.status).toBe(403);
      expect(answer.body.error.code).toBe("forbidden");
      expect(answer.body.error.message).toContain(headers.origin);
      expect(answer.body.error.fields).toEqual([
        { path: "Origin", message: `${headers.origin} is not one of the key's allowed origins` },
      ]);
      expect(answer.headers.get("access-control-allow-origin")).toBeNull();
    }
    expect(await eventsOf(team.id)).toEqual([]);
  });

  it("answers an unknown or revoked key 401 without CORS headers, and a body without a key 401", async () => {
    const { owner, apiKey, key } = await browserKey();
    await revokeApiKey(owner, apiKey.id);
    for (const k of [key, "cairn_not-a-key"]) {
      const answer = await post(trackPost, "/api/v1/t", libraryBody(k, { type: "track", event: "X" }), {
        origin: SHOP,
      });
      expect(answer.status).toBe(401);
      expect(answer.headers.get("access-control-allow-origin")).toBeNull();
    }
    expect(
      (
        await post(trackPost, "/api/v1/t", JSON.stringify({ type: "track", event: "X", anonymousId: "a" }), {
          origin: SHOP,
        })
      ).status,
    ).toBe(401);
  });

  it("keeps identity verification: a browser identify needs context.userHash (the library's options.context), and the page can read why", async () => {
    const { team, owner, key } = await browserKey();
    await db().workspace.update({ where: { id: team.id }, data: { requireVerifiedIdentify: true } });
    const identify = (context: Record<string, unknown>) =>
      post(
        identifyPost,
        "/api/v1/i",
        libraryBody(key, { type: "identify", userId: "ada", traits: { email: "ada@example.com" }, context }),
        { origin: SHOP },
      );
    // refused (the whole request, or the message alone where a batch is accepted in part), naming the field, and readable by the page
    const missing = await identify({});
    expect(JSON.stringify(missing.body)).toContain("context.userHash");
    expect(missing.headers.get("access-control-allow-origin")).toBe(SHOP);
    const wrong = await identify({ userHash: "0".repeat(64) });
    expect(JSON.stringify(wrong.body)).toContain("does not match the userId");
    expect(await eventsOf(team.id)).toEqual([]);
    const { secret } = await getIdentityVerification(owner);
    expect((await identify({ userHash: userHashFor(secret, "ada") })).status).toBe(200);
    expect((await eventsOf(team.id)).map((e) => e.type)).toEqual(["identify"]);
  });

  it("serves the settings document: Segment.io pointed at Cairn's /api/v1, CORS for allowed pages, 403 elsewhere, 404 for unknown keys", async () => {
    const { owner, apiKey, key } = await browserKey();
    const get = (writeKey: string, headers: Record<string, string> = {}) =>
      callRoute(settingsGet, { path: `/api/v1/projects/${writeKey}/settings`, params: { writeKey }, headers });
    const answer = await get(key, { origin: SHOP });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("access-control-allow-origin")).toBe(SHOP);
    expect(answer.headers.get("vary")).toBe("Origin");
    // callRoute's requests go to http://localhost:3000 (or NEXTAUTH_URL when the test setup sets it)
    const cairn = new URL(process.env.NEXTAUTH_URL || "http://localhost:3000");
    expect(answer.body.integrations).toEqual({
      "Segment.io": {
        apiKey: key,
        apiHost: `${cairn.host}/api/v1`,
        protocol: cairn.protocol.replace(":", ""),
        addBundledMetadata: true,
        unbundledIntegrations: [],
        maybeBundledConfigIds: {},
      },
    });
    expect(answer.body.remotePlugins).toEqual([]);

    const refused = await get(key, { origin: ELSEWHERE });
    expect(refused.status).toBe(403);
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    expect((await get("cairn_unknown")).status).toBe(404);
    await revokeApiKey(owner, apiKey.id);
    expect((await get(key, { origin: SHOP })).status).toBe(404);
  });
});
