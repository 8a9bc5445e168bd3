import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { POST as actionRoute } from "@/app/api/v1/inbox/[userId]/[messageId]/route";
import { GET as listRoute } from "@/app/api/v1/inbox/[userId]/route";
import { GET as clickRoute } from "@/app/t/c/[token]/route";
import { createApiKey } from "../api-keys/api-keys";
import { db } from "../db/client";
import { callRoute } from "../testing/call-route";
import { ingestFixture } from "../testing/ingest-helpers";
import { contextOf } from "../testing/factories";
import {
  messageRow,
  profileEvents,
  queueFor,
  setup,
  timeline,
  type MessagingSetup,
} from "../testing/messaging-fixtures";
import { deliverMessage } from "./delivery";
import { getIdentityVerification, userHashFor } from "./identity-verification";
import { messageLinks } from "./tracking";

const MINUTE = 60_000;

/** An in-app journey, a write key (what ships inside the customer's app) and one delivered message for `userId`. */
async function inboxSetup(userId = "reader") {
  const s = await setup(undefined, { channel: "in_app" });
  const { secret } = await createApiKey(s.owner, { name: "App", scope: "WRITE" });
  const key = { authorization: `Bearer ${secret}` };
  identitySecrets.set(key.authorization, (await getIdentityVerification(s.owner)).secret);
  const id = await deliver(s, userId, { first_name: "Ada" });
  return { s, key, id };
}

/**
 * The identity secret of each key's workspace: list() and act() send the userId's hash as the customer's app
 * does (its server computes it), unless the headers name one already.
 */
const identitySecrets = new Map<string, string>();
function withUserHash(key: Record<string, string>, userId: string): Record<string, string> {
  const secret = identitySecrets.get(key.authorization);
  return secret && !("x-cairn-user-hash" in key)
    ? { ...key, "x-cairn-user-hash": userHashFor(secret, decodeURIComponent(userId)) }
    : key;
}

async function deliver(s: MessagingSetup, userId: string, traits: Record<string, unknown> = {}): Promise<string> {
  const id = await queueFor(s, userId, traits);
  expect(await deliverMessage(id, s.driver.clock)).toEqual({
    outcome: "sent",
    status: "DELIVERED",
    providerMessageId: null,
  });
  return id;
}

function list(key: Record<string, string>, userId: string, query = "") {
  return callRoute(listRoute, {
    path: `/api/v1/inbox/${encodeURIComponent(userId)}${query}`,
    params: { userId: encodeURIComponent(userId) },
    headers: withUserHash(key, userId),
  });
}

function act(key: Record<string, string>, userId: string, messageId: string, body: unknown) {
  return callRoute(actionRoute, {
    method: "POST",
    path: `/api/v1/inbox/${userId}/${messageId}`,
    params: { userId, messageId },
    headers: withUserHash(key, userId),
    body,
  });
}

async function inboxState(id: string) {
  const m = await messageRow(id);
  return {
    readAt: m.readAt,
    openedAt: m.openedAt,
    dismissedAt: m.dismissedAt,
    status: m.status,
    timeline: await timeline(id),
  };
}

describe("in-app delivery", () => {
  it("delivering an in-app message puts it in the person's inbox at once, rendered", async () => {
    const { s, id } = await inboxSetup();
    const m = await messageRow(id);
    expect(m).toMatchObject({ status: "DELIVERED", provider: "inbox", to: "reader", templateVersion: 1 });
    expect(m.sentAt).toEqual(s.driver.now);
    expect(m.deliveredAt).toEqual(s.driver.now);
    // the call to action is the signed click redirect to the template's URL
    expect(m.content).toEqual({
      title: "Welcome Ada",
      body: "Your plan: pro",
      cta: { label: "Open", url: messageLinks(id).click("https://shop.example/app") },
    });
    expect(new URL((m.content as { cta: { url: string } }).cta.url).searchParams.get("u")).toBe(
      "https://shop.example/app",
    );
    expect(await timeline(id)).toEqual(["delivered"]);
    // delivering again is a no-op
    expect(await deliverMessage(id, s.driver.clock)).toEqual({ outcome: "done", status: "DELIVERED" });
  });

  it("an anonymous person has no inbox: the message is suppressed", async () => {
    const s = await setup(undefined, { channel: "in_app" });
    await s.driver.send([{ type: "track", anonymousId: "anon-1", event: "signed_up", properties: {} }]);
    const id = s.driver.messages.at(-1)!;
    expect(await deliverMessage(id, s.driver.clock)).toEqual({
      outcome: "suppressed",
      reason: "The in-app inbox needs a userId; this person is anonymous",
    });
  });
});

