import { describe, expect, it } from "vitest";
import { GET as approvalGet, POST as approvalPost } from "@/app/api/v1/templates/[id]/approval/route";
import { PUT as saveRoute } from "@/app/api/v1/templates/[id]/route";
import { POST as sendRoute } from "@/app/api/v1/send/route";
import { PATCH as aiSettingsPatch } from "@/app/api/workspaces/[slug]/ai/settings/route";
import { createBroadcast } from "../broadcasts/create-broadcast";
import { createPeople, createSegmentRow } from "../broadcasts/broadcast-fixtures";
import { variantContent } from "../broadcasts/preview-broadcast";
import { sendBroadcast } from "../broadcasts/send-broadcast";
import { db } from "../db/client";
import { previewPublish, publishJourney } from "../journeys/publish-journey";
import { saveChannelConfig } from "../messaging/channel-config";
import { deliverMessage } from "../messaging/delivery";
import { createTemplate } from "../messaging/templates/create-template";
import { listTemplates } from "../messaging/templates/read-templates";
import { saveTemplate } from "../messaging/templates/save-template";
import { callRoute } from "../testing/call-route";
import { withEmbeddedOutbox } from "../testing/embedded-outbox";
import { contextOf, sessionCookie } from "../testing/factories";
import { messageRow, setup } from "../testing/messaging-fixtures";
import { pgPool } from "../db/pool";
import { selectWebhookTemplateVersionsAt } from "../messaging/store/webhook-templates";
import { templateVersionAt } from "../messaging/templates/published-versions";
import { approveTemplate } from "./approve-template";

/**
 * The approval gate (#20) on every path that sends or publishes: a version saved from an AI draft (or any version
 * when the workspace requires approval) is not live until someone with the approver role approves it; the journey
 * publish, the broadcast send, POST /api/v1/send and the API refuse a template with no approved version (422 naming
 * it); banned phrases in what they would send are refused too, AI-written or not.
 */

withEmbeddedOutbox();

const V1 = {
  subject: "Order {{ data.order_id }} (v1)",
  html: "<p>Hi {{ profile.traits.first_name }}, your order is on its way.</p>",
};
const V2 = { ...V1, subject: "Your order {{ data.order_id }} ships today (v2)" };

async function world() {
  const s = await setup(V1);
  await s.driver.send([{ type: "identify", userId: "ada", traits: { email: "ada@example.com", first_name: "Ada" } }]);
  const slug = s.fixture.team.slug;
  const cookies = {
    OWNER: await sessionCookie(s.fixture.team.members.OWNER),
    ADMIN: await sessionCookie(s.fixture.team.members.ADMIN),
    EDITOR: await sessionCookie(s.fixture.team.members.EDITOR),
  };
  const editor = await contextOf(s.fixture.team, "EDITOR");
  const admin = await contextOf(s.fixture.team, "ADMIN");
  return { s, slug, cookies, editor, admin };
}

const send = (key: string, body: unknown) =>
  callRoute(sendRoute, { method: "POST", path: "/api/v1/send", headers: { authorization: `Bearer ${key}` }, body });

const versionRow = (templateId: string, version: number) =>
  db().messageTemplateVersion.findUniqueOrThrow({ where: { templateId_version: { templateId, version } } });

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e as { code: string; message: string; fields: { path: string; message: string }[] },
  );
  expect(error, "expected a refusal").not.toBeNull();
  return error!;
}

