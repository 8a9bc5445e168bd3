import { describe, expect, it } from "vitest";
import { db } from "../../db/client";
import { contextOf, createWorkspaceWithTeam } from "../../testing/factories";
import { archiveTemplate, restoreTemplate } from "./archive-template";
import { createTemplate } from "./create-template";
import { previewTemplate } from "./preview-template";
import { renderAssetsAt, templateVersionAt } from "./published-versions";
import { getTemplate, getTemplateVersion, listLayouts, listTemplates, sendableTemplates } from "./read-templates";
import { renameTemplate } from "./rename-template";
import { saveTemplate } from "./save-template";
import { rejection } from "../../testing/rejection";

const EMAIL = {
  subject: 'Hi {{ profile.traits.first_name | default: "there" }}',
  html: "<p>Welcome, {{ profile.traits.first_name }}</p>",
};

describe("message templates", () => {
  it("create without content (v0), save v1 and v2, keep every version, rename, archive and restore, audit-logged", async () => {
    const team = await createWorkspaceWithTeam();
    const editor = await contextOf(team, "EDITOR");
    const created = await createTemplate(editor, { name: "Welcome", channel: "email" });
    expect(created).toMatchObject({
      name: "Welcome",
      channel: "email",
      currentVersion: 0,
      content: null,
      versions: [],
      archived: false,
    });
    expect(await sendableTemplates(editor)).toEqual([]);

    const v1 = await saveTemplate(editor, created.id, { content: EMAIL });
    expect(v1).toMatchObject({ currentVersion: 1, content: EMAIL });
    const v2 = await saveTemplate(editor, created.id, { content: { ...EMAIL, subject: "Hello again", text: "" } });
    expect(v2.currentVersion).toBe(2);
    expect(v2.versions.map((v) => [v.version, v.createdBy])).toEqual([
      [2, team.members.EDITOR.email],
      [1, team.members.EDITOR.email],
    ]);
    expect((await getTemplateVersion(editor, created.id, 1)).content).toEqual(EMAIL);
    // a journey version published between v1 and v2 keeps v1
    const minuteAgo = new Date(Date.now() - 60_000);
    await db().messageTemplateVersion.updateMany({
      where: { templateId: created.id, version: 1 },
      data: { createdAt: minuteAgo },
    });
    expect(await templateVersionAt(team.id, created.id, new Date(minuteAgo.getTime() + 30_000))).toEqual({
      channel: "email",
      version: 1,
      content: EMAIL,
    });
    expect((await templateVersionAt(team.id, created.id, new Date()))?.version).toBe(2);
    expect(await templateVersionAt(team.id, created.id, new Date(minuteAgo.getTime() - 1))).toBeNull();
    expect(await templateVersionAt((await createWorkspaceWithTeam()).id, created.id, new Date())).toBeNull();
    expect(await sendableTemplates(editor)).toEqual([{ id: created.id, channel: "email" }]);

    await renameTemplate(editor, created.id, { name: "Welcome email" });
    await archiveTemplate(editor, created.id);
    expect(await sendableTemplates(editor)).toEqual([]);
    expect(await listTemplates(editor)).toEqual([]);
    expect((await listTemplates(editor, { archived: true })).map((t) => t.name)).toEqual(["Welcome email"]);
    expect((await rejection(saveTemplate(editor, created.id, { content: EMAIL }))).code).toBe("conflict");
    await restoreTemplate(editor, created.id);

    const audit = await db().auditLog.findMany({
      where: { workspaceId: team.id, targetId: created.id },
      orderBy: { createdAt: "asc" },
    });
    expect(audit.map((a) => a.summary)).toEqual([
      'Created the email template "Welcome"',
      'Saved "Welcome" as v1',
      'Saved "Welcome" as v2',
      'Renamed the template "Welcome" to "Welcome email"',
      'Archived the template "Welcome email"',
      'Restored the template "Welcome email"',
    ]);
  });

  it("refuses invalid content and Liquid syntax errors at save time, naming every field, storing nothing", async () => {
    const team = await createWorkspaceWithTeam();
    const editor = await contextOf(team, "EDITOR");
    const push = await createTemplate(editor, {
      name: "Push",
      channel: "push",
      content: { title: "Hi", body: "There" },
    });
    expect(push.currentVersion).toBe(1);
    const error = await rejection(
      saveTemplate(editor, push.id, {
        content: { title: "Hi {{ profile.traits.first_name", body: "", deepLink: "not a url", extra: 1 },
      }),
    );
    expect(error.code).toBe("validation");
    expect(error.fields.map((f) => f.path).sort()).toEqual([
      "content",
      "content.body",
      "content.deepLink",
      "content.title",
    ]);
    expect(error.fields.find((f) => f.path === "content.title")?.message).toMatch(
      /^Liquid error: output "\{\{ profile.traits.first_name" not closed/,
    );

    const sms = await rejection(
      createTemplate(editor, { name: "Too long", channel: "sms", content: { body: "x".repeat(1601) } }),
    );
    expect(sms.fields).toEqual([{ path: "content.body", message: "An SMS has at most 1,600 characters" }]);
    const bad = await rejection(createTemplate(editor, { name: "", channel: "fax" as "sms" }));
    expect(bad.fields.map((f) => f.path)).toEqual(["name", "channel"]);

    expect((await getTemplate(editor, push.id)).currentVersion).toBe(1);
    expect(await db().messageTemplateVersion.count({ where: { templateId: push.id } })).toBe(1);
    expect(await db().messageTemplate.count({ where: { workspaceId: team.id } })).toBe(1);
  });

  it("viewers read but cannot write; other workspaces' templates are not found", async () => {
    const team = await createWorkspaceWithTeam();
    const other = await createWorkspaceWithTeam();
    const editor = await contextOf(team, "EDITOR");
    const viewer = await contextOf(team, "VIEWER");
    const template = await createTemplate(editor, { name: "SMS", channel: "sms", content: { body: "Hi" } });
    expect((await getTemplate(viewer, template.id)).name).toBe("SMS");
    expect((await rejection(saveTemplate(viewer, template.id, { content: { body: "x" } }))).code).toBe("forbidden");
    expect((await rejection(getTemplate(await contextOf(other, "OWNER"), template.id))).code).toBe("not_found");
    expect((await rejection(getTemplate(editor, "not-a-uuid"))).code).toBe("not_found");
  });

  it("lists by channel and name; previews for a real profile with its missing variables, or the sample", async () => {
    const team = await createWorkspaceWithTeam();
    const editor = await contextOf(team, "EDITOR");
    await createTemplate(editor, { name: "Order shipped", channel: "email", content: EMAIL });
    await createTemplate(editor, { name: "Order SMS", channel: "sms", content: { body: "Shipped" } });
    await createTemplate(editor, { name: "Welcome", channel: "sms" });
    expect((await listTemplates(editor, { channel: "sms" })).map((t) => t.name).sort()).toEqual([
      "Order SMS",
      "Welcome",
    ]);
    expect((await listTemplates(editor, { q: "order" })).map((t) => t.name).sort()).toEqual([
      "Order SMS",
      "Order shipped",
    ]);

    const now = new Date();
    const profile = await db().profile.create({
      data: {
        id: crypto.randomUUID(),
        workspaceId: team.id,
        userId: "grace",
        email: "grace@example.com",
        timezone: "Asia/Tokyo",
        traits: { first_name: "Grace" },
        firstSeenAt: now,
        lastSeenAt: now,
      },
    });
    const content = {
      ...EMAIL,
      preheader: "{{ profile.traits.plan }}",
      html: "<p>{{ profile.traits.first_name }} {{ profile.phone }}</p>{{ oops",
    };
    const preview = await previewTemplate(await contextOf(team, "VIEWER"), {
      channel: "email",
      content,
      profileId: profile.id,
    });
    expect(preview).toEqual({
      profile: { id: profile.id, label: "grace@example.com", sample: false },
      fields: { subject: "Hi Grace", preheader: "" },
      missingVariables: ["profile.traits.plan"],
      errors: [
        { path: "content.html", message: expect.stringMatching(/^Liquid error: output "\{\{ oops" not closed/) },
      ],
    });
    const sample = await previewTemplate(editor, { channel: "email", content: EMAIL, profileId: null });
    expect(sample).toMatchObject({
      profile: { id: null, sample: true },
      fields: { subject: "Hi Ada", html: "<p>Welcome, Ada</p>", text: "Welcome, Ada" },
      missingVariables: [],
      errors: [],
    });
    expect(
      (await rejection(previewTemplate(editor, { channel: "email", content: EMAIL, profileId: "nobody" }))).code,
    ).toBe("not_found");
  });

  it("partials and email layouts: named snippets any template renders, a layout around an email, pinned in time like templates", async () => {
    const team = await createWorkspaceWithTeam();
    const editor = await contextOf(team, "EDITOR");
    const footer = await createTemplate(editor, {
      name: "footer",
      channel: "partial",
      content: { body: "<p>Sent by Shop to {{ profile.email }}</p>" },
    });
    const layout = await createTemplate(editor, {
      name: "Brand",
      channel: "layout",
      content: {
        html: "<html><body><header>SHOP</header>{{ content }}{% render 'footer', profile: profile %}</body></html>",
      },
    });
    expect(await listLayouts(editor)).toEqual([{ id: layout.id, name: "Brand" }]);
    // building blocks are not something a journey step can send
    expect(await sendableTemplates(editor)).toEqual([]);

    const preview = await previewTemplate(editor, {
      channel: "email",
      content: { subject: "Hi", html: "<h1>Hi {{ profile.traits.first_name }}</h1>", layoutId: layout.id },
    });
    expect(preview.errors).toEqual([]);
    expect(preview.fields.html).toBe(
      "<html><body><header>SHOP</header><h1>Hi Ada</h1><p>Sent by Shop to ada@example.com</p></body></html>",
    );
    expect(preview.fields.text).toBe("SHOP\n\nHi Ada\n\nSent by Shop to ada@example.com");
    // a layout previewed alone shows where the content goes
    expect(
      (await previewTemplate(editor, { channel: "layout", content: { html: "<div>{{ content }}</div>" } })).fields.html,
    ).toBe("<div><p><em>The email's content goes here.</em></p></div>");

    // an unknown partial is named when rendering
    expect(
      (await previewTemplate(editor, { channel: "sms", content: { body: "{% render 'nope' %}" } })).errors,
    ).toEqual([
      {
        path: "content.body",
        message: 'Liquid error: No partial named "nope" (create it under Templates, as a partial)',
      },
    ]);

    // what a journey version published before a change renders with
    const before = new Date();
    await db().messageTemplateVersion.updateMany({
      where: { templateId: { in: [footer.id, layout.id] } },
      data: { createdAt: new Date(before.getTime() - 60_000) },
    });
    await saveTemplate(editor, footer.id, { content: { body: "NEW FOOTER" } });
    expect((await renderAssetsAt(team.id, new Date(before.getTime() - 1_000), layout.id)).partials).toEqual({
      footer: "<p>Sent by Shop to {{ profile.email }}</p>",
    });
    expect((await renderAssetsAt(team.id, new Date(), layout.id)).partials).toEqual({ footer: "NEW FOOTER" });
  });

  it("refuses a partial name Liquid can't include, a second partial of the same name, a layout without {{ content }} and an email layout that isn't one", async () => {
    const team = await createWorkspaceWithTeam();
    const editor = await contextOf(team, "EDITOR");
    expect((await rejection(createTemplate(editor, { name: "Footer Links", channel: "partial" }))).fields).toEqual([
      {
        path: "name",
        message:
          "A partial's name is how templates include it ({% render 'footer' %}): lower-case letters, digits, - and _, e.g. footer",
      },
    ]);
    await createTemplate(editor, { name: "footer", channel: "partial", content: { body: "x" } });
    expect((await rejection(createTemplate(editor, { name: "footer", channel: "partial" }))).fields).toEqual([
      { path: "name", message: 'Another partial is already named "footer"' },
    ]);
    const other = await createTemplate(editor, { name: "header", channel: "partial" });
    expect((await rejection(renameTemplate(editor, other.id, { name: "footer" }))).fields).toEqual([
      { path: "name", message: 'Another partial is already named "footer"' },
    ]);
    expect(
      (
        await rejection(
          createTemplate(editor, { name: "Bare", channel: "layout", content: { html: "<div>no slot</div>" } }),
        )
      ).fields,
    ).toEqual([{ path: "content.html", message: "Put {{ content }} where each email's body goes" }]);
    const partialId = (await listTemplates(editor, { channel: "partial" }))[0].id;
    const email = await createTemplate(editor, { name: "Mail", channel: "email" });
    expect(
      (await rejection(saveTemplate(editor, email.id, { content: { ...EMAIL, layoutId: partialId } }))).fields,
    ).toEqual([{ path: "content.layoutId", message: "is not a saved email layout of this workspace" }]);
    expect((await getTemplate(editor, email.id)).currentVersion).toBe(0);
  });

  it("refuses content that includes a partial that doesn't exist (or is archived, unsaved, or loops), in templates, partials and layouts, storing nothing", async () => {
    const team = await createWorkspaceWithTeam();
    const editor = await contextOf(team, "EDITOR");
    const versions = (id: string) => db().messageTemplateVersion.count({ where: { templateId: id } });
    const email = await createTemplate(editor, { name: "Mail", channel: "email", content: EMAIL });

    // a missing partial, named with the field, in a save and in a create
    const missing = await rejection(
      saveTemplate(editor, email.id, {
        content: { ...EMAIL, html: "<p>Hi</p>{% if true %}{% render 'nope' %}{% endif %}" },
      }),
    );
    expect(missing).toMatchObject({
      code: "validation",
      fields: [{ path: "content.html", message: "uses the partial 'nope', which does not exist" }],
    });
    expect((missing as unknown as Error).message).toBe("content.html: uses the partial 'nope', which does not exist");
    expect(await versions(email.id)).toBe(1);
    expect(
      (
        await rejection(
          createTemplate(editor, { name: "Text", channel: "sms", content: { body: "{% include 'nope' %}" } }),
        )
      ).fields,
    ).toEqual([{ path: "content.body", message: "uses the partial 'nope', which does not exist" }]);
    expect(await db().messageTemplate.count({ where: { workspaceId: team.id, name: "Text" } })).toBe(0);

    // a partial that includes a missing partial, itself, or one that includes it back
    const header = await createTemplate(editor, {
      name: "header",
      channel: "partial",
      content: { body: "<h1>Shop</h1>" },
    });
    expect(
      (await rejection(saveTemplate(editor, header.id, { content: { body: "{% render 'logo' %}" } }))).fields,
    ).toEqual([{ path: "content.body", message: "uses the partial 'logo', which does not exist" }]);
    expect(
      (
        await rejection(
          createTemplate(editor, { name: "footer", channel: "partial", content: { body: "{% render 'logo' %}" } }),
        )
      ).fields,
    ).toEqual([{ path: "content.body", message: "uses the partial 'logo', which does not exist" }]);
    expect(
      (await rejection(saveTemplate(editor, header.id, { content: { body: "{% render 'header' %}" } }))).fields,
    ).toEqual([
      {
        path: "content.body",
        message: "uses the partial 'header', which is this partial: a partial cannot include itself",
      },
    ]);
    await createTemplate(editor, {
      name: "wrapper",
      channel: "partial",
      content: { body: "<div>{% render 'header' %}</div>" },
    });
    expect(
      (await rejection(saveTemplate(editor, header.id, { content: { body: "{% render 'wrapper' %}" } }))).fields,
    ).toEqual([
      {
        path: "content.body",
        message:
          "uses the partial 'wrapper', which uses the partial 'header', which is this partial: a partial cannot include itself",
      },
    ]);
    expect(await versions(header.id)).toBe(1);

    // a layout that includes a missing partial; an email whose layout doesn't exist
    expect(
      (
        await rejection(
          createTemplate(editor, {
            name: "Brand",
            channel: "layout",
            content: { html: "{{ content }}{% render 'legal' %}" },
          }),
        )
      ).fields,
    ).toEqual([{ path: "content.html", message: "uses the partial 'legal', which does not exist" }]);
    expect(
      (await rejection(saveTemplate(editor, email.id, { content: { ...EMAIL, layoutId: crypto.randomUUID() } })))
        .fields,
    ).toEqual([{ path: "content.layoutId", message: "is not a saved email layout of this workspace" }]);

    // archived and never-saved partials are named as such; a partial two includes away too
    await archiveTemplate(editor, header.id);
    expect(
      (await rejection(saveTemplate(editor, email.id, { content: { ...EMAIL, subject: "{% render 'header' %}" } })))
        .fields,
    ).toEqual([{ path: "content.subject", message: "uses the partial 'header', which is archived" }]);
    expect(
      (await rejection(saveTemplate(editor, email.id, { content: { ...EMAIL, html: "{% render 'wrapper' %}" } })))
        .fields,
    ).toEqual([
      {
        path: "content.html",
        message: "uses the partial 'wrapper', which uses the partial 'header', which is archived",
      },
    ]);
    await createTemplate(editor, { name: "draft", channel: "partial" });
    expect(
      (await rejection(saveTemplate(editor, email.id, { content: { ...EMAIL, text: "{% render 'draft' %}" } }))).fields,
    ).toEqual([{ path: "content.text", message: "uses the partial 'draft', which has no saved version yet" }]);
    expect(await versions(email.id)).toBe(1);
    expect((await getTemplate(editor, email.id)).currentVersion).toBe(1);

    // partials that exist are fine, and so is a name from a variable (checked when rendering)
    await restoreTemplate(editor, header.id);
    const saved = await saveTemplate(editor, email.id, {
      content: { ...EMAIL, html: "{% render 'wrapper' %}{% assign which = 'header' %}{% render which %}" },
    });
    expect(saved).toMatchObject({ currentVersion: 2, warnings: [] });
  });

  it("saves a `| required` variable the sample profile lacks, with a warning naming the field (real profiles may have it)", async () => {
    const team = await createWorkspaceWithTeam();
    const editor = await contextOf(team, "EDITOR");
    const created = await createTemplate(editor, {
      name: "Coupon",
      channel: "sms",
      content: { body: "Your code: {{ profile.traits.coupon | required }}" },
    });
    expect(created).toMatchObject({
      currentVersion: 1,
      warnings: [
        {
          path: "content.body",
          message:
            "requires profile.traits.coupon, which the sample profile lacks: a message to someone without it fails instead of going out",
        },
      ],
    });
    // what the sample has raises nothing
    expect(
      (await saveTemplate(editor, created.id, { content: { body: "Hi {{ profile.traits.first_name | required }}" } }))
        .warnings,
    ).toEqual([]);
    const email = await createTemplate(editor, { name: "Mail", channel: "email" });
    const saved = await saveTemplate(editor, email.id, {
      content: {
        subject: "{{ event.properties.cart_id | required }}",
        html: "<p>{{ profile.traits.first_name | required }}</p>",
      },
    });
    expect(saved).toMatchObject({
      currentVersion: 1,
      warnings: [
        {
          path: "content.subject",
          message: expect.stringMatching(/^requires event\.properties\.cart_id, which the sample profile lacks/),
        },
      ],
    });
  });

  it("webhook templates: a body with a content type and headers, parsed at save time (422 naming the field), JSON checked, previewed pretty-printed", async () => {
    const team = await createWorkspaceWithTeam();
    const editor = await contextOf(team, "EDITOR");
    const versions = (id: string) => db().messageTemplateVersion.count({ where: { templateId: id } });
    const body =
      '{"user":{{ profile.userId | json }},"plan":{{ profile.traits.plan | json }},"event":"{{ event.name }}"}';
    const hook = await createTemplate(editor, {
      name: "CRM",
      channel: "webhook",
      content: { body, headers: { "X-Plan": "{{ profile.traits.plan | upcase }}" } },
    });
    // the content type defaults to JSON; webhook templates are not message templates a message step can send
    expect(hook).toMatchObject({
      channel: "webhook",
      currentVersion: 1,
      content: { contentType: "json", body, headers: { "X-Plan": "{{ profile.traits.plan | upcase }}" } },
      warnings: [],
    });
    expect(await sendableTemplates(editor)).toEqual([]);
    expect((await listTemplates(editor, { channel: "webhook" })).map((t) => t.name)).toEqual(["CRM"]);

    // Liquid errors in the body and in a header value, a header name HTTP can't carry, a content type that isn't one
    const bad = await rejection(
      saveTemplate(editor, hook.id, {
        content: {
          contentType: "xml",
          body: "{{ profile.userId | nope }}",
          headers: { "X-Plan": "{% if %}", "Bad Name": "x" },
        },
      }),
    );
    expect(bad.code).toBe("validation");
    expect(bad.fields.map((f) => f.path).sort()).toEqual([
      "content.body",
      "content.contentType",
      "content.headers.Bad Name",
      "content.headers.X-Plan",
    ]);
    expect(bad.fields.find((f) => f.path === "content.contentType")?.message).toBe("must be json, form or text");
    expect(
      (
        await rejection(
          saveTemplate(editor, hook.id, { content: { body: "{}", headers: { "X-Plan": "{{ profile.traits.plan" } } }),
        )
      ).fields,
    ).toEqual([
      {
        path: "content.headers.X-Plan",
        message: expect.stringMatching(/^Liquid error: output "\{\{ profile\.traits\.plan" not closed/),
      },
    ]);
    expect((await rejection(saveTemplate(editor, hook.id, { content: { body: "" } }))).fields).toEqual([
      { path: "content.body", message: "Write the body" },
    ]);
    // a JSON body with no Liquid that is not JSON can only be wrong: refused
    expect((await rejection(saveTemplate(editor, hook.id, { content: { body: '{"a": 1,}' } }))).fields).toEqual([
      {
        path: "content.body",
        message: expect.stringMatching(/^is not JSON \(.+\); choose the form or text content type for other bodies$/),
      },
    ]);
    expect(
      (await rejection(saveTemplate(editor, hook.id, { content: { body: "{% render 'crm-user' %}" } }))).fields,
    ).toEqual([{ path: "content.body", message: "uses the partial 'crm-user', which does not exist" }]);
    expect(await versions(hook.id)).toBe(1);

    // with Liquid, what the sample renders is only a warning: quoting a value can break one person's JSON and not another's
    const warned = await saveTemplate(editor, hook.id, {
      content: { body: '{"name": {{ profile.traits.nickname }}}' },
    });
    expect(warned).toMatchObject({
      currentVersion: 2,
      warnings: [
        {
          path: "content.body",
          message: expect.stringMatching(/^renders to something that is not JSON for the sample profile \(/),
        },
      ],
    });
    // form and text bodies are not JSON, and partials render in them
    await createTemplate(editor, {
      name: "crm-user",
      channel: "partial",
      content: { body: "user={{ profile.userId | url_encode }}" },
    });
    expect(
      await saveTemplate(editor, hook.id, {
        content: {
          contentType: "form",
          body: "{% render 'crm-user', profile: profile %}&plan={{ profile.traits.plan }}",
        },
      }),
    ).toMatchObject({ currentVersion: 3, warnings: [] });

    // the preview renders with a webhook's scope (profile.id, enrollment.id), pretty-prints JSON and says when it isn't
    const preview = await previewTemplate(editor, {
      channel: "webhook",
      content: {
        contentType: "json",
        body: '{"id":"{{ profile.id }}","enrollment":"{{ enrollment.id }}","tags":{{ profile.traits.tags | json }}}',
        headers: { "X-Plan": "{{ profile.traits.plan }}" },
      },
    });
    expect(preview).toMatchObject({
      // not JSON: shown as rendered
      fields: {
        body: '{"id":"sample-profile","enrollment":"sample-enrollment","tags":}',
        "headers.X-Plan": "pro",
        contentType: "application/json",
      },
      missingVariables: ["profile.traits.tags"],
      errors: [],
      warnings: [
        { path: "content.body", message: expect.stringMatching(/^This renders to something that is not JSON/) },
      ],
    });
    const valid = await previewTemplate(editor, {
      channel: "webhook",
      content: { body: '{"plan":{{ profile.traits.plan | json }},"at":"{{ event.timestamp }}"}' },
    });
    expect(valid).toMatchObject({
      fields: { body: '{\n  "plan": "pro",\n  "at": "2026-01-15T09:30:00.000Z"\n}', contentType: "application/json" },
      warnings: [],
    });
    const form = await previewTemplate(editor, {
      channel: "webhook",
      content: { contentType: "form", body: "{% render 'crm-user', profile: profile %}" },
    });
    expect(form).toMatchObject({
      fields: { body: "user=sample-user", contentType: "application/x-www-form-urlencoded" },
      warnings: [],
    });
  });
});
