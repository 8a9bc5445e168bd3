import { describe, expect, it } from "vitest";
import { GET as clickRoute } from "@/app/t/c/[token]/route";
import { GET as openRoute } from "@/app/t/o/[token]/route";
import { db } from "../db/client";
import { deliverMessage } from "../messaging/delivery";
import { callRoute } from "../testing/call-route";
import { contextOf } from "../testing/factories";
import { enrollmentsOf } from "../testing/engine-driver";
import { messageRow, queueFor, setup, type MessagingSetup } from "../testing/messaging-fixtures";
import { journeyStats } from "./read-model";
import { withEmbeddedOutbox } from "../testing/embedded-outbox";

withEmbeddedOutbox();

/**
 * The canvas's sent / delivered / opened / clicked counts on a message node (journeyStats), end to end: the
 * engine driver walks people through `signed_up → email → exit`, the email goes to the embedded Outbox SMTP
 * server (which records the delivery), and opens and clicks come in through the real /t/o and /t/c routes
 * with the links as they are in the HTML that was sent. The counts are per message (Message's first-time
 * timestamps), so a second open or click of the same email does not count again, and a click counts as an
 * open too (images may be blocked).
 */

const CONTENT = {
  subject: "Hello {{ profile.traits.first_name }}",
  html: '<body><p>See <a href="https://shop.example/sale">the sale</a>.</p></body>',
};

/** Walks `userId` through the journey and delivers its email; returns the open and click tokens from the HTML sent. */
async function deliverTo(s: MessagingSetup, userId: string) {
  const id = await queueFor(s, userId, { email: `${userId}@example.com`, first_name: userId });
  expect(await deliverMessage(id, s.driver.clock)).toMatchObject({ outcome: "sent" });
  // the embedded SMTP server records DELIVERED as the mail lands, before deliverMessage returns
  expect((await messageRow(id)).status).toBe("DELIVERED");
  const html = ((await messageRow(id)).content as { html: string }).html;
  const clickHref = new URL(/href="(http:\/\/localhost:3000\/t\/c\/[^"]+)"/.exec(html)![1].replace(/&amp;/g, "&"));
  return {
    id,
    open: /<img src="http:\/\/localhost:3000\/t\/o\/([^"]+)"/.exec(html)![1],
    click: { token: clickHref.pathname.split("/").at(-1)!, url: clickHref.searchParams.get("u")! },
  };
}

async function open(token: string) {
  const response = await openRoute(new Request(`http://localhost:3000/t/o/${token}`), {
    params: Promise.resolve({ token }),
  });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("image/gif");
}

async function click(link: { token: string; url: string }) {
  const response = await callRoute(clickRoute, {
    path: `/t/c/${link.token}?u=${encodeURIComponent(link.url)}`,
    params: { token: link.token },
  });
  expect(response.status).toBe(302);
  expect(response.headers.get("location")).toBe(link.url);
}

describe("message counts on the canvas (journeyStats)", () => {
  it("counts sent, delivered, opened and clicked once per message, from the Outbox delivery and the tracking routes", async () => {
    const s = await setup(CONTENT);
    const viewer = await contextOf(s.fixture.team, "VIEWER");
    const counts = async () => (await journeyStats(viewer, s.journeyId)).nodes.send.messages;

    const ada = await deliverTo(s, "ada");
    expect((await enrollmentsOf(s.journeyId)).map((e) => e.status)).toEqual(["COMPLETED"]);
    expect(await counts()).toEqual({ sent: 1, delivered: 1, opened: 0, clicked: 0, failed: 0, suppressed: 0 });

    await open(ada.open);
    expect(await counts()).toEqual({ sent: 1, delivered: 1, opened: 1, clicked: 0, failed: 0, suppressed: 0 });
    await click(ada.click);
    expect(await counts()).toEqual({ sent: 1, delivered: 1, opened: 1, clicked: 1, failed: 0, suppressed: 0 });

    // Ada opens the email again and clicks again: still one person, one open, one click.
    await open(ada.open);
    await click(ada.click);
    expect(await counts()).toEqual({ sent: 1, delivered: 1, opened: 1, clicked: 1, failed: 0, suppressed: 0 });
    // the timeline keeps every click (the open only once); the counts take each stage's first time
    const events = await db().messageEvent.findMany({
      where: { messageId: ada.id, type: { in: ["opened", "clicked"] } },
      select: { type: true },
    });
    expect(events.map((e) => e.type).sort()).toEqual(["clicked", "clicked", "opened"]);

    // Bo's mail client blocks images: his click is his open too. Cy never engages.
    const bo = await deliverTo(s, "bo");
    await click(bo.click);
    await deliverTo(s, "cy");
    expect(await counts()).toEqual({ sent: 3, delivered: 3, opened: 2, clicked: 2, failed: 0, suppressed: 0 });
    // the other nodes carry no message counts
    const stats = await journeyStats(viewer, s.journeyId);
    expect(
      Object.keys(stats.nodes)
        .filter((id) => stats.nodes[id].messages)
        .sort(),
    ).toEqual(["send"]);
    expect(stats.nodes.send).toMatchObject({ entered: 3, left: 3 });
  });
});
