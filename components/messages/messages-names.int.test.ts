/**
 * The Messages list names each message's step by its label (or its type) and its template by name: no node id
 * and no template UUID shows in the page's text.
 */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { workspaceContextForApiKey } from "@/lib/api-keys/api-keys";
import { db } from "@/lib/db/client";
import { getMessage, listMessages } from "@/lib/messaging/messages";
import { createTemplate } from "@/lib/messaging/templates/create-template";
import { EngineDriver, publishGraph } from "@/lib/testing/engine-driver";
import { ingestFixture } from "@/lib/testing/ingest-helpers";
import { MessagesTable } from "./messages-table";
import { stepName, templateName } from "./names";

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const visibleText = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

describe("the Messages list", () => {
  it("shows the step's label and the journey's name, never the step's node id or a template's id", async () => {
    const ctx = await workspaceContextForApiKey((await ingestFixture("FULL")).key);
    const template = await createTemplate(ctx, {
      name: "Hello email",
      channel: "email",
      content: { subject: "Hi", html: "<p>Hi</p>" },
    });
    const { journeyId } = await publishGraph(ctx, {
      nodes: [
        { id: "t", type: "trigger.event", position: { x: 0, y: 0 }, config: { eventName: "signed_up", filters: [] } },
        {
          id: "n_4f2c",
          type: "action.email",
          label: "Say hello",
          position: { x: 0, y: 100 },
          config: { templateId: template.id },
        },
        {
          id: "n_9a1b",
          type: "action.sms",
          position: { x: 0, y: 200 },
          config: { templateId: "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6" },
        },
      ],
      edges: [
        { id: "e1", source: "t", target: "n_4f2c" },
        { id: "e2", source: "n_4f2c", target: "n_9a1b" },
      ],
    });
    await db().journey.update({ where: { id: journeyId }, data: { name: "Onboarding" } });
    const engine = new EngineDriver(ctx, new Date("2026-05-01T08:00:00Z"));
    await engine.send([{ type: "identify", userId: "ada", traits: { email: "ada@example.com" } }]);
    await engine.track("ada", "signed_up");

    const { messages } = await listMessages(ctx);
    expect(messages.map((m) => [m.nodeLabel, m.nodeType]).sort()).toEqual([
      [null, "action.sms"],
      ["Say hello", "action.email"],
    ]);
    const html = renderToStaticMarkup(createElement(MessagesTable, { slug: "acme", messages }));
    const text = visibleText(html);
    expect(text).toContain("Onboarding · Say hello");
    expect(text).toContain("Onboarding · SMS step");
    expect(text).toContain("Hello email");
    expect(text).toContain("a deleted template");
    expect(text).not.toContain("n_4f2c");
    expect(text).not.toContain("n_9a1b");
    expect(text).not.toMatch(UUID);
    expect(text).not.toMatch(ISO);
    // hover titles too: no template id there either
    expect(html).not.toContain(template.id);

    const detail = await getMessage(ctx, messages.find((m) => m.nodeLabel === "Say hello")!.id);
    expect(stepName(detail)).toBe("Say hello");
    expect(templateName({ templateName: detail.templateName, templateVersion: 1 })).toBe("Hello email (v1)");
  });
});
