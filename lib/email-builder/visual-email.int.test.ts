import { load } from "cheerio";
import { describe, expect, it } from "vitest";
import { POST as compileRoute } from "@/app/api/workspaces/[slug]/templates/compile/route";
import { callRoute } from "../testing/call-route";
import { createCatalog, uploadCatalog } from "../catalogs/manage-catalogs";
import { db } from "../db/client";
import { deliverMessage } from "../messaging/delivery";
import { createTemplate } from "../messaging/templates/create-template";
import { previewTemplate } from "../messaging/templates/preview-template";
import { getTemplate } from "../messaging/templates/read-templates";
import { saveTemplate } from "../messaging/templates/save-template";
import { withEmbeddedOutbox } from "../testing/embedded-outbox";
import { publishGraph } from "../testing/engine-driver";
import { contextOf, createWorkspaceWithTeam, sessionCookie } from "../testing/factories";
import { messageRow, setup } from "../testing/messaging-fixtures";
import { compileDocument } from "./compile";
import { ZEmailDocument } from "./document";
import { rejection } from "../testing/rejection";

withEmbeddedOutbox();

const DOCUMENT = {
  settings: { background: "#f4f4f5" },
  blocks: [
    { id: "hello", type: "text", html: 'Hello {{ profile.traits.first_name | default: "there" }}, <b>welcome</b>!' },
    {
      id: "pro",
      type: "text",
      html: "You are on the pro plan.",
      condition: 'profile.traits.plan == "pro"',
    },
    { id: "cta", type: "button", label: "See your order", href: "{{ event.properties.order_url }}" },
    { id: "foot", type: "footer", address: "Cairn Ltd, Bristol" },
  ],
};
const VISUAL = {
  subject: "Welcome, {{ profile.traits.first_name }}",
  // a visual email's html is the server's to write: whatever the client sends is replaced
  html: "<p>stale</p>",
  editor: { kind: "visual", document: DOCUMENT },
};

