import { describe, expect, it } from "vitest";
import { db } from "../../db/client";
import { deliverMessage } from "../../messaging/delivery";
import { previewTemplate } from "../../messaging/templates/preview-template";
import { getTemplate } from "../../messaging/templates/read-templates";
import { saveTemplate } from "../../messaging/templates/save-template";
import { withEmbeddedOutbox } from "../../testing/embedded-outbox";
import { DEFAULT_CONTENT, messageRow, queueFor, setup } from "../../testing/messaging-fixtures";
import { forgetWorkspaceLocales } from "./workspace-locales";
import { sourceHash } from "./translations";
import { rejection } from "../../testing/rejection";

withEmbeddedOutbox();

const EMAIL = DEFAULT_CONTENT.email;
const GERMAN = {
  de: {
    fields: {
      subject: "Willkommen, {{ profile.traits.first_name }}",
      html: "<p>Hallo {{ profile.traits.first_name }}</p>",
    },
    sourceHash: sourceHash("email", EMAIL),
    updatedAt: "2026-01-01T00:00:00.000Z",
  },
};

describe("sending in the person's language", () => {
  it("delivery renders the translation the person's locale falls back to, and stores which one and why", async () => {
    const s = await setup({ ...EMAIL, translations: GERMAN });
    await db().workspace.update({ where: { id: s.ctx.workspace.id }, data: { contentLocales: ["de"] } });
    forgetWorkspaceLocales(s.ctx.workspace.id);

    const austrian = await queueFor(s, "ada", { email: "ada@example.com", first_name: "Ada", locale: "de_AT" });
    expect(await deliverMessage(austrian, s.driver.clock)).toMatchObject({ outcome: "sent" });
    const sent = (await messageRow(austrian)).content as Record<string, unknown>;
    expect(sent.subject).toBe("Willkommen, Ada");
    expect(sent.html).toContain("Hallo Ada");
    // the text part is derived from the German HTML, not the English one
    expect(sent.text).toContain("Hallo Ada");
    expect(sent.renderTrace).toEqual({
      locale: { used: "de", requested: "de-AT", source: "trait", chain: ["de-AT", "de", "en"] },
    });

    const french = await queueFor(s, "bob", { email: "bob@example.com", first_name: "Bob", locale: "fr" });
    await deliverMessage(french, s.driver.clock);
    const frenchSent = (await messageRow(french)).content as Record<string, unknown>;
    expect(frenchSent.subject).toBe("Welcome, Bob");
    expect(frenchSent.renderTrace).toMatchObject({ locale: { used: "en", chain: ["fr", "en"] } });

    // garbage in the locale trait: the default, and the trait is named in the trace
    const odd = await queueFor(s, "cy", { email: "cy@example.com", first_name: "Cy", locale: "??" });
    await deliverMessage(odd, s.driver.clock);
    const oddSent = (await messageRow(odd)).content as Record<string, unknown>;
    expect(oddSent.subject).toBe("Welcome, Cy");
    expect(oddSent.renderTrace).toMatchObject({ locale: { used: "en", source: "none", ignored: "??" } });
  });

  it("a person without a locale trait gets the language of the triggering event's context.locale", async () => {
    const s = await setup({ ...EMAIL, translations: GERMAN });
    await s.driver.send([{ type: "identify", userId: "eva", traits: { email: "eva@example.com", first_name: "Eva" } }]);
    const before = s.driver.messages.length;
    await s.driver.send([
      { type: "track", userId: "eva", event: "signed_up", properties: {}, context: { locale: "de-CH" } },
    ]);
    expect(s.driver.messages.length).toBe(before + 1);
    const id = s.driver.messages[s.driver.messages.length - 1];
    await deliverMessage(id, s.driver.clock);
    const sent = (await messageRow(id)).content as Record<string, unknown>;
    expect(sent.subject).toBe("Willkommen, Eva");
    expect(sent.renderTrace).toMatchObject({ locale: { used: "de", requested: "de-CH", source: "event" } });
  });

  it("a template without translations sends as before and stores no trace", async () => {
    const s = await setup();
    const id = await queueFor(s, "ada", { email: "ada@example.com", first_name: "Ada", locale: "de" });
    await deliverMessage(id, s.driver.clock);
    const sent = (await messageRow(id)).content as Record<string, unknown>;
    expect(sent.subject).toBe("Welcome, Ada");
    expect(sent.renderTrace).toBeUndefined();
  });

  it("the workspace default ends the chain: a default of de sends the template's own fields to German speakers", async () => {
    const s = await setup({ ...EMAIL, translations: GERMAN });
    await db().workspace.update({ where: { id: s.ctx.workspace.id }, data: { defaultLocale: "de" } });
    forgetWorkspaceLocales(s.ctx.workspace.id);
    const id = await queueFor(s, "ada", { email: "ada@example.com", first_name: "Ada", locale: "de" });
    await deliverMessage(id, s.driver.clock);
    const sent = (await messageRow(id)).content as Record<string, unknown>;
    expect(sent.subject).toBe("Welcome, Ada");
    expect(sent.renderTrace).toMatchObject({ locale: { used: "de", chain: ["de"] } });
  });
});

