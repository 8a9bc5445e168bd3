import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { POST as preferencesRoute } from "@/app/api/v1/preferences/[token]/route";
import { POST as sendRoute } from "@/app/api/v1/send/route";
import { POST as unsubscribeRoute } from "@/app/api/v1/unsubscribe/[token]/route";
import PreferencesPage from "@/app/preferences/[token]/page";
import UnsubscribePage from "@/app/u/[token]/page";
import { db } from "../db/client";
import { deliverMessage } from "../messaging/delivery";
import { signLink } from "../messaging/tracking";
import { callRoute } from "../testing/call-route";
import { withEmbeddedOutbox } from "../testing/embedded-outbox";
import {
  messageRow,
  profileEvents,
  profileOf,
  queueFor,
  setup,
  timeline,
  type MessagingSetup,
} from "../testing/messaging-fixtures";
import { createTopic } from "./manage-topics";

/**
 * Leaving a topic from a message: its one-click and page unsubscribe leave the topic only (the page offers the whole
 * channel's marketing as the wider choice), the preference page lists and saves topics with the "only changed boxes"
 * rule, and a transactional message to a bare address records the choice on a profile found or made for it.
 */

withEmbeddedOutbox();

type RecipientPage = (props: {
  params: Promise<{ token: string }>;
  searchParams: Promise<Record<string, string>>;
}) => Promise<React.ReactElement>;

async function page(component: RecipientPage, token: string, search: Record<string, string> = {}): Promise<string> {
  return renderToStaticMarkup(
    await component({ params: Promise.resolve({ token }), searchParams: Promise.resolve(search) }),
  );
}

