import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { POST as preferencesRoute } from "@/app/api/v1/preferences/[token]/route";
import { POST as unsubscribeRoute } from "@/app/api/v1/unsubscribe/[token]/route";
import PreferencesPage from "@/app/preferences/[token]/page";
import { GET as clickRoute } from "@/app/t/c/[token]/route";
import { GET as openRoute } from "@/app/t/o/[token]/route";
import UnsubscribePage from "@/app/u/[token]/page";
import { db } from "../db/client";
import { callRoute } from "../testing/call-route";
import {
  messageRow,
  profileEvents,
  profileOf,
  queueFor,
  setup,
  timeline,
  type MessagingSetup,
} from "../testing/messaging-fixtures";
import { deliverMessage } from "./delivery";
import { savePolicy } from "./policy";
import { PIXEL_GIF, signLink } from "./tracking";
import { withEmbeddedOutbox } from "../testing/embedded-outbox";

withEmbeddedOutbox();

const MINUTE = 60_000;
const CONTENT = {
  subject: "Hello {{ profile.traits.first_name }}",
  html: '<body><p>See <a href="https://shop.example/sale?a=1&amp;b=2">the sale</a>.</p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a> · <a href="{{ preferences_url }}">Preferences</a></p></body>',
};
const FORGED = "2b8f7a3c-5d2e-4f61-9a7b-1c2d3e4f5a6b.AAAAAAAAAAAAAAAAAAAAAA";

interface Sent {
  s: MessagingSetup;
  id: string;
  /** the links as they are in the HTML that was sent */
  open: string;
  click: { token: string; url: string };
  unsubscribe: string;
  preferences: string;
}

/** Delivers the email to a new person through the embedded SMTP server; returns the tokens of its links. */
async function sendTo(userId: string, traits: Record<string, unknown> = {}, existing?: MessagingSetup): Promise<Sent> {
  const s = existing ?? (await setup(CONTENT));
  if (!existing) await db().workspace.update({ where: { id: s.ctx.workspace.id }, data: { name: "Acme & Sons" } });
  const id = await queueFor(s, userId, { email: `${userId}@example.com`, first_name: userId, ...traits });
  expect(await deliverMessage(id, s.driver.clock)).toMatchObject({ outcome: "sent" });
  const html = ((await messageRow(id)).content as { html: string }).html;
  const clickHref = new URL(/href="(http:\/\/localhost:3000\/t\/c\/[^"]+)"/.exec(html)![1].replace(/&amp;/g, "&"));
  return {
    s,
    id,
    open: /<img src="http:\/\/localhost:3000\/t\/o\/([^"]+)"/.exec(html)![1],
    click: { token: clickHref.pathname.split("/").at(-1)!, url: clickHref.searchParams.get("u")! },
    unsubscribe: /href="http:\/\/localhost:3000\/u\/([^"]+)"/.exec(html)![1],
    preferences: /href="http:\/\/localhost:3000\/preferences\/([^"]+)"/.exec(html)![1],
  };
}

async function pixel(token: string) {
  const response = await openRoute(new Request(`http://localhost:3000/t/o/${token}`), {
    params: Promise.resolve({ token }),
  });
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    body: Buffer.from(await response.arrayBuffer()),
  };
}

function click(token: string, url: string) {
  return callRoute(clickRoute, { path: `/t/c/${token}?u=${encodeURIComponent(url)}`, params: { token } });
}

