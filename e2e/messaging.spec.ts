import { expect, test } from "@playwright/test";
import { createFullKey, OWNER, screenshot, signIn, workspaceSlugOf } from "./helpers";

// Unique per run, so the spec never depends on what earlier runs or specs sent.
const run = Date.now().toString(36);
const LIN = { userId: `lin-${run}`, email: `lin.${run}@example.com` };
const TEMPLATE = `Weekly picks ${run}`;
const at = (x: number, y: number) => ({ x, y });

test("a template is previewed and sent as a test to the Outbox; a journey's email is delivered there, and unsubscribing from its link suppresses the next one", async ({
  page,
}) => {
  await signIn(page, OWNER.email, OWNER.password);
  const slug = workspaceSlugOf(page);
  const key = await createFullKey(page, slug, `Messaging e2e ${run}`);
  const api = (path: string, data?: unknown) =>
    page.request.post(path, { headers: { Authorization: `Bearer ${key}` }, data });
  expect(
    (
      await api("/api/v1/batch", {
        batch: [{ type: "identify", userId: LIN.userId, traits: { email: LIN.email, first_name: "Lin" } }],
      })
    ).status(),
  ).toBe(200);

  // Write the template with a live preview, save it, and send a test to myself.
  await page.goto(`/w/${slug}/templates`);
  await page.getByRole("button", { name: "New template" }).click();
  const dialog = page.getByRole("dialog", { name: "New template" });
  await dialog.getByLabel("Template name").fill(TEMPLATE);
  await dialog.getByLabel("Channel").selectOption("email");
  // written in code (a new email is visual unless one chooses code)
  await dialog.getByLabel(/^Code \(HTML\)/).check();
  await page.getByRole("button", { name: "Create and open" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/templates/[0-9a-f-]{36}$`));
  const templateId = page.url().split("/").pop()!;
  await page.getByLabel("Subject").fill("This week for {{ profile.traits.first_name }}");
  await page
    .getByLabel("HTML body")
    .fill(
      '<h1>Picks for {{ profile.traits.first_name }}</h1><p><a href="https://shop.example/picks">See the picks</a></p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>',
    );
  await expect(page.getByTestId("preview-subject")).toHaveText("This week for Ada");
  await page.getByLabel("Find a profile to preview for").fill(LIN.email);
  await page
    .getByRole("list", { name: "Matching profiles" })
    .getByRole("button", { name: new RegExp(LIN.email.replace(/\./g, "\\.")) })
    .click();
  await expect(page.getByTestId("preview-subject")).toHaveText("This week for Lin");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("save-status")).toHaveText("v1 saved");
  await page.getByRole("button", { name: "Send a test to me" }).click();
  await expect(page.getByTestId("test-send").getByRole("status")).toContainText(`Test sent to ${OWNER.email}`);
  await screenshot(page, "messaging-test-send");

  await page.getByRole("link", { name: "Open the Outbox" }).click();
  await expect(page.getByRole("heading", { name: "Outbox", level: 1 })).toBeVisible();
  const testRow = page.getByTestId("outbox-row").filter({ hasText: "[Test] This week for Lin" });
  await expect(testRow).toHaveCount(1);
  await expect(testRow).toContainText(OWNER.email);
  await testRow.getByRole("link").click();
  await expect(
    page.frameLocator('[data-testid="outbox-html"]').getByRole("heading", { name: "Picks for Lin" }),
  ).toBeVisible();
  await page.getByRole("tab", { name: "Headers" }).click();
  await expect(page.getByRole("rowheader", { name: "x-cairn-test" })).toBeVisible();
  await screenshot(page, "messaging-outbox-test");

  // A live journey sends it to Lin when she signs up; it lands in the Outbox with one-click unsubscribe headers.
  const graph = {
    nodes: [
      {
        id: "trigger",
        type: "trigger.event",
        position: at(0, 0),
        label: "Signed up",
        config: { eventName: `signed_up_${run}`, filters: [] },
      },
      { id: "picks", type: "action.email", position: at(0, 180), label: "Weekly picks", config: { templateId } },
      { id: "done", type: "exit", position: at(0, 360), label: "Done", config: {} },
    ],
    edges: [
      { id: "e1", source: "trigger", target: "picks" },
      { id: "e2", source: "picks", target: "done" },
    ],
    settings: { reentry: { mode: "always" } },
  };
  const created = await api("/api/v1/journeys", { name: `Picks ${run}`, graph });
  expect(created.status(), await created.text()).toBe(201);
  const journeyId = (await created.json()).id as string;
  expect((await api(`/api/v1/journeys/${journeyId}/publish`)).status()).toBe(200);
  expect((await api("/api/v1/track", { userId: LIN.userId, event: `signed_up_${run}` })).status()).toBe(200);

  const rows = page.getByTestId("message-row");
  await expect(async () => {
    await page.goto(`/w/${slug}/messages?person=${LIN.userId}`);
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText("delivered", { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await rows.first().getByRole("link", { name: "delivered" }).click();
  await expect(page.getByRole("heading", { name: `Email to ${LIN.userId}` })).toBeVisible();
  await expect(page.getByTestId("timeline-event")).toHaveText([/Queued by the journey/, /Sent/, /Delivered/]);
  await screenshot(page, "messaging-message-page");

  // The canvas counts the send.
  await page.goto(`/w/${slug}/journeys/${journeyId}`);
  await expect(page.getByTestId("node-Weekly picks").getByTestId("message-stats")).toHaveAttribute(
    "aria-label",
    /^1 sent, 1 delivered, 0 opened, 0 clicked/,
    { timeout: 20_000 },
  );

  // In the Outbox: her mail, with the List-Unsubscribe headers; she follows its unsubscribe link.
  await page.goto(`/w/${slug}/outbox?q=${encodeURIComponent(LIN.email)}`);
  await page.getByTestId("outbox-row").filter({ hasText: "This week for Lin" }).getByRole("link").click();
  await page.getByRole("tab", { name: "Headers" }).click();
  await expect(page.getByRole("rowheader", { name: "list-unsubscribe-post" })).toBeVisible();
  const links = page.getByTestId("outbox-links").getByRole("link");
  await expect(links).toHaveText(["See the picks", "Unsubscribe"]);
  await expect(page.getByTestId("outbox-links")).toContainText("→ https://shop.example/picks");
  const unsubscribeHref = (await links.nth(1).getAttribute("href"))!;
  await screenshot(page, "messaging-outbox-mail");

  await page.goto(unsubscribeHref);
  await expect(page.getByRole("heading", { name: "Unsubscribe?" })).toBeVisible();
  await expect(page.getByText(LIN.email)).toBeVisible();
  await page.getByRole("button", { name: "Unsubscribe" }).click();
  await expect(page.getByRole("heading", { name: "You are unsubscribed" })).toBeVisible();
  await screenshot(page, "messaging-unsubscribed");
  await page.getByRole("link", { name: "Manage all your preferences" }).click();
  await expect(page.getByLabel("Email")).not.toBeChecked();

  // The next message to her is suppressed, with the reason.
  expect((await api("/api/v1/track", { userId: LIN.userId, event: `signed_up_${run}` })).status()).toBe(200);
  await expect(async () => {
    await page.goto(`/w/${slug}/messages?person=${LIN.userId}`);
    await expect(rows).toHaveCount(2);
    await expect(rows.first()).toContainText("suppressed", { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(rows.first()).toContainText("Unsubscribed from emails");
  await screenshot(page, "messaging-suppressed");
});