describe("live versions", () => {
  it("an AI-drafted save waits: /send keeps sending the approved version until an admin approves, then the new one", async () => {
    const { s, editor, admin } = await world();
    const saved = await saveTemplate(editor, s.templateId, { content: V2, aiDrafted: true });
    expect(saved.currentVersion).toBe(2);
    expect(await versionRow(s.templateId, 2)).toMatchObject({ aiDrafted: true, needsApproval: true, approvedAt: null });

    const before = await send(s.fixture.key, {
      templateId: s.templateId,
      to: { userId: "ada" },
      data: { order_id: "A1" },
    });
    expect(before.status).toBe(202);
    expect(await deliverMessage(before.body.id)).toMatchObject({ outcome: "sent" });
    const sentBefore = await messageRow(before.body.id);
    expect(sentBefore.templateVersion).toBe(1);
    expect((sentBefore.content as { subject: string }).subject).toBe("Order A1 (v1)");

    // an edit on top of the waiting draft, without the editor's flag, still waits and is still AI-drafted
    await saveTemplate(editor, s.templateId, { content: { ...V2, html: "<p>Edited by a person</p>" } });
    expect(await versionRow(s.templateId, 3)).toMatchObject({ aiDrafted: true, needsApproval: true });

    const state = await approveTemplate(admin, s.templateId, {});
    expect(state).toMatchObject({
      version: 3,
      awaitingApproval: false,
      liveVersion: 3,
      approvedBy: admin.actor.kind === "user" ? admin.actor.email : "",
    });
    expect(await versionRow(s.templateId, 3)).toMatchObject({ approvedById: s.fixture.team.members.ADMIN.id });

    const after = await send(s.fixture.key, {
      templateId: s.templateId,
      to: { userId: "ada" },
      data: { order_id: "A2" },
    });
    expect(await deliverMessage(after.body.id)).toMatchObject({ outcome: "sent" });
    const sentAfter = await messageRow(after.body.id);
    expect(sentAfter.templateVersion).toBe(3);
    expect((sentAfter.content as { subject: string }).subject).toBe("Your order A2 ships today (v2)");

    // the audit log says who approved what, with the fields that changed against the live version
    const audit = await db().auditLog.findFirstOrThrow({
      where: { workspaceId: s.ctx.workspace.id, action: "template.approved" },
    });
    expect(audit.actorLabel).toBe(s.fixture.team.members.ADMIN.email);
    expect(audit.metadata).toMatchObject({
      version: 3,
      previousLiveVersion: 1,
      aiDrafted: true,
      changedFields: ["subject", "html"],
    });
  });

  it("a workspace that requires approval of every change: a new template has nothing to send until approved (/send 422 names it)", async () => {
    const { s, slug, cookies, admin } = await world();
    const on = await callRoute(aiSettingsPatch, {
      method: "PATCH",
      path: `/api/workspaces/${slug}/ai/settings`,
      params: { slug },
      cookie: cookies.ADMIN,
      body: { requireTemplateApproval: true },
    });
    expect(on.status).toBe(200);
    const fresh = await createTemplate(s.ctx, { name: "Receipt", channel: "email", content: V1 });
    expect(await versionRow(fresh.id, 1)).toMatchObject({ aiDrafted: false, needsApproval: true });
    const refused = await send(s.fixture.key, { templateId: fresh.id, to: { userId: "ada" }, data: { order_id: "B" } });
    expect(refused.status).toBe(422);
    expect(refused.body.error.fields).toEqual([
      {
        path: "templateId",
        message:
          'the template "Receipt" has no approved version to send: its changes await approval by admin or higher',
      },
    ]);
    expect(await db().message.count({ where: { workspaceId: s.ctx.workspace.id } })).toBe(0);
    // the templates list says which wait
    const waiting = async () => (await listTemplates(s.ctx)).filter((t) => t.awaitingApproval).map((t) => t.name);
    expect(await waiting()).toEqual(["Receipt"]);
    await approveTemplate(admin, fresh.id, {});
    expect(await waiting()).toEqual([]);
    expect(
      (await send(s.fixture.key, { templateId: fresh.id, to: { userId: "ada" }, data: { order_id: "B" } })).status,
    ).toBe(202);
  });
});

describe("journeys pin what was live when they were published", () => {
  it("a journey published while a version waits keeps the approved one after the approval; one published after gets the new one", async () => {
    const { s, editor, admin } = await world();
    await saveTemplate(editor, s.templateId, { content: V2, aiDrafted: true });
    const whileWaiting = new Date();
    // the approval's moment is an input: one second after the journey was published
    await approveTemplate(admin, s.templateId, {}, () => new Date(whileWaiting.getTime() + 1_000));
    const afterApproval = new Date(whileWaiting.getTime() + 2_000);
    expect((await templateVersionAt(s.ctx.workspace.id, s.templateId, whileWaiting))?.version).toBe(1);
    expect((await templateVersionAt(s.ctx.workspace.id, s.templateId, afterApproval))?.version).toBe(2);
    // a waiting webhook template is not what a journey's webhook step sends either
    const hook = await createTemplate(s.ctx, {
      name: "Hook",
      channel: "webhook",
      content: { contentType: "json", body: '{"v":1}' },
    });
    await saveTemplate(s.ctx, hook.id, { content: { contentType: "json", body: '{"v":2}' }, aiDrafted: true });
    const [pinned] = await selectWebhookTemplateVersionsAt(pgPool(), s.ctx.workspace.id, [hook.id], new Date());
    expect(pinned).toMatchObject({ version: 1, content: { body: '{"v":1}' } });
  });
});

