/**
 * A person's page, from the database to HTML: the engine records "Queued email message (template <uuid>)" and
 * ISO times; the path shows the template's name and the version sent, and formatted times.
 */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { workspaceContextForApiKey } from "@/lib/api-keys/api-keys";
import { db } from "@/lib/db/client";
import { profileJourneys } from "@/lib/engine/read-model";
import { createTemplate } from "@/lib/messaging/templates/create-template";
import { pathTemplates } from "@/lib/profiles/path-templates";
import { EngineDriver, publishGraph } from "@/lib/testing/engine-driver";
import { ingestFixture } from "@/lib/testing/ingest-helpers";
import { ProfileJourneys } from "./profile-journeys";

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const visibleText = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, " ");

describe("a person's path on their page", () => {
  it("names the template and the version sent, writes times formatted, and shows no UUID or ISO time", async () => {
    const ctx = await workspaceContextForApiKey((await ingestFixture("FULL")).key);
    const template = await createTemplate(ctx, {
      name: "Hello email",
      channel: "email",
      content: { subject: "Hi", html: "<p>Hi</p>" },
    });
    const other = await workspaceContextForApiKey((await ingestFixture("FULL")).key);
    const foreign = await createTemplate(other, { name: "Someone else's", channel: "sms", content: { body: "Hi" } });
    await publishGraph(ctx, {
      nodes: [
        { id: "t", type: "trigger.event", position: { x: 0, y: 0 }, config: { eventName: "signed_up", filters: [] } },
        { id: "mail", type: "action.email", position: { x: 0, y: 100 }, config: { templateId: template.id } },
        // another workspace's template id: its name must not leak here
        { id: "sms", type: "action.sms", position: { x: 0, y: 200 }, config: { templateId: foreign.id } },
        {
          id: "wait",
          type: "delay.duration",
          label: "Two days",
          position: { x: 0, y: 300 },
          config: { duration: { amount: 2, unit: "days" } },
        },
        { id: "end", type: "exit", position: { x: 0, y: 400 }, config: {} },
      ],
      edges: [
        { id: "e1", source: "t", target: "mail" },
        { id: "e2", source: "mail", target: "sms" },
        { id: "e3", source: "sms", target: "wait" },
        { id: "e4", source: "wait", target: "end" },
      ],
    });
    const engine = new EngineDriver(ctx, new Date("2026-05-01T08:00:00Z"));
    await engine.send([{ type: "identify", userId: "ada", traits: { email: "ada@example.com", phone: "+15550100" } }]);
    await engine.track("ada", "signed_up");
    const profile = await db().profile.findFirstOrThrow({ where: { workspaceId: ctx.workspace.id, userId: "ada" } });
    // delivery records the version it rendered (lib/messaging/delivery.ts); stand in for it
    await db().message.updateMany({
      where: { workspaceId: ctx.workspace.id, templateId: template.id },
      data: { templateVersion: 1 },
    });

    const enrollments = await profileJourneys(ctx, profile.id);
    const outcomes = enrollments[0].steps.map((s) => s.outcome).join(" | ");
    expect(outcomes).toContain(template.id); // what the engine records…
    expect(outcomes).toMatch(ISO);

    const templates = await pathTemplates(ctx, enrollments);
    expect(templates.names).toEqual({ [template.id]: "Hello email" });
    const html = renderToStaticMarkup(createElement(ProfileJourneys, { slug: "acme", enrollments, templates }));
    const text = visibleText(html);
    // …and what the page shows
    expect(text).toContain("Queued email message (template “Hello email” v1)");
    expect(text).toContain("Queued sms message (a deleted template)");
    expect(text).toContain("Waiting 2 days, until 3 May 2026, 08:00 (UTC)");
    expect(text).not.toMatch(UUID);
    expect(text).not.toMatch(ISO);
    expect(text).not.toContain("Someone else's");
  });
});