describe("GET /api/v1/inbox/<userId>", () => {
  it("lists the person's delivered messages newest first with the unread count; ?unread=true lists only those", async () => {
    const { s, key, id } = await inboxSetup();
    const first = await list(key, "reader");
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      messages: [
        {
          id,
          title: "Welcome Ada",
          body: "Your plan: pro",
          cta: { label: "Open", url: messageLinks(id).click("https://shop.example/app") },
          createdAt: s.driver.now.toISOString(),
          readAt: null,
        },
      ],
      unread: 1,
    });

    s.driver.advanceTime(MINUTE);
    const second = await deliver(s, "reader");
    // a message that was not delivered (still queued) is not in the inbox
    await queueFor(s, "reader", {});
    const both = await list(key, "reader");
    expect(both.body.messages.map((m: { id: string }) => m.id)).toEqual([second, id]);
    expect(both.body.unread).toBe(2);
    // the unread count covers the whole inbox, not only the page
    expect((await list(key, "reader", "?limit=1")).body).toMatchObject({ messages: [{ id: second }], unread: 2 });

    expect((await act(key, "reader", id, { action: "read" })).status).toBe(200);
    expect((await list(key, "reader", "?unread=true")).body).toMatchObject({ messages: [{ id: second }], unread: 1 });
    expect((await list(key, "reader", "?unread=false")).body.messages).toHaveLength(2);
  });

  it("someone else's inbox, another workspace's key and a missing key see nothing", async () => {
    const { key, id } = await inboxSetup();
    expect((await list(key, "somebody-else")).body).toEqual({ messages: [], unread: 0 });
    const other = await ingestFixture("WRITE");
    identitySecrets.set(
      other.bearer.authorization,
      (await getIdentityVerification(await contextOf(other.team, "OWNER"))).secret,
    );
    expect(await list(other.bearer, "reader")).toMatchObject({ status: 200, body: { messages: [], unread: 0 } });
    const anonymous = await list({}, "reader");
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe("unauthenticated");
    expect(anonymous.headers.get("www-authenticate")).toBe('Basic realm="Cairn"');
    expect((await list({ authorization: "Bearer cairn_nope" }, "reader")).status).toBe(401);
    expect((await inboxState(id)).readAt).toBeNull();
  });

  it("bad query parameters are a 422 naming them", async () => {
    const { key } = await inboxSetup();
    const maybe = await list(key, "reader", "?unread=maybe");
    expect(maybe.status).toBe(422);
    expect(maybe.body.error.fields).toEqual([{ path: "unread", message: 'must be "true" or "false"' }]);
    for (const limit of ["0", "101", "abc", "1.5"]) {
      const bad = await list(key, "reader", `?limit=${limit}`);
      expect(bad.status, limit).toBe(422);
      expect(bad.body.error.fields.map((f: { path: string }) => f.path)).toEqual(["limit"]);
    }
  });
});