describe("who approves", () => {
  it("a role below the setting gets 403 naming the role; an API key cannot approve; another workspace's template is 404", async () => {
    const { s, slug, cookies } = await world();
    await saveTemplate(s.ctx, s.templateId, { content: V2, aiDrafted: true });
    const approve = (cookie: string, id = s.templateId, body: unknown = {}) =>
      callRoute(approvalPost, {
        method: "POST",
        path: `/api/workspaces/${slug}/templates/${id}/approval`,
        params: { slug, id },
        cookie,
        body,
      });
    const byEditor = await approve(cookies.EDITOR);
    expect(byEditor.status).toBe(403);
    expect(byEditor.body.error.message).toBe(
      "Approving template changes needs the Admin role or higher in this workspace; you are Editor.",
    );
    const byKey = await callRoute(approvalPost, {
      method: "POST",
      path: `/api/v1/templates/${s.templateId}/approval`,
      params: { id: s.templateId },
      headers: { authorization: `Bearer ${s.fixture.key}` },
      body: {},
    });
    expect(byKey.status).toBe(403);
    const badVersion = await approve(cookies.ADMIN, s.templateId, { version: "two" });
    expect(badVersion.status).toBe(422);
    expect(badVersion.body.error.fields[0].path).toBe("version");
    const other = await setup(V1);
    const foreign = await approve(cookies.ADMIN, other.templateId);
    expect(foreign.status).toBe(404);
    expect((await versionRow(s.templateId, 2)).approvedAt).toBeNull();

    // the editor sees what waits, for whom, and what it changes
    const state = await callRoute(approvalGet, {
      path: `/api/workspaces/${slug}/templates/${s.templateId}/approval`,
      params: { slug, id: s.templateId },
      cookie: cookies.EDITOR,
    });
    expect(state.body).toMatchObject({
      version: 2,
      liveVersion: 1,
      awaitingApproval: true,
      aiDrafted: true,
      approverRole: "ADMIN",
      canApprove: false,
      changes: [{ field: "subject", before: V1.subject, after: V2.subject }],
    });

    // an owner lowers the approver role to editors: now the editor may
    await callRoute(aiSettingsPatch, {
      method: "PATCH",
      path: `/api/workspaces/${slug}/ai/settings`,
      params: { slug },
      cookie: cookies.OWNER,
      body: { templateApproveRole: "EDITOR" },
    });
    expect((await approve(cookies.EDITOR)).status).toBe(200);
    const twice = await approve(cookies.ADMIN);
    expect(twice.status).toBe(409);
  });

  it("the API's save carries aiDrafted; a bad flag is 422 and stores nothing", async () => {
    const { s } = await world();
    const put = (body: unknown) =>
      callRoute(saveRoute, {
        method: "PUT",
        path: `/api/v1/templates/${s.templateId}`,
        params: { id: s.templateId },
        headers: { authorization: `Bearer ${s.fixture.key}` },
        body,
      });
    const bad = await put({ content: V2, aiDrafted: "yes" });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields).toEqual([{ path: "aiDrafted", message: "must be true or false" }]);
    expect(await db().messageTemplateVersion.count({ where: { templateId: s.templateId } })).toBe(1);
    expect((await put({ content: V2, aiDrafted: true })).status).toBe(200);
    expect(await versionRow(s.templateId, 2)).toMatchObject({ aiDrafted: true, needsApproval: true });
  });
});