describe("visual email templates", () => {
  it("a template created with only its document (the API) gets its html compiled, as a save does", async () => {
    const s = await setup();
    const documentOnly: Record<string, unknown> = { ...VISUAL };
    delete documentOnly.html;
    const created = await createTemplate(s.ctx, { name: "API visual", channel: "email", content: documentOnly });
    expect((created.content as { html: string }).html).toBe(await compileDocument(ZEmailDocument.parse(DOCUMENT)));
    const refused = await rejection(
      createTemplate(s.ctx, {
        name: "Broken visual",
        channel: "email",
        content: {
          ...documentOnly,
          editor: {
            kind: "visual",
            document: { ...DOCUMENT, blocks: [{ id: "x", type: "button", label: "Go", href: "javascript:alert(1)" }] },
          },
        },
      }),
    );
    expect(refused.fields.map((f) => f.path)).toContain("content.editor.document.blocks.0.href");
  });

  it("save compiles the document to html, keeps the document, and a journey sends the personalised email", async () => {
    const s = await setup();
    const template = await createTemplate(s.ctx, { name: "Visual welcome", channel: "email" });
    const saved = await saveTemplate(s.ctx, template.id, { content: VISUAL });
    const content = saved.content as { html: string; editor: { kind: string; document: unknown } };
    expect(content.html).toBe(await compileDocument(ZEmailDocument.parse(DOCUMENT)));
    expect(content.html).not.toContain("stale");
    expect(content.editor).toEqual({ kind: "visual", document: ZEmailDocument.parse(DOCUMENT) });
    // a reload reads the same document back, Liquid intact
    const reloaded = (await getTemplate(s.ctx, template.id)).content as typeof content;
    expect(JSON.stringify(reloaded.editor)).toContain('{{ profile.traits.first_name | default: \\"there\\" }}');

    const { journeyId } = await publishGraph(s.ctx, {
      nodes: [
        {
          id: "trigger",
          type: "trigger.event",
          position: { x: 0, y: 0 },
          config: { eventName: "ordered", filters: [] },
        },
        { id: "send", type: "action.email", position: { x: 0, y: 100 }, config: { templateId: template.id } },
        { id: "end", type: "exit", position: { x: 0, y: 200 }, config: {} },
      ],
      edges: [
        { id: "e1", source: "trigger", target: "send" },
        { id: "e2", source: "send", target: "end" },
      ],
      settings: { reentry: { mode: "always" } },
    } as never);
    expect(journeyId).toBeTruthy();
    await s.driver.send([
      { type: "identify", userId: "grace", traits: { email: "grace@example.com", first_name: "Grace", plan: "pro" } },
    ]);
    const before = s.driver.messages.length;
    await s.driver.track("grace", "ordered", { order_url: "https://shop.example/orders/7?x=1&y=2" });
    const messages = s.driver.messages.slice(before);
    // the fixture's own journey listens to another event
    expect(messages).toHaveLength(1);
    expect(await deliverMessage(messages[0], s.driver.clock)).toMatchObject({ outcome: "sent" });

    const sent = (await messageRow(messages[0])).content as { subject: string; html: string; text: string };
    expect(sent.subject).toBe("Welcome, Grace");
    const $ = load(sent.html);
    expect($(".cairn-text").first().text()).toContain("Hello Grace, welcome!");
    expect(sent.html).toContain("You are on the pro plan.");
    // the button goes through the click redirect to the order's address; the footer's unsubscribe link is real
    const button = $("a").filter((_, a) => $(a).text().trim() === "See your order");
    expect(button.attr("href")).toContain(encodeURIComponent("https://shop.example/orders/7?x=1&y=2"));
    expect($(".cairn-footer a").first().attr("href")).toMatch(/^http:\/\/localhost:3000\/u\/[0-9a-f-]{36}\./);
    expect(sent.html).not.toMatch(/\{\{|\{%/);
    // the plain-text part, derived from the compiled html: the words and links, none of MJML's Outlook markup
    expect(sent.text).toContain("Hello Grace, welcome!");
    expect(sent.text).not.toMatch(/mso|<|\{\{/);
    const mail = await db().outboxEmail.findFirstOrThrow({ where: { messageId: messages[0] } });
    expect(mail.subject).toBe("Welcome, Grace");
  });

  it("refuses a bad document with the block's path, storing nothing; a code email stays code", async () => {
    const team = await createWorkspaceWithTeam();
    const editor = await contextOf(team, "EDITOR");
    const template = await createTemplate(editor, { name: "Visual", channel: "email" });
    await saveTemplate(editor, template.id, { content: VISUAL });

    const bad = structuredClone(VISUAL);
    (bad.editor.document.blocks[2] as { href: string }).href = "javascript:alert(document.cookie)";
    const error = await rejection(saveTemplate(editor, template.id, { content: bad }));
    expect(error.code).toBe("validation");
    expect(error.fields.map((f) => f.path)).toEqual(["content.editor.document.blocks.2.href"]);
    const tooMuch = structuredClone(VISUAL);
    (tooMuch.editor.document.blocks[0] as { html: string }).html = "x".repeat(20_001);
    expect((await rejection(saveTemplate(editor, template.id, { content: tooMuch }))).fields[0].path).toBe(
      "content.editor.document.blocks.0.html",
    );
    expect((await getTemplate(editor, template.id)).currentVersion).toBe(1);

    // "switch to code": the compiled html becomes the code and the editor goes; the next save stays code
    const visual = (await getTemplate(editor, template.id)).content as { subject: string; html: string };
    const code = { subject: visual.subject, html: visual.html.replace("welcome", "hello again") };
    const v2 = await saveTemplate(editor, template.id, { content: code });
    expect(v2.content).toEqual(code);
    expect(v2.content).not.toHaveProperty("editor");
  });

  it("a partial block includes only a partial of the template's own workspace", async () => {
    const [mine, theirs] = [await createWorkspaceWithTeam(), await createWorkspaceWithTeam()];
    const [me, them] = [await contextOf(mine, "EDITOR"), await contextOf(theirs, "EDITOR")];
    await createTemplate(them, { name: "promo", channel: "partial", content: { body: "<p>Their promo</p>" } });
    const template = await createTemplate(me, { name: "Visual", channel: "email" });
    const withPartial = structuredClone(VISUAL);
    withPartial.editor.document.blocks.splice(1, 0, { id: "p", type: "partial", name: "promo" } as never);
    const error = await rejection(saveTemplate(me, template.id, { content: withPartial }));
    expect(error.fields[0]).toMatchObject({ path: "content.html", message: expect.stringContaining("'promo'") });
    expect((await getTemplate(me, template.id)).currentVersion).toBe(0);

    await createTemplate(me, { name: "promo", channel: "partial", content: { body: "<p>Our promo</p>" } });
    const saved = await saveTemplate(me, template.id, { content: withPartial });
    const preview = await previewTemplate(me, { channel: "email", content: saved.content as Record<string, unknown> });
    expect(preview.errors).toEqual([]);
    expect(preview.fields.html).toContain("Our promo");
    expect(preview.fields.html).toContain("Hello Ada");
  });

  it("the editor's live compile: a member of the workspace gets the html of an unsaved document; bad blocks by path; other workspaces' members refused", async () => {
    const [team, other] = [await createWorkspaceWithTeam(), await createWorkspaceWithTeam()];
    const viewer = await sessionCookie(team.members.VIEWER);
    const compiled = await callRoute(compileRoute, {
      method: "POST",
      params: { slug: team.slug },
      cookie: viewer,
      body: { document: DOCUMENT },
    });
    expect(compiled.status).toBe(200);
    expect(compiled.body.html).toBe(await compileDocument(ZEmailDocument.parse(DOCUMENT)));

    const bad = structuredClone(DOCUMENT);
    (bad.blocks[2] as { href: string }).href = "javascript:alert(1)";
    const refused = await callRoute(compileRoute, {
      method: "POST",
      params: { slug: team.slug },
      cookie: viewer,
      body: { document: bad },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.fields.map((f: { path: string }) => f.path)).toEqual([
      "content.editor.document.blocks.2.href",
    ]);

    const outsider = await callRoute(compileRoute, {
      method: "POST",
      params: { slug: team.slug },
      cookie: await sessionCookie(other.members.OWNER),
      body: { document: DOCUMENT },
    });
    expect([403, 404]).toContain(outsider.status);
  });

  it("a product block reads the workspace's catalog: refused until the catalog exists, then previews the item's name, price, image and link", async () => {
    const team = await createWorkspaceWithTeam();
    const editor = await contextOf(team, "EDITOR");
    const template = await createTemplate(editor, { name: "Product", channel: "email" });
    const withProduct = structuredClone(VISUAL);
    withProduct.editor.document.blocks.splice(1, 0, {
      id: "prod",
      type: "product",
      source: { kind: "item", id: "event.properties.sku" },
      buttonLabel: "Buy it",
    } as never);
    const error = await rejection(saveTemplate(editor, template.id, { content: withProduct }));
    expect(error.code).toBe("validation");
    expect(JSON.stringify(error.fields)).toContain("products");
    expect((await getTemplate(editor, template.id)).currentVersion).toBe(0);

    await createCatalog(editor, { key: "products", name: "Products" });
    await uploadCatalog(
      editor,
      "products",
      {
        csv: "id,name,url,image_url,price,currency,category,in_stock\nsku-1,Trail shoe,https://shop.example/p/1,https://cdn.example/1.png,89.9,EUR,running,true\n",
      },
      { mode: "upsert", dryRun: false },
    );
    const saved = await saveTemplate(editor, template.id, { content: withProduct });
    const preview = await previewTemplate(editor, {
      channel: "email",
      content: saved.content as Record<string, unknown>,
      event: { source: "json", properties: '{"sku": "sku-1"}' },
    });
    expect(preview.errors).toEqual([]);
    const $ = load(preview.fields.html);
    expect($("img").first().attr("src")).toBe("https://cdn.example/1.png");
    expect($("body").text()).toContain("Trail shoe");
    expect($("body").text()).toContain("€89.90");
    expect(
      $("a")
        .filter((_, a) => $(a).text().trim() === "Buy it")
        .attr("href"),
    ).toBe("https://shop.example/p/1");
  });
});