function form(route: typeof unsubscribeRoute, token: string, body: string) {
  return callRoute(route, {
    method: "POST",
    params: { token },
    rawBody: body,
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
}

type RecipientPage = (props: {
  params: Promise<{ token: string }>;
  searchParams: Promise<Record<string, string>>;
}) => Promise<React.ReactElement>;

async function page(component: RecipientPage, token: string, search: Record<string, string> = {}): Promise<string> {
  return renderToStaticMarkup(
    await component({ params: Promise.resolve({ token }), searchParams: Promise.resolve(search) }),
  );
}

async function consentOf(s: MessagingSetup, userId: string) {
  const profile = await profileOf(s.ctx.workspace.id, userId);
  const rows = await db().channelConsent.findMany({ where: { profileId: profile.id }, orderBy: { channel: "asc" } });
  return rows.map((r) => ({ channel: r.channel, status: r.status, source: r.source }));
}

/** What engagement may have written for a message: its timestamps, timeline and the profile's events. */
async function engagementState(sent: Sent, userId: string) {
  const m = await messageRow(sent.id);
  return {
    openedAt: m.openedAt,
    clickedAt: m.clickedAt,
    timeline: await timeline(sent.id),
    events: (
      await profileEvents(sent.s.ctx.workspace.id, userId, ["Email Opened", "Email Link Clicked", "Unsubscribed"])
    ).map((e) => e.name),
    consent: await consentOf(sent.s, userId),
  };
}

/** The token with its last character changed: always a different one (replacing it with a fixed "x" left it valid whenever it already ended in "x", one run in 64). */
function tamper(token: string): string {
  return token.slice(0, -1) + (token.endsWith("x") ? "y" : "x");
}

describe("open tracking", () => {
  it("the pixel answers a GIF for valid and forged tokens, and records only the valid one, once", async () => {
    const sent = await sendTo("opener");
    const before = await engagementState(sent, "opener");
    expect({ ...before, timeline: [...before.timeline].sort() }).toEqual({
      openedAt: null,
      clickedAt: null,
      timeline: ["delivered", "sent"],
      events: [],
      consent: [],
    });

    for (const token of [
      FORGED,
      tamper(signLink("open", sent.id)),
      signLink("click", sent.id),
      "nonsense",
      signLink("open", "3b8f7a3c-5d2e-4f61-9a7b-1c2d3e4f5a6b"),
    ]) {
      const answer = await pixel(token);
      expect(answer).toEqual({ status: 200, type: "image/gif", body: PIXEL_GIF });
    }
    expect(await engagementState(sent, "opener")).toEqual(before);

    // mail clients ask for "<token>.gif" too
    expect(await pixel(`${sent.open}.gif`)).toEqual({ status: 200, type: "image/gif", body: PIXEL_GIF });
    const opened = await messageRow(sent.id);
    expect(opened.openedAt).toBeInstanceOf(Date);
    expect(await pixel(sent.open)).toEqual({ status: 200, type: "image/gif", body: PIXEL_GIF });

    const after = await engagementState(sent, "opener");
    expect(after.openedAt).toEqual(opened.openedAt);
    expect(after.timeline.filter((t) => t === "opened")).toHaveLength(1);
    const events = await profileEvents(sent.s.ctx.workspace.id, "opener", ["Email Opened"]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: "track",
      userId: "opener",
      source: "messaging",
      properties: { messageId: sent.id, channel: "email", journeyId: sent.s.journeyId, templateId: sent.s.templateId },
    });
  });
});

describe("click tracking", () => {
  it("redirects to the URL, records the click and the open it implies, and stores one profile event per link", async () => {
    const sent = await sendTo("clicker");
    expect(sent.click.url).toBe("https://shop.example/sale?a=1&b=2");
    const answer = await click(sent.click.token, sent.click.url);
    expect(answer.status).toBe(302);
    expect(answer.headers.get("location")).toBe("https://shop.example/sale?a=1&b=2");

    const m = await messageRow(sent.id);
    expect(m.clickedAt).toBeInstanceOf(Date);
    expect(m.openedAt).toEqual(m.clickedAt);
    const events = await db().messageEvent.findMany({ where: { messageId: sent.id, type: "clicked" } });
    expect(events.map((e) => e.detail)).toEqual([{ url: "https://shop.example/sale?a=1&b=2" }]);
    const stored = await profileEvents(sent.s.ctx.workspace.id, "clicker", ["Email Link Clicked"]);
    expect(stored).toHaveLength(1);
    expect(stored[0].properties).toMatchObject({
      messageId: sent.id,
      channel: "email",
      url: "https://shop.example/sale?a=1&b=2",
    });

    // a second click is on the timeline but is the same profile event; the first click time stays
    sent.s.driver.advanceTime(MINUTE);
    expect((await click(sent.click.token, sent.click.url)).status).toBe(302);
    expect(await db().messageEvent.count({ where: { messageId: sent.id, type: "clicked" } })).toBe(2);
    expect(await profileEvents(sent.s.ctx.workspace.id, "clicker", ["Email Link Clicked"])).toHaveLength(1);
    expect((await messageRow(sent.id)).clickedAt).toEqual(m.clickedAt);
  });

  it("a link whose URL was changed, or that isn't http(s), is a 404 page and records nothing", async () => {
    const sent = await sendTo("tamper");
    const before = await engagementState(sent, "tamper");
    const javascript = signLink("click", sent.id, "javascript:alert(1)");
    for (const [token, url] of [
      [sent.click.token, "https://evil.example/phish"],
      [sent.click.token, "https://shop.example/sale?a=1&b=3"],
      [sent.click.token, ""],
      [FORGED, sent.click.url],
      [sent.open, sent.click.url],
      [javascript, "javascript:alert(1)"],
    ]) {
      const answer = await click(token, url);
      expect(answer.status, url).toBe(404);
      expect(answer.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(answer.headers.get("location")).toBeNull();
      expect(answer.body).toContain("<title>Link not valid</title>");
      expect(answer.body).toContain("This link is not valid: it may have been altered or cut short.");
    }
    expect(await engagementState(sent, "tamper")).toEqual(before);

    // a correctly signed link to something that is not a URL (a typo in the template) is the same page, not a 500
    const broken = await click(signLink("click", sent.id, "https://exa mple.com/"), "https://exa mple.com/");
    expect(broken.status).toBe(404);
    expect(broken.body).toContain("This link is not valid");
    expect(await engagementState(sent, "tamper")).toEqual(before);
  });

  it("two long links that differ only at the end are two profile events", async () => {
    const sent = await sendTo("longlinks");
    const base = `https://shop.example/landing?${"utm_campaign=spring-sale-2026&".repeat(12)}variant=`;
    for (const url of [`${base}a`, `${base}b`, `${base}a`]) {
      const answer = await click(signLink("click", sent.id, url), url);
      expect(answer.status).toBe(302);
      expect(answer.headers.get("location")).toBe(url);
    }
    const stored = await profileEvents(sent.s.ctx.workspace.id, "longlinks", ["Email Link Clicked"]);
    expect(stored.map((e) => (e.properties as { url: string }).url)).toEqual([`${base}a`, `${base}b`]);
    expect(await db().messageEvent.count({ where: { messageId: sent.id, type: "clicked" } })).toBe(3);
  });
});

describe("unsubscribing", () => {
  it("one-click (RFC 8058) unsubscribes the person from the channel, and the next email to them is suppressed", async () => {
    const sent = await sendTo("oneclick");
    const raw = (await db().outboxEmail.findFirstOrThrow({ where: { messageId: sent.id } })).raw;
    const header = /^List-Unsubscribe:\s+<http:\/\/localhost:3000\/api\/v1\/unsubscribe\/([^>]+)>/m.exec(raw);
    expect(header?.[1]).toBe(sent.unsubscribe);

    const answer = await form(unsubscribeRoute, sent.unsubscribe, "List-Unsubscribe=One-Click");
    expect(answer).toMatchObject({ status: 200, body: { unsubscribed: true } });
    expect(await consentOf(sent.s, "oneclick")).toEqual([
      { channel: "email", status: "unsubscribed", source: "unsubscribe:one_click" },
    ]);
    expect((await timeline(sent.id)).filter((t) => t === "unsubscribed")).toHaveLength(1);
    const events = await profileEvents(sent.s.ctx.workspace.id, "oneclick", ["Unsubscribed"]);
    expect(events.map((e) => e.properties)).toEqual([
      {
        messageId: sent.id,
        channel: "email",
        journeyId: sent.s.journeyId,
        templateId: sent.s.templateId,
        source: "one_click",
      },
    ]);

    // a repeated POST (clients retry) changes nothing more
    expect((await form(unsubscribeRoute, sent.unsubscribe, "List-Unsubscribe=One-Click")).status).toBe(200);
    expect((await timeline(sent.id)).filter((t) => t === "unsubscribed")).toHaveLength(1);
    expect(await profileEvents(sent.s.ctx.workspace.id, "oneclick", ["Unsubscribed"])).toHaveLength(1);

    const next = await queueFor(sent.s, "oneclick", {});
    expect(await deliverMessage(next, sent.s.driver.clock)).toEqual({
      outcome: "suppressed",
      reason: "Unsubscribed from emails",
    });
    expect(await db().outboxEmail.count({ where: { messageId: next } })).toBe(0);
  });

  it("the unsubscribe page asks first; its form posts and comes back to the page saying it is done", async () => {
    const sent = await sendTo("pageuser");
    const asking = await page(UnsubscribePage, sent.unsubscribe);
    expect(asking).toContain("Acme &amp; Sons");
    expect(asking).toContain("Unsubscribe?");
    expect(asking).toContain("<strong>pageuser@example.com</strong>");
    expect(asking).toContain(`action="/api/v1/unsubscribe/${sent.unsubscribe}"`);
    expect(asking).toContain('<input type="hidden" name="from" value="page"/>');
    // showing the page (a GET, which link scanners make) unsubscribes nobody
    expect(await consentOf(sent.s, "pageuser")).toEqual([]);

    const answer = await form(unsubscribeRoute, sent.unsubscribe, "from=page");
    expect(answer.status).toBe(303);
    expect(answer.headers.get("location")).toBe(`/u/${sent.unsubscribe}?done=1`);
    expect(await consentOf(sent.s, "pageuser")).toEqual([
      { channel: "email", status: "unsubscribed", source: "unsubscribe:link" },
    ]);
    const done = await page(UnsubscribePage, sent.unsubscribe, { done: "1" });
    expect(done).toContain("You are unsubscribed");
    expect(done).toContain("<strong>pageuser@example.com</strong> will not get these messages any more.");
    expect(done).toContain(`href="/preferences/${sent.unsubscribe}"`);
  });

  it("forged or altered tokens are refused with 404 and a clear message, and change nothing", async () => {
    const sent = await sendTo("forger");
    const before = await engagementState(sent, "forger");
    for (const token of [FORGED, sent.unsubscribe.slice(0, -2) + "zz", sent.open, sent.preferences, "garbage"]) {
      const oneClick = await form(unsubscribeRoute, token, "List-Unsubscribe=One-Click");
      expect(oneClick).toMatchObject({
        status: 404,
        body: {
          error: {
            code: "not_found",
            message: "This unsubscribe link is not valid: it may have been altered or cut short.",
          },
        },
      });
      expect((await form(unsubscribeRoute, token, "from=page")).status).toBe(404);
    }
    for (const token of [FORGED, sent.open, "garbage"]) {
      const saved = await form(preferencesRoute, token, "sms=on");
      expect(saved).toMatchObject({
        status: 404,
        body: {
          error: {
            code: "not_found",
            message: "This preferences link is not valid: it may have been altered or cut short.",
          },
        },
      });
      const shown = await page(PreferencesPage, token);
      expect(shown).toContain("This link is not valid");
      expect(shown).toContain("This preferences link is not valid: it may have been altered or cut short.");
      expect(shown).not.toContain("<form");
      expect(await page(UnsubscribePage, token)).toContain("This preferences link is not valid");
    }
    // a valid signature for a message that no longer exists
    const gone = signLink("unsubscribe", "4b8f7a3c-5d2e-4f61-9a7b-1c2d3e4f5a6b");
    expect(await form(unsubscribeRoute, gone, "List-Unsubscribe=One-Click")).toMatchObject({
      status: 404,
      body: { error: { message: "This unsubscribe link belongs to a message that no longer exists." } },
    });
    expect(
      await form(preferencesRoute, signLink("preferences", "4b8f7a3c-5d2e-4f61-9a7b-1c2d3e4f5a6b"), ""),
    ).toMatchObject({
      status: 404,
      body: { error: { message: "This preferences link belongs to a message that no longer exists." } },
    });
    expect(await engagementState(sent, "forger")).toEqual(before);
  });
});

describe("the preference page", () => {
  function checkboxes(html: string): Record<string, boolean> {
    return Object.fromEntries(
      [...html.matchAll(/<input type="checkbox"[^>]*? name="(\w+)"([^>]*? checked="")?[^>]*>/g)].map((m) => [
        m[1],
        !!m[2],
      ]),
    );
  }

  it("shows the workspace's name and a checkbox per channel; unchecking email unsubscribes, re-checking opts in", async () => {
    const sent = await sendTo("prefs");
    const shown = await page(PreferencesPage, sent.preferences);
    expect(shown).toContain("Acme &amp; Sons");
    expect(shown).toContain("For prefs@example.com");
    expect(shown).toContain(`action="/api/v1/preferences/${sent.preferences}"`);
    expect(checkboxes(shown)).toEqual({ email: true, sms: true, push: true });
    expect(shown).not.toContain("Saved.");

    // a browser posts only the checked boxes
    const saved = await form(preferencesRoute, sent.preferences, "sms=on&push=on");
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe(`/preferences/${sent.preferences}?saved=1`);
    // boxes left as they were shown record nothing: a pre-ticked box is not an opt-in
    expect(await consentOf(sent.s, "prefs")).toEqual([
      { channel: "email", status: "unsubscribed", source: "preference_page" },
    ]);
    expect(
      (await db().messageEvent.findFirstOrThrow({ where: { messageId: sent.id, type: "unsubscribed" } })).detail,
    ).toEqual({ source: "preference_page", channels: ["email"] });
    const unsubscribedEvents = await profileEvents(sent.s.ctx.workspace.id, "prefs", ["Unsubscribed"]);
    expect(unsubscribedEvents.map((e) => (e.properties as { channel: string; source: string }).channel)).toEqual([
      "email",
    ]);
    const after = await page(PreferencesPage, sent.preferences, { saved: "1" });
    expect(checkboxes(after)).toEqual({ email: false, sms: true, push: true });
    expect(after).toContain("Saved.");

    const suppressed = await queueFor(sent.s, "prefs", {});
    expect(await deliverMessage(suppressed, sent.s.driver.clock)).toEqual({
      outcome: "suppressed",
      reason: "Unsubscribed from emails",
    });

    // with explicit opt-in required, re-checking email is that opt-in, and email flows again
    await savePolicy(sent.s.owner, { requireOptIn: ["email"] });
    expect((await form(preferencesRoute, sent.preferences, "email=on&sms=on&push=on")).status).toBe(303);
    expect(await consentOf(sent.s, "prefs")).toEqual([
      { channel: "email", status: "opted_in", source: "preference_page" },
    ]);
    expect(checkboxes(await page(PreferencesPage, sent.preferences))).toEqual({ email: true, sms: true, push: true });
    const allowed = await queueFor(sent.s, "prefs", {});
    expect(await deliverMessage(allowed, sent.s.driver.clock)).toMatchObject({ outcome: "sent" });
    // still one "Unsubscribed" profile event: opting in is not unsubscribing
    expect(await profileEvents(sent.s.ctx.workspace.id, "prefs", ["Unsubscribed"])).toHaveLength(1);
  });

  it("the unsubscribe link's token opens the preference page too", async () => {
    const sent = await sendTo("viaunsub");
    expect(checkboxes(await page(PreferencesPage, sent.unsubscribe))).toEqual({ email: true, sms: true, push: true });
  });

  it("a message to an anonymous person who has since logged in shows and saves the preferences of the merged person", async () => {
    const s = await setup(CONTENT);
    await s.driver.send([{ type: "identify", anonymousId: "anon-merge", traits: { email: "anon-merge@example.com" } }]);
    await s.driver.send([{ type: "track", anonymousId: "anon-merge", event: "signed_up", properties: {} }]);
    const id = s.driver.messages.at(-1)!;
    expect(await deliverMessage(id, s.driver.clock)).toMatchObject({ outcome: "sent" });
    const token = signLink("preferences", id);
    await s.driver.send([{ type: "identify", userId: "merged", traits: { sms_subscribe: "unsubscribed" } }]);
    await s.driver.send([{ type: "identify", userId: "merged", anonymousId: "anon-merge" }]);
    const person = await profileOf(s.ctx.workspace.id, "merged");
    expect(
      (await db().profile.findUniqueOrThrow({ where: { id: (await messageRow(id)).profileId! } })).mergedIntoId,
    ).toBe(person.id);

    expect(checkboxes(await page(PreferencesPage, token))).toEqual({ email: true, sms: false, push: true });
    expect((await form(preferencesRoute, token, "email=on")).status).toBe(303);
    expect(await consentOf(s, "merged")).toEqual([
      { channel: "push", status: "unsubscribed", source: "preference_page" },
    ]);
  });

  it("where opt-in is required, only an opt-in ticks the box, so a person who never opted in can tick it to opt in", async () => {
    const s = await setup(CONTENT);
    await savePolicy(s.owner, { requireOptIn: ["sms", "push"] });
    // no consent record for SMS, and a push trait that says "subscribed" (not an opt-in)
    const sent = await sendTo("optin", { push_subscribe: "subscribed" }, s);
    expect(checkboxes(await page(PreferencesPage, sent.preferences))).toEqual({ email: true, sms: false, push: false });
    // saved as shown: nothing is recorded
    expect((await form(preferencesRoute, sent.preferences, "email=on")).status).toBe(303);
    expect(await consentOf(s, "optin")).toEqual([]);
    // ticking SMS is the opt-in; the page then shows it ticked
    expect((await form(preferencesRoute, sent.preferences, "email=on&sms=on")).status).toBe(303);
    expect(await consentOf(s, "optin")).toEqual([{ channel: "sms", status: "opted_in", source: "preference_page" }]);
    expect(checkboxes(await page(PreferencesPage, sent.preferences))).toEqual({ email: true, sms: true, push: false });
    // and a workspace without the requirement shows the same person's push as subscribed (the trait), ticked
    await savePolicy(s.owner, { requireOptIn: [] });
    expect(checkboxes(await page(PreferencesPage, sent.preferences))).toEqual({ email: true, sms: true, push: true });
  });

  it('shows what delivery would do for people unsubscribed by a trait (false or "unsubscribed")', async () => {
    const sent = await sendTo("traity", { sms_subscribe: false, push_subscribe: "unsubscribed" });
    expect(checkboxes(await page(PreferencesPage, sent.preferences))).toEqual({ email: true, sms: false, push: false });
    // saving the page as shown changes nothing
    expect((await form(preferencesRoute, sent.preferences, "email=on")).status).toBe(303);
    expect(await consentOf(sent.s, "traity")).toEqual([]);
    // checking SMS is an explicit opt-in
    expect((await form(preferencesRoute, sent.preferences, "email=on&sms=on")).status).toBe(303);
    expect(await consentOf(sent.s, "traity")).toEqual([
      { channel: "sms", status: "opted_in", source: "preference_page" },
    ]);
  });
});