describe("POST /api/v1/inbox/<userId>/<messageId>", () => {
  it("read sets readAt and openedAt and records one open", async () => {
    const { s, key, id } = await inboxSetup();
    s.driver.advanceTime(MINUTE);
    const read = await act(key, "reader", id, { action: "read" });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id, dismissedAt: null });
    const state = await inboxState(id);
    expect(read.body.readAt).toBe(state.readAt!.toISOString());
    expect(state.openedAt).toEqual(state.readAt);
    expect(state.timeline).toEqual(["delivered", "opened"]);

    // the open is a profile event too, as an email's is, so journeys and goals can use it
    const opened = await profileEvents(s.ctx.workspace.id, "reader", ["In-App Message Opened"]);
    expect(opened.map((e) => e.properties)).toEqual([
      { messageId: id, channel: "in_app", journeyId: s.journeyId, templateId: s.templateId },
    ]);
    expect(opened[0].timestamp).toEqual(state.readAt);

    // reading again keeps the first time and records nothing
    const again = await act(key, "reader", id, { action: "read" });
    expect(again.body.readAt).toBe(read.body.readAt);
    expect(await inboxState(id)).toEqual(state);
    expect(await profileEvents(s.ctx.workspace.id, "reader", ["In-App Message Opened"])).toHaveLength(1);
    expect((await list(key, "reader")).body).toMatchObject({ messages: [{ id, readAt: read.body.readAt }], unread: 0 });
  });

  it("dismissed hides the message from the inbox without counting as an open", async () => {
    const { s, key, id } = await inboxSetup();
    const dismissed = await act(key, "reader", id, { action: "dismissed" });
    expect(dismissed).toMatchObject({ status: 200, body: { id, readAt: null } });
    expect(typeof dismissed.body.dismissedAt).toBe("string");
    const state = await inboxState(id);
    expect(state).toMatchObject({
      readAt: null,
      openedAt: null,
      status: "DELIVERED",
      timeline: ["delivered", "dismissed"],
    });
    expect((await list(key, "reader")).body).toEqual({ messages: [], unread: 0 });
    // dismissing again changes nothing
    expect((await act(key, "reader", id, { action: "dismissed" })).body.dismissedAt).toBe(dismissed.body.dismissedAt);
    expect(await inboxState(id)).toEqual(state);
    expect(await profileEvents(s.ctx.workspace.id, "reader", ["In-App Message Opened"])).toEqual([]);
  });

  it("a tap on the call to action goes through the click redirect: recorded as a click (and the open it implies) on the message and as a profile event", async () => {
    const { s, key, id } = await inboxSetup();
    const { cta } = (await list(key, "reader")).body.messages[0];
    const link = new URL(cta.url);
    const token = link.pathname.split("/").at(-1)!;
    const tapped = await callRoute(clickRoute, { path: `${link.pathname}${link.search}`, params: { token } });
    expect(tapped.status).toBe(302);
    expect(tapped.headers.get("location")).toBe("https://shop.example/app");
    expect(await inboxState(id)).toMatchObject({ readAt: null, timeline: ["delivered", "clicked"] });
    expect((await messageRow(id)).clickedAt).toEqual(expect.any(Date));
    const clicked = await profileEvents(s.ctx.workspace.id, "reader", ["In-App Message Link Clicked"]);
    expect(clicked.map((e) => e.properties)).toEqual([
      {
        messageId: id,
        channel: "in_app",
        journeyId: s.journeyId,
        templateId: s.templateId,
        url: "https://shop.example/app",
      },
    ]);
    // the link's URL changed: refused, nothing more recorded
    expect(
      (
        await callRoute(clickRoute, {
          path: `${link.pathname}?u=${encodeURIComponent("https://evil.example/")}`,
          params: { token },
        })
      ).status,
    ).toBe(404);
    expect(await profileEvents(s.ctx.workspace.id, "reader", ["In-App Message Link Clicked"])).toHaveLength(1);
  });

  it("a call to action in the app's own scheme stays as written (the web redirect cannot open it)", async () => {
    const s = await setup(
      { title: "Hi", body: "New", cta: { label: "Open", url: "myapp://orders/{{profile.userId}}" } },
      { channel: "in_app" },
    );
    const id = await deliver(s, "deep");
    expect((await messageRow(id)).content).toMatchObject({ cta: { label: "Open", url: "myapp://orders/deep" } });
  });

  it("another person's message, a random id, another workspace's key or no key: refused, nothing changes", async () => {
    const { s, key, id } = await inboxSetup();
    await deliver(s, "other-user");
    const before = await inboxState(id);
    for (const [userId, messageId] of [
      ["other-user", id],
      ["reader", randomUUID()],
      ["reader", "not-a-uuid"],
      ["nobody", id],
    ]) {
      const answer = await act(key, userId, messageId, { action: "read" });
      expect(answer.status, `${userId}/${messageId}`).toBe(404);
      expect(answer.body.error).toEqual({ code: "not_found", message: "No such message in this person's inbox." });
    }
    const other = await ingestFixture("WRITE");
    identitySecrets.set(
      other.bearer.authorization,
      (await getIdentityVerification(await contextOf(other.team, "OWNER"))).secret,
    );
    expect((await act(other.bearer, "reader", id, { action: "read" })).status).toBe(404);
    expect((await act({}, "reader", id, { action: "read" })).status).toBe(401);
    expect(await inboxState(id)).toEqual(before);
    // only in-app messages are inbox messages: a delivered email of the person is not
    const mail = await deliver(s, "reader");
    await db().message.update({ where: { id: mail }, data: { channel: "email" } });
    expect((await act(key, "reader", mail, { action: "read" })).status).toBe(404);
    expect((await list(key, "reader")).body.messages.map((m: { id: string }) => m.id)).toEqual([id]);
  });

  it("a bad body is a 422 naming the field (or 400 for broken JSON), and changes nothing", async () => {
    const { key, id } = await inboxSetup();
    const before = await inboxState(id);
    const bad = await act(key, "reader", id, { action: "archive" });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields).toEqual([{ path: "action", message: 'must be "read" or "dismissed"' }]);
    expect((await act(key, "reader", id, {})).body.error.fields).toEqual([
      { path: "action", message: 'must be "read" or "dismissed"' },
    ]);
    expect((await act(key, "reader", id, { action: "read", at: "now" })).body.error.fields).toEqual([
      { path: "", message: 'Unrecognized key: "at"' },
    ]);
    const broken = await callRoute(actionRoute, {
      method: "POST",
      params: { userId: "reader", messageId: id },
      headers: { ...withUserHash(key, "reader"), "content-type": "application/json" },
      rawBody: "{action:",
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe("invalid_json");
    expect(await inboxState(id)).toEqual(before);
  });
});
