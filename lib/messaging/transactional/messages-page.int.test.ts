import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { POST as sendRoute } from "@/app/api/v1/send/route";
import { MessagesTable } from "@/components/messages/messages-table";
import { db } from "../../db/client";
import { pgPool } from "../../db/pool";
import { callRoute } from "../../testing/call-route";
import { setup } from "../../testing/messaging-fixtures";
import { broadcastsWithMessages, getMessage, listMessages } from "../messages";

/**
 * The Messages page with transactional and broadcast messages: a category filter and column, a broadcast filter
 * and column linking to the broadcast, and address-only recipients listed (and found) by their address.
 */

async function send(key: string, body: unknown): Promise<string> {
  const response = await callRoute(sendRoute, {
    method: "POST",
    path: "/api/v1/send",
    headers: { authorization: `Bearer ${key}` },
    body,
  });
  expect(response.status).toBe(202);
  return response.body.id;
}

describe("the Messages page's categories, broadcasts and address-only recipients", () => {
  it("filters by category and broadcast, finds an address-only message by its address, and shows each by name", async () => {
    const s = await setup({ subject: "Hi", html: "<p>Hi</p>" });
    await s.driver.send([{ type: "identify", userId: "ada", traits: { email: "ada@example.com" } }]);
    const toAddress = await send(s.fixture.key, {
      channel: "email",
      content: { subject: "Code", html: "<p>{{ data.code }}</p>" },
      to: { email: "Stranger@Example.com" },
      data: { code: "1" },
    });
    const toAda = await send(s.fixture.key, { templateId: s.templateId, to: { userId: "ada" } });
    const profile = await db().profile.findFirstOrThrow({ where: { workspaceId: s.ctx.workspace.id, userId: "ada" } });
    const broadcast = await db().broadcast.create({
      data: {
        workspaceId: s.ctx.workspace.id,
        name: "December newsletter",
        channel: "email",
        variants: [{ key: "A", name: "A", templateId: s.templateId, weight: 100 }],
        createdByLabel: "test",
        updatedByLabel: "test",
      },
    });
    const { rows } = await pgPool().query<{ id: string }>(
      `INSERT INTO "Message" (id, "workspaceId", "profileId", channel, "templateId", "idempotencyKey", "broadcastId", variant)
       VALUES (gen_random_uuid(), $1, $2, 'email', $3, $4, $5, 'A') RETURNING id`,
      [s.ctx.workspace.id, profile.id, s.templateId, `b:${broadcast.id}:${profile.id}`, broadcast.id],
    );
    const fromBroadcast = rows[0].id;

    const ids = async (query: Parameters<typeof listMessages>[1]) =>
      (await listMessages(s.ctx, query)).messages.map((m) => m.id).sort();
    expect(await ids({ category: "transactional" })).toEqual([toAddress, toAda].sort());
    expect(await ids({ category: "marketing" })).toEqual([fromBroadcast]);
    expect(await ids({ broadcastId: broadcast.id })).toEqual([fromBroadcast]);
    expect(await ids({ person: "stranger@example.com" })).toEqual([toAddress]);
    expect(await ids({ person: "ada" })).toEqual([fromBroadcast, toAda].sort());
    await expect(listMessages(s.ctx, { category: "promotional" as never })).rejects.toMatchObject({
      code: "validation",
      fields: [{ path: "category" }],
    });
    await expect(listMessages(s.ctx, { broadcastId: "december" })).rejects.toMatchObject({
      fields: [{ path: "broadcastId" }],
    });
    expect(await broadcastsWithMessages(s.ctx)).toEqual([{ id: broadcast.id, name: "December newsletter" }]);

    const { messages } = await listMessages(s.ctx);
    const html = renderToStaticMarkup(createElement(MessagesTable, { slug: "shop", messages }));
    expect(html).toContain(`href="/w/shop/broadcasts/${broadcast.id}"`);
    expect(html).toContain("December newsletter");
    expect(html).toContain("Stranger@Example.com");
    expect(html).toContain("Send API");
    expect(html.match(/data-testid="category"/g)).toHaveLength(2);
    expect(html).not.toContain("/w/shop/profiles/null");

    const detail = await getMessage(s.ctx, toAddress);
    expect(detail).toMatchObject({
      profileId: null,
      to: "Stranger@Example.com",
      category: "transactional",
      templateId: "inline",
    });
  });
});