describe("translations in the editor's save and preview", () => {
  it("previews in a chosen locale, or the profile's; a bad locale is a 422 naming it", async () => {
    const s = await setup();
    const content = { ...EMAIL, translations: GERMAN };
    const german = await previewTemplate(s.owner, { channel: "email", content, locale: "de" });
    expect(german.fields.subject).toBe("Willkommen, Ada");
    expect(german.trace?.locale).toMatchObject({ used: "de" });
    const english = await previewTemplate(s.owner, { channel: "email", content });
    expect(english.fields.subject).toBe("Welcome, Ada");
    const bad = await rejection(previewTemplate(s.owner, { channel: "email", content, locale: "!!" }));
    expect(bad.fields).toEqual([{ path: "locale", message: expect.stringMatching(/language tag/) }]);
  });

  it("a save with a broken translation is refused naming the locale and field, and stores nothing", async () => {
    const s = await setup();
    const before = await getTemplate(s.owner, s.templateId);
    const error = await rejection(
      saveTemplate(s.owner, s.templateId, {
        content: {
          ...EMAIL,
          translations: {
            de: { fields: { subject: "Hallo {{ profile.traits.first_name" }, sourceHash: "", updatedAt: "" },
            "not-a-locale!": { fields: {}, sourceHash: "", updatedAt: "" },
          },
        },
      }),
    );
    expect(error.code).toBe("validation");
    expect(error.fields.map((f) => f.path)).toEqual([
      "content.translations.de.subject",
      "content.translations.not-a-locale!",
    ]);
    expect((await getTemplate(s.owner, s.templateId)).currentVersion).toBe(before.currentVersion);

    // a valid one is stored canonical, in the same version as the default fields
    await saveTemplate(s.owner, s.templateId, {
      content: { ...EMAIL, translations: { de_de: { fields: { subject: "Hallo" }, sourceHash: "h", updatedAt: "" } } },
    });
    const saved = await getTemplate(s.owner, s.templateId);
    expect(saved.currentVersion).toBe(before.currentVersion + 1);
    expect((saved.content as unknown as { translations: object }).translations).toEqual({
      "de-DE": { fields: { subject: "Hallo" }, sourceHash: "h", updatedAt: "" },
    });
  });
});

describe("POST /api/v1/send with a locale", () => {
  it("sends an address of no profile in the request's language, a person's own locale trait winning; a bad tag is a 422 storing nothing", async () => {
    const { POST: sendRoute } = await import("@/app/api/v1/send/route");
    const { callRoute } = await import("../../testing/call-route");
    const s = await setup({ ...EMAIL, translations: GERMAN });
    const send = (body: Record<string, unknown>) =>
      callRoute(sendRoute, {
        method: "POST",
        path: "/api/v1/send",
        headers: { authorization: `Bearer ${s.fixture.key}` },
        body: { templateId: s.templateId, ...body },
      });

    const stranger = await send({ to: { email: "new@example.com" }, locale: "de_AT" });
    expect(stranger.status).toBe(202);
    const strangerId = (stranger.body as { id: string }).id;
    expect(await deliverMessage(strangerId, s.driver.clock)).toMatchObject({ outcome: "sent" });
    const strangerSent = (await messageRow(strangerId)).content as Record<string, unknown>;
    expect(strangerSent.subject).toBe("Willkommen, ");
    expect(strangerSent.renderTrace).toMatchObject({ locale: { used: "de", requested: "de-AT", source: "event" } });

    // the person said French in their profile: their own choice wins over the request's
    await s.driver.send([{ type: "identify", userId: "fr", traits: { email: "fr@example.com", locale: "fr" } }]);
    const known = await send({ to: { userId: "fr" }, locale: "de" });
    const knownId = (known.body as { id: string }).id;
    await deliverMessage(knownId, s.driver.clock);
    expect(((await messageRow(knownId)).content as Record<string, unknown>).subject).toBe("Welcome, ");

    const before = await db().message.count({ where: { workspaceId: s.ctx.workspace.id } });
    const refused = await send({ to: { email: "x@example.com" }, locale: "not a locale!" });
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body)).toContain("locale");
    expect(await db().message.count({ where: { workspaceId: s.ctx.workspace.id } })).toBe(before);
  });
});
