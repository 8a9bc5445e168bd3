import { expect, test } from "@playwright/test";
import { createFullKey, OWNER, screenshot, signIn, workspaceSlugOf } from "./helpers";

// Unique per run, so the spec never depends on what earlier runs or specs made.
const run = Date.now().toString(36);
const KIM = { userId: `kim-${run}`, email: `kim.${run}@example.com` };
const TOPIC = `Order updates ${run}`;

test("a topic created in Settings is sent with, listed on the message's preference page, and left there", async ({
  page,
}) => {
  await signIn(page, OWNER.email, OWNER.password);
  const slug = workspaceSlugOf(page);
  const key = await createFullKey(page, slug, `Topics e2e ${run}`);
  const api = (path: string, data: unknown) =>
    page.request.post(path, { headers: { Authorization: `Bearer ${key}` }, data });
  expect(
    (
      await api("/api/v1/batch", { batch: [{ type: "identify", userId: KIM.userId, traits: { email: KIM.email } }] })
    ).status(),
  ).toBe(200);

  // Settings → Topics: a transactional topic; its key is suggested from the name.
  await page.goto(`/w/${slug}/settings/topics`);
  await page.getByRole("button", { name: "New topic" }).click();
  const dialog = page.getByRole("dialog", { name: "New subscription topic" });
  await dialog.getByLabel("Name", { exact: true }).fill(TOPIC);
  await expect(dialog.getByTestId("topic-key")).toHaveValue(`order-updates-${run}`);
  await dialog.getByLabel("Category").selectOption("transactional");
  await dialog.getByRole("button", { name: "Create topic" }).click();
  await expect(page.getByTestId("topics-table")).toContainText(TOPIC);
  await screenshot(page, "topics-settings");

  // A transactional email of the topic, delivered to the Outbox with its preferences link.
  const sent = await api("/api/v1/send", {
    channel: "email",
    content: { subject: `Shipped ${run}`, html: '<p>Shipped. <a href="{{ preferences_url }}">Preferences</a></p>' },
    to: { userId: KIM.userId },
    topic: `order-updates-${run}`,
  });
  expect(sent.status()).toBe(202);
  await expect(async () => {
    await page.goto(`/w/${slug}/outbox?q=${encodeURIComponent(KIM.email)}`);
    await expect(page.getByTestId("outbox-row").filter({ hasText: `Shipped ${run}` })).toHaveCount(1);
  }).toPass({ timeout: 30_000 });
  await page
    .getByTestId("outbox-row")
    .filter({ hasText: `Shipped ${run}` })
    .getByRole("link")
    .click();
  const preferencesHref = (await page
    .getByTestId("outbox-links")
    .getByRole("link", { name: "Preferences" })
    .getAttribute("href"))!;

  // The preference page lists the topic, ticked (opt-out); unticking it and saving leaves it.
  await page.goto(preferencesHref);
  const box = page.getByLabel(TOPIC);
  await expect(box).toBeChecked();
  await box.uncheck();
  await page.getByRole("button", { name: "Save preferences" }).click();
  await expect(page.getByRole("status")).toHaveText("Saved.");
  await expect(page.getByLabel(TOPIC)).not.toBeChecked();
  await expect(page.getByLabel("Email")).toBeChecked();
  await screenshot(page, "topics-preferences");
});
