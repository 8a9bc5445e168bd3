import { expect, test } from "@playwright/test";
import {
  type OpenAiCompatibleServer,
  type ReceivedRequest,
  type ScriptedAnswer,
  chat,
  startOpenAiCompatibleServer,
} from "../lib/testing/openai-compatible-server";
import { createFullKey, OWNER, screenshot, signIn, workspaceSlugOf } from "./helpers";

/**
 * (Named so that it runs after api-keys.spec.ts, which sees the shared workspace before any spec made a key.)
 *
 * AI drafts with human approval (#20), end to end: a local OpenAI-compatible server started by the spec (on
 * 127.0.0.1, which the e2e server's CAIRN_OUTBOUND_ALLOW permits) is connected in Settings → AI; the editor drafts
 * copy (a banned phrase highlighted), uses a draft and saves, sees the approval gate, creates A/B variants; a
 * journey using a variant is refused until the variant is approved, and publishes after.
 */

const run = Date.now().toString(36);
let llm: OpenAiCompatibleServer;

/** The model's answers, by what Cairn asked (the spec does not depend on the order of calls). */
function answer(request: ReceivedRequest): ScriptedAnswer {
  const asked = request.body?.messages?.at(-1)?.content ?? "";
  if (asked.includes("Reply with the word OK")) return chat("OK", { prompt_tokens: 12, completion_tokens: 1 });
  if (asked.includes("Rewrite")) return chat({ text: "Spring shoes, just in" });
  return chat({
    drafts: [
      {
        subject: 'Guaranteed comfort, {{ profile.traits.first_name | default: "friend" }}',
        preheader: "New running shoes",
        body: "<p>Our spring running shoes are here.</p>",
      },
      {
        subject: 'Spring is in the air, {{ profile.traits.first_name | default: "friend" }}',
        preheader: "Free returns for 60 days",
        body: "<p>Light, quick, ready for spring.</p>",
      },
    ],
  });
}

test.beforeAll(async () => {
  llm = await startOpenAiCompatibleServer({ apiKey: `sk-e2e-${run}`, models: ["e2e-model"] });
  llm.fallback = answer;
});
test.afterAll(async () => {
  await llm?.close();
});