describe("the gate on every publish path", () => {
  it("a journey publish refuses a template whose only version waits (422 naming it), and publishes once approved", async () => {
    const { s, admin } = await world();
    await callRoute(aiSettingsPatch, {
      method: "PATCH",
      path: `/api/workspaces/${s.fixture.team.slug}/ai/settings`,
      params: { slug: s.fixture.team.slug },
      cookie: await sessionCookie(s.fixture.team.members.ADMIN),
      body: { requireTemplateApproval: true },
    });
    const pending = await createTemplate(s.ctx, { name: "Welcome back", channel: "email", content: V1 });
    const journey = await db().journey.findUniqueOrThrow({ where: { id: s.journeyId }, include: { versions: true } });
    const graph = journey.versions[0].graph as { nodes: { id: string; config: Record<string, unknown> }[] };
    const draft = {
      ...graph,
      nodes: graph.nodes.map((n) => (n.id === "send" ? { ...n, config: { ...n.config, templateId: pending.id } } : n)),
    };
    await db().journey.update({ where: { id: s.journeyId }, data: { draft: draft as never } });
    const versionsBefore = await db().journeyVersion.count({ where: { journeyId: s.journeyId } });
    // the publish dialog's preview says so before anyone tries
    expect((await previewPublish(s.owner, s.journeyId)).problems).toContainEqual({
      nodeId: "send",
      path: "config.templateId",
      message:
        'the template "Welcome back" has no approved version to send: its changes await approval by admin or higher',
    });
    const refused = await refusal(publishJourney(s.owner, s.journeyId));
    expect(refused.code).toBe("validation");
    expect(refused.fields).toEqual([
      {
        path: "nodes.send.config.templateId",
        message:
          'the template "Welcome back" has no approved version to send: its changes await approval by admin or higher',
      },
    ]);
    expect(await db().journeyVersion.count({ where: { journeyId: s.journeyId } })).toBe(versionsBefore);
    await approveTemplate(admin, pending.id, {});
    const published = await publishJourney(s.owner, s.journeyId);
    expect(published.published.version).toBe(versionsBefore + 1);
  });

  it("banned phrases: a save warns; a journey publish, a broadcast send and /send refuse, naming template, field and phrase", async () => {
    const { s, slug, cookies } = await world();
    await callRoute(aiSettingsPatch, {
      method: "PATCH",
      path: `/api/workspaces/${slug}/ai/settings`,
      params: { slug },
      cookie: cookies.ADMIN,
      body: { bannedPhrases: [{ phrase: "risk-free", reason: "legal: no guarantees" }] },
    });
    const claim = { ...V1, subject: "A Risk-Free order {{ data.order_id }}" };
    const saved = await saveTemplate(s.ctx, s.templateId, { content: claim });
    expect(saved.warnings).toContainEqual({
      path: "content.subject",
      message: 'contains the banned phrase "risk-free" (legal: no guarantees): publishing and sending refuse it',
    });
    // not AI, not required: the version is live at once, and the gate refuses it everywhere
    expect(await versionRow(s.templateId, 2)).toMatchObject({ needsApproval: false });
    const expected = `the template "Welcome email": content.subject contains the banned phrase "risk-free" (legal: no guarantees)`;

    const sent = await send(s.fixture.key, {
      templateId: s.templateId,
      to: { userId: "ada" },
      data: { order_id: "C" },
    });
    expect(sent.status).toBe(422);
    expect(sent.body.error.fields).toEqual([{ path: "templateId", message: expected }]);
    const inline = await send(s.fixture.key, { channel: "email", content: claim, to: { userId: "ada" }, data: {} });
    expect(inline.body.error.fields).toEqual([
      { path: "content", message: 'content.subject contains the banned phrase "risk-free" (legal: no guarantees)' },
    ]);

    const journey = await refusal(publishJourney(s.owner, s.journeyId, "live"));
    expect(journey.fields).toEqual([{ path: "nodes.send.config.templateId", message: expected }]);

    await saveChannelConfig(s.owner, "email", {
      settings: { mode: "smtp", fromAddress: "news@shop.example", host: "127.0.0.1", port: 2525 },
    });
    const segment = await createSegmentRow(s.ctx.workspace.id);
    await createPeople(s.ctx.workspace.id, [{ segments: [segment] }]);
    const broadcast = await createBroadcast(s.owner, {
      name: "Spring",
      channel: "email",
      segmentIds: [segment],
      variants: [{ key: "A", templateId: s.templateId, weight: 100 }],
    });
    const refused = await refusal(
      sendBroadcast(s.owner, broadcast.id, {
        schedule: { kind: "at", sendAt: new Date(Date.now() + 86_400_000).toISOString() },
      }),
    );
    expect(refused.fields).toEqual([{ path: "variants.0.templateId", message: expected }]);
    expect((await db().broadcast.findUniqueOrThrow({ where: { id: broadcast.id } })).status).toBe("DRAFT");
  });

  it("banned phrases in what a template pulls in: a partial it renders, at any depth, refuses the publish and is named", async () => {
    const { s, slug, cookies } = await world();
    await callRoute(aiSettingsPatch, {
      method: "PATCH",
      path: `/api/workspaces/${slug}/ai/settings`,
      params: { slug },
      cookie: cookies.ADMIN,
      body: { bannedPhrases: [{ phrase: "risk-free" }] },
    });
    const legal = await createTemplate(s.ctx, { name: "legal", channel: "partial" });
    await saveTemplate(s.ctx, legal.id, { content: { body: "<p>Risk-free returns for 30 days.</p>" } });
    const footer = await createTemplate(s.ctx, { name: "footer", channel: "partial" });
    await saveTemplate(s.ctx, footer.id, { content: { body: "<footer>{% render 'legal' %}</footer>" } });
    // the email itself is clean: only the partial two levels down carries the phrase
    await saveTemplate(s.ctx, s.templateId, { content: { ...V1, html: `${V1.html}{% render 'footer' %}` } });

    const journey = await refusal(publishJourney(s.owner, s.journeyId, "live"));
    expect(journey.fields).toEqual([
      {
        path: "nodes.send.config.templateId",
        message: 'the template "Welcome email": the partial "legal" contains the banned phrase "risk-free"',
      },
    ]);
    const sent = await send(s.fixture.key, {
      templateId: s.templateId,
      to: { userId: "ada" },
      data: { order_id: "C" },
    });
    expect(sent.status).toBe(422);
    expect(sent.body.error.fields).toEqual([
      {
        path: "templateId",
        message: 'the template "Welcome email": the partial "legal" contains the banned phrase "risk-free"',
      },
    ]);

    // fixing the partial is enough: nothing else changes and the publish goes through
    await saveTemplate(s.ctx, legal.id, { content: { body: "<p>Free returns for 30 days.</p>" } });
    const published = await publishJourney(s.owner, s.journeyId, "live");
    expect(published.published.version).toBeGreaterThan(0);
  });

  it("a broadcast send refuses a template that waits for approval", async () => {
    const { s, admin } = await world();
    await saveChannelConfig(s.owner, "email", {
      settings: { mode: "smtp", fromAddress: "news@shop.example", host: "127.0.0.1", port: 2525 },
    });
    const variant = await createTemplate(s.ctx, { name: "Variant B", channel: "email" });
    await saveTemplate(s.ctx, variant.id, { content: V2, aiDrafted: true });
    const segment = await createSegmentRow(s.ctx.workspace.id);
    await createPeople(s.ctx.workspace.id, [{ segments: [segment] }]);
    const broadcast = await createBroadcast(s.owner, {
      name: "Split",
      channel: "email",
      segmentIds: [segment],
      variants: [
        { key: "A", templateId: s.templateId, weight: 50 },
        { key: "B", templateId: variant.id, weight: 50 },
      ],
    });
    const later = { schedule: { kind: "at" as const, sendAt: new Date(Date.now() + 86_400_000).toISOString() } };
    const refused = await refusal(sendBroadcast(s.owner, broadcast.id, later));
    expect(refused.fields).toEqual([
      {
        path: "variants.1.templateId",
        message:
          'the template "Variant B" has no approved version to send: its changes await approval by admin or higher',
      },
    ]);
    // its preview and test sends show what would be sent: nothing yet
    const variantB = { key: "B", name: "B", templateId: variant.id, weight: 50 };
    expect((await variantContent(s.ctx.workspace.id, variantB)).content).toBeNull();
    await approveTemplate(admin, variant.id, {});
    expect((await variantContent(s.ctx.workspace.id, variantB)).content).toMatchObject({ subject: V2.subject });
    expect((await sendBroadcast(s.owner, broadcast.id, later)).broadcast.status).toBe("SCHEDULED");
  });
});
