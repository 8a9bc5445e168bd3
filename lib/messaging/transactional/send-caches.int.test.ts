import { describe, expect, it } from "vitest";
import { POST as sendRoute } from "@/app/api/v1/send/route";
import { db } from "../../db/client";
import { callRoute } from "../../testing/call-route";
import { withEmbeddedOutbox } from "../../testing/embedded-outbox";
import { messageRow, queueFor, setup } from "../../testing/messaging-fixtures";
import { loadProviderConfigs, PROVIDER_CONFIGS_TTL_MS, saveChannelConfig } from "../channel-config";
import { deliverMessage } from "../delivery";
import { loadPolicy, POLICY_TTL_MS, savePolicy } from "../policy";
import { archiveTemplate } from "../templates/archive-template";
import { TEMPLATE_TTL_MS, templateVersionAt } from "../templates/published-versions";
import { saveTemplate } from "../templates/save-template";

/**
 * What sends read from this process's caches (templates and their versions, channel configs, the policy): a save
 * here reaches the very next send; a change made elsewhere (another instance) is read once the entry's TTL passed.
 * Time is given to the caches (`now`), never waited for.
 */

withEmbeddedOutbox();

const RECEIPT = { subject: "Order {{ data.order_id }}", html: "<p>Order {{ data.order_id }}</p>" };

async function send(key: string, body: unknown) {
  return callRoute(sendRoute, {
    method: "POST",
    path: "/api/v1/send",
    headers: { authorization: `Bearer ${key}` },
    body,
  });
}

async function sentContent(key: string, templateId: string, orderId: string, clock: () => Date) {
  const response = await send(key, { templateId, to: { email: "ada@example.com" }, data: { order_id: orderId } });
  expect(response.status, JSON.stringify(response.body)).toBe(202);
  expect(await deliverMessage(response.body.id, clock)).toMatchObject({ outcome: "sent" });
  const row = await messageRow(response.body.id);
  return { version: row.templateVersion, ...(row.content as { subject: string; from: { name?: string } }) };
}

describe("a save in this process reaches the next send at once", () => {
  it("a template's new version, its archiving, and the email channel's new sender", async () => {
    const s = await setup(RECEIPT);
    const clock = s.driver.clock;
    expect(await sentContent(s.fixture.key, s.templateId, "A1", clock)).toMatchObject({
      version: 1,
      subject: "Order A1",
      from: { name: "Cairn" },
    });

    await saveTemplate(s.ctx, s.templateId, { content: { ...RECEIPT, subject: "Your order {{ data.order_id }}" } });
    await saveChannelConfig(s.owner, "email", {
      settings: { mode: "embedded", fromAddress: "shop@shop.example", fromName: "Shop" },
    });
    expect(await sentContent(s.fixture.key, s.templateId, "A2", clock)).toMatchObject({
      version: 2,
      subject: "Your order A2",
      from: { name: "Shop" },
    });

    await archiveTemplate(s.ctx, s.templateId);
    const refused = await send(s.fixture.key, { templateId: s.templateId, to: { email: "ada@example.com" }, data: {} });
    expect(refused.status).toBe(422);
    expect(refused.body.error.fields).toEqual([
      { path: "templateId", message: "The template is archived; restore it to send it" },
    ]);
  });

  it("the policy: a marketing message after the save is held by it", async () => {
    const s = await setup();
    expect((await loadPolicy(s.ctx.workspace.id)).requireOptIn).toEqual([]); // cached before the save
    await savePolicy(s.owner, { requireOptIn: ["email"] });
    expect((await loadPolicy(s.ctx.workspace.id)).requireOptIn).toEqual(["email"]);
    const marketing = await queueFor(s, "bo", { email: "bo@example.com" });
    expect(await deliverMessage(marketing, s.driver.clock)).toMatchObject({ outcome: "suppressed" });
  });
});

describe("a change made elsewhere (not through this process's save)", () => {
  it("is read once the cached entry's TTL has passed, not before", async () => {
    const s = await setup(RECEIPT);
    const workspaceId = s.ctx.workspace.id;
    await saveChannelConfig(s.owner, "email", {
      settings: { mode: "embedded", fromAddress: "a@shop.example", fromName: "A" },
    });
    // a moment past anything cached so far: each read below starts a fresh entry at t0
    const t0 = Date.now() + 60_000;
    expect((await loadProviderConfigs(workspaceId, t0)).email?.from.name).toBe("A");
    expect((await templateVersionAt(workspaceId, s.templateId, new Date(), t0))?.version).toBe(1);
    expect((await loadPolicy(workspaceId, t0)).requireOptIn).toEqual([]);

    // another instance saves: a new version, a new sender, a policy
    await db().messageTemplateVersion.create({
      data: {
        templateId: s.templateId,
        version: 2,
        content: { ...RECEIPT, subject: "v2" },
        createdByLabel: "elsewhere",
      },
    });
    await db().messageTemplate.update({ where: { id: s.templateId }, data: { currentVersion: 2 } });
    await db().channelConfig.update({
      where: { workspaceId_provider: { workspaceId, provider: "email" } },
      data: { settings: { mode: "embedded", fromAddress: "b@shop.example", fromName: "B" } },
    });
    await db().messagingPolicy.create({ data: { workspaceId, requireOptIn: ["sms"], updatedByLabel: "elsewhere" } });

    expect((await loadProviderConfigs(workspaceId, t0 + PROVIDER_CONFIGS_TTL_MS - 1)).email?.from.name).toBe("A");
    expect((await templateVersionAt(workspaceId, s.templateId, new Date(), t0 + TEMPLATE_TTL_MS - 1))?.version).toBe(1);
    expect((await loadPolicy(workspaceId, t0 + POLICY_TTL_MS - 1)).requireOptIn).toEqual([]);

    expect((await loadProviderConfigs(workspaceId, t0 + PROVIDER_CONFIGS_TTL_MS)).email?.from.name).toBe("B");
    expect(await templateVersionAt(workspaceId, s.templateId, new Date(), t0 + TEMPLATE_TTL_MS)).toMatchObject({
      version: 2,
      content: { subject: "v2" },
    });
    expect((await loadPolicy(workspaceId, t0 + POLICY_TTL_MS)).requireOptIn).toEqual(["sms"]);
  });

  it("an older version asked for by time still comes from the database, and a template of another workspace is no one's", async () => {
    const s = await setup(RECEIPT);
    const other = await setup(RECEIPT);
    const savedAt = (await db().messageTemplateVersion.findFirstOrThrow({ where: { templateId: s.templateId } }))
      .createdAt;
    await saveTemplate(s.ctx, s.templateId, { content: { ...RECEIPT, subject: "v2" } });
    expect((await templateVersionAt(s.ctx.workspace.id, s.templateId, new Date()))?.version).toBe(2);
    expect((await templateVersionAt(s.ctx.workspace.id, s.templateId, savedAt))?.version).toBe(1);
    expect(await templateVersionAt(s.ctx.workspace.id, s.templateId, new Date(savedAt.getTime() - 1))).toBeNull();
    expect(await templateVersionAt(other.ctx.workspace.id, s.templateId, new Date())).toBeNull();
  });
});