test("an owner connects an AI provider, drafts copy with banned phrases flagged, sees the approval gate, approves and publishes", async ({
  page,
}) => {
  await signIn(page, OWNER.email, OWNER.password);
  const slug = workspaceSlugOf(page);
  const key = await createFullKey(page, slug, `AI e2e ${run}`);
  const api = (path: string, data: unknown) =>
    page.request.post(path, { headers: { Authorization: `Bearer ${key}` }, data });

  // Settings → AI: connect, test, and ban a claim
  await page.goto(`/w/${slug}/settings/ai`);
  await page.getByLabel("Base URL").fill(llm.baseUrl);
  await page.getByLabel("Model").fill("e2e-model");
  await page.getByLabel("API key").fill(llm.apiKey);
  await page.getByRole("button", { name: /^(Connect|Save)$/ }).click();
  await expect(page.getByTestId("ai-provider-status")).toHaveText("Saved.");
  await expect(page.getByLabel("API key")).toHaveAttribute("placeholder", new RegExp(llm.apiKey.slice(-4)));
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByTestId("ai-provider-status")).toContainText("Connected: e2e-model answered “OK”");
  await page.getByRole("button", { name: "Add a phrase" }).click();
  await page.getByLabel("Banned phrase 1", { exact: true }).fill("guaranteed");
  await page.getByLabel("Why phrase 1 is banned").fill("legal: no guarantees");
  await page.getByRole("button", { name: "Save brand settings" }).click();
  await expect(page.getByText("Saved.").first()).toBeVisible();
  await screenshot(page, "ai-settings");

  // A template with a live v1, made through the API
  const created = await api("/api/v1/templates", {
    name: `Spring shoes ${run}`,
    channel: "email",
    content: { subject: "Spring shoes are here", html: "<p>See the new collection.</p>" },
  });
  expect(created.status(), await created.text()).toBe(201);
  const templateId = (await created.json()).id as string;

  // Drafts in the editor: the banned claim is highlighted, not dropped
  await page.goto(`/w/${slug}/templates/${templateId}`);
  await page.getByRole("button", { name: /AI drafts/ }).click();
  await page.getByLabel("Goal").fill("Launch the spring running shoes");
  await page.getByLabel("Tone").fill("warm");
  await page.getByRole("button", { name: "Draft", exact: true }).click();
  const drafts = page.getByTestId("ai-drafts").getByRole("listitem");
  await expect(drafts).toHaveCount(2);
  await expect(drafts.nth(0).getByTestId("banned-hit")).toHaveText("Guaranteed");
  await expect(drafts.nth(0)).toContainText("legal: no guarantees");
  await screenshot(page, "ai-drafts");

  // Use the second draft's subject, save: the version waits for approval
  await drafts.nth(1).getByTestId("draft-field-subject").getByRole("button", { name: "Use" }).click();
  await expect(page.getByRole("textbox", { name: "Subject", exact: true })).toHaveValue(
    'Spring is in the air, {{ profile.traits.first_name | default: "friend" }}',
  );
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByTestId("save-status")).toContainText("v2 saved");
  const gate = page.getByTestId("approval-panel");
  await expect(gate).toContainText("v2 awaits approval by admin or higher");
  await expect(gate).toContainText("AI-drafted");
  await expect(gate.getByTestId("approval-changes")).toContainText("subject");
  await screenshot(page, "ai-approval-gate");

  // Variants for an A/B split: sibling templates, each awaiting approval
  await page.getByLabel("How many").selectOption("2");
  await page.getByRole("button", { name: /Variants for an A\/B split/ }).click();
  const variants = page.getByTestId("ai-variants");
  await expect(variants).toContainText(`Spring shoes ${run} — variant B`);
  await expect(variants).toContainText(`Spring shoes ${run} — variant C`);
  // variant B took the first draft, whose "Guaranteed" every publish refuses (approval does not lift a banned
  // phrase); the journey sends variant C
  const variantHref = await variants
    .getByRole("link", { name: `Spring shoes ${run} — variant C` })
    .getAttribute("href");
  const variantId = variantHref!.split("/").at(-1)!;

  // Approve the template's v2 in the editor
  await gate.getByRole("button", { name: "Approve v2" }).click();
  await expect(page.getByTestId("approval-status")).toContainText("v2 approved");

  // A journey sending variant C is refused while C waits; approved, it publishes
  const graph = {
    nodes: [
      {
        id: "trigger",
        type: "trigger.event",
        position: { x: 0, y: 0 },
        config: { eventName: `viewed_shoes_${run}`, filters: [] },
      },
      { id: "send", type: "action.email", position: { x: 0, y: 160 }, config: { templateId: variantId } },
      { id: "end", type: "exit", position: { x: 0, y: 320 }, config: {} },
    ],
    edges: [
      { id: "e1", source: "trigger", target: "send" },
      { id: "e2", source: "send", target: "end" },
    ],
  };
  const journey = await api("/api/v1/journeys", { name: `Shoe viewers ${run}`, graph });
  expect(journey.status(), await journey.text()).toBe(201);
  const journeyId = (await journey.json()).id as string;
  const refused = await api(`/api/v1/journeys/${journeyId}/publish`, {});
  expect(refused.status()).toBe(422);
  expect((await refused.json()).error.fields).toEqual([
    {
      path: "nodes.send.config.templateId",
      message: `the template "Spring shoes ${run} — variant C" has no approved version to send: its changes await approval by admin or higher`,
    },
  ]);

  await page.goto(`/w/${slug}/templates/${variantId}`);
  await expect(page.getByTestId("approval-panel")).toContainText(
    "Nothing of this template can be sent until it is approved",
  );
  await page.getByRole("button", { name: "Approve v1" }).click();
  await expect(page.getByTestId("approval-status")).toContainText("v1 approved");
  const published = await api(`/api/v1/journeys/${journeyId}/publish`, {});
  expect(published.status(), await published.text()).toBe(200);

  // the provider saw the brand's banned phrases and never the key in a body
  const prompts = llm.requests.filter((r) => r.body?.messages?.[0]?.role === "system");
  expect(prompts.length).toBeGreaterThan(0);
  expect(prompts[0].body!.messages![0].content).toContain('"guaranteed" (legal: no guarantees)');
  expect(JSON.stringify(llm.requests.map((r) => r.body))).not.toContain(llm.apiKey);
});