function form(route: typeof unsubscribeRoute, token: string, body: string) {
  return callRoute(route, {
    method: "POST",
    params: { token },
    rawBody: body,
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
}

async function choices(profileId: string) {
  const rows = await db().topicSubscription.findMany({ where: { profileId } });
  const topics = await db().subscriptionTopic.findMany({ where: { id: { in: rows.map((r) => r.topicId) } } });
  return Object.fromEntries(rows.map((r) => [topics.find((t) => t.id === r.topicId)!.key, `${r.status}:${r.source}`]));
}

async function world() {
  const s = await setup();
  const news = await createTopic(s.owner, { key: "news", name: "Product news", category: "marketing" });
  const beta = await createTopic(s.owner, {
    key: "beta",
    name: "Beta invites",
    category: "marketing",
    defaultStatus: "unsubscribed",
  });
  const shipping = await createTopic(s.owner, { key: "shipping", name: "Shipping updates", category: "transactional" });
  return { s, news, beta, shipping };
}

/** A delivered journey email of the topic; its unsubscribe token. */
async function sentWithTopic(s: MessagingSetup, userId: string, topicId: string) {
  const id = await queueFor(s, userId, { email: `${userId}@example.com`, first_name: userId });
  await db().message.update({ where: { id }, data: { topicId } });
  expect(await deliverMessage(id, s.driver.clock)).toMatchObject({ outcome: "sent" });
  return { id, token: signLink("unsubscribe", id) };
}

describe("unsubscribing from a topic message", () => {
  it("one-click leaves the topic only, with its message event and profile event; the page offers the whole channel", async () => {
    const { s, news } = await world();
    const { id, token } = await sentWithTopic(s, "ada", news.id);
    const ada = await profileOf(s.ctx.workspace.id, "ada");

    const ask = await page(UnsubscribePage, token);
    expect(ask).toContain("Stop <strong>Product news</strong>");

    const oneClick = await form(unsubscribeRoute, token, "List-Unsubscribe=One-Click");
    expect(oneClick.body).toEqual({ unsubscribed: true, topic: "news" });
    expect(await choices(ada.id)).toEqual({ news: "unsubscribed:list_unsubscribe" });
    expect(await db().channelConsent.count({ where: { profileId: ada.id } })).toBe(0);
    expect(await timeline(id)).toContain("unsubscribed");
    const event = await db().messageEvent.findFirstOrThrow({ where: { messageId: id, type: "unsubscribed" } });
    expect(event.detail).toMatchObject({ topic: "news", source: "one_click" });
    const [profileEvent] = await profileEvents(s.ctx.workspace.id, "ada", ["Unsubscribed"]);
    expect(profileEvent.properties).toMatchObject({ topic: "news", source: "one_click", messageId: id });

    const done = await page(UnsubscribePage, token, { done: "topic" });
    expect(done).toContain("You will no longer get <strong>Product news</strong>");
    expect(done).toContain("Unsubscribe from all email marketing");
    const wider = await form(unsubscribeRoute, token, "from=page&scope=channel");
    expect(wider.status).toBe(303);
    expect(wider.headers.get("location")).toBe(`/u/${encodeURIComponent(token)}?done=1`);
    const consent = await db().channelConsent.findFirstOrThrow({ where: { profileId: ada.id } });
    expect(consent).toMatchObject({ channel: "email", status: "unsubscribed" });
  });

  it("the preference page lists live topics in their groups and records only the boxes that changed", async () => {
    const { s, news } = await world();
    const { token } = await sentWithTopic(s, "bo", news.id);
    const bo = await profileOf(s.ctx.workspace.id, "bo");
    const shown = await page(
      PreferencesPage,
      signLink("preferences", (await db().message.findFirstOrThrow({ where: { profileId: bo.id } })).id),
    );
    expect(shown).toContain("Product news");
    expect(shown).toContain("Beta invites");
    expect(shown).toContain("Shipping updates");
    expect(shown).toContain("Account and order messages");
    expect(shown).toMatch(/name="topic:news" checked=""/);
    expect(shown).not.toMatch(/name="topic:beta" checked=""/);

    // news unticked (leave), beta ticked (join), shipping left as shown (ticked): only two choices are recorded
    const saved = await form(
      preferencesRoute,
      token,
      "email=on&sms=on&push=on&shown-topic=news&shown-topic=beta&shown-topic=shipping&topic:beta=on&topic:shipping=on",
    );
    expect(saved.status).toBe(303);
    expect(await choices(bo.id)).toEqual({ news: "unsubscribed:preference_page", beta: "subscribed:preference_page" });
    expect(await db().channelConsent.count({ where: { profileId: bo.id } })).toBe(0);
    const events = await profileEvents(s.ctx.workspace.id, "bo", ["Unsubscribed"]);
    expect(events.map((e) => e.properties)).toEqual([
      expect.objectContaining({ topic: "news", source: "preference_page" }),
    ]);
  });
});

describe("a transactional message to an address of no profile", () => {
  it("carries an unsubscribe when it has a topic, and leaving it makes a profile for the address that later sends respect", async () => {
    const { s } = await world();
    const send = () =>
      callRoute(sendRoute, {
        method: "POST",
        path: "/api/v1/send",
        headers: { authorization: `Bearer ${s.fixture.key}` },
        body: {
          channel: "email",
          content: { subject: "Shipped", html: '<p>Shipped. <a href="{{ unsubscribe_url }}">Stop these</a></p>' },
          to: { email: "guest@example.com" },
          topic: "shipping",
        },
      });
    const first = await send();
    expect(first.status).toBe(202);
    expect((await messageRow(first.body.id)).profileId).toBeNull();
    expect(await deliverMessage(first.body.id)).toMatchObject({ outcome: "sent" });
    const html = ((await messageRow(first.body.id)).content as { html: string }).html;
    const token = /\/u\/([^"]+)"/.exec(html)![1];
    expect(await page(UnsubscribePage, token)).toContain("Stop <strong>Shipping updates</strong>");
    expect(await db().profile.count({ where: { workspaceId: s.ctx.workspace.id, email: "guest@example.com" } })).toBe(
      0,
    );

    const left = await form(unsubscribeRoute, token, "from=page");
    expect(left.headers.get("location")).toContain("done=topic");
    const guest = await db().profile.findFirstOrThrow({
      where: { workspaceId: s.ctx.workspace.id, email: "guest@example.com" },
    });
    expect(await choices(guest.id)).toEqual({ shipping: "unsubscribed:unsubscribe_link" });

    const second = await send();
    expect((await messageRow(second.body.id)).profileId).toBe(guest.id);
    expect(await deliverMessage(second.body.id)).toEqual({
      outcome: "suppressed",
      reason: 'Unsubscribed from the topic "Shipping updates"',
    });
  });
});
