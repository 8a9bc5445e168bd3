import { expect, test } from "@playwright/test";
import { createFullKey, OWNER, signIn, workspaceSlugOf } from "./helpers";

// Unique per run, so the spec never depends on what earlier runs or specs sent.
const run = Date.now().toString(36);
const BROADCAST = `Winter sale ${run}`;
const SEGMENT = `Winter list ${run}`;
const PEOPLE = ["ana", "ben", "cai"].map((n) => ({
  userId: `${n}-broadcast-${run}`,
  email: `${n}.broadcast.${run}@example.com`,
  first_name: n[0].toUpperCase() + n.slice(1),
}));
const TESTER = `qa.${run}@example.com`;
const shot = (page: import("@playwright/test").Page, name: string) =>
  page.screenshot({ path: `/tmp/h4-${name}.png`, fullPage: true });

test("a marketer drafts a broadcast to a segment, sees its audience, previews it on a real person, sends a test to the Outbox, sends it, and sees it reach Sent with its counts", async ({
  page,
}) => {
  test.setTimeout(300_000);
  await signIn(page, OWNER.email, OWNER.password);
  const slug = workspaceSlugOf(page);
  const key = await createFullKey(page, slug, `Broadcasts e2e ${run}`);
  const auth = { Authorization: `Bearer ${key}` };

  // Three people with addresses in a manual segment, and an email template that greets them by name.
  const identified = await page.request.post("/api/v1/batch", {
    headers: auth,
    data: {
      batch: PEOPLE.map((p) => ({
        type: "identify",
        userId: p.userId,
        traits: { email: p.email, first_name: p.first_name },
      })),
    },
  });
  expect(identified.status(), await identified.text()).toBe(200);
  const segment = await page.request.post("/api/v1/segments", {
    headers: auth,
    data: { name: SEGMENT, kind: "manual" },
  });
  expect(segment.status(), await segment.text()).toBe(201);
  const segmentId = (await segment.json()).id as string;
  const members = await page.request.post(`/api/v1/segments/${segmentId}/members`, {
    headers: auth,
    data: { userIds: PEOPLE.map((p) => p.userId), mode: "replace" },
  });
  expect(members.status(), await members.text()).toBe(200);
  const template = await page.request.post("/api/v1/templates", {
    headers: auth,
    data: {
      name: `Winter sale email ${run}`,
      channel: "email",
      content: {
        subject: "Winter sale for {{ profile.traits.first_name }}",
        html: '<h1>Hello {{ profile.traits.first_name }}</h1><p><a href="https://shop.example/sale">Shop the sale</a></p>',
      },
    },
  });
  expect(template.status(), await template.text()).toBe(201);

  // The list, then a new draft: name, channel, template.
  await page.goto(`/w/${slug}/broadcasts`);
  await expect(page.getByRole("heading", { name: "Broadcasts", level: 1 })).toBeVisible();
  await shot(page, "list-before");
  await page
    .getByRole("link", { name: /New broadcast|Create your first broadcast/ })
    .first()
    .click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/broadcasts/new$`));
  // nothing chosen: the fields say what is missing, nothing is created
  await page.getByRole("button", { name: "Create draft" }).click();
  await expect(page.getByText("Name the broadcast")).toBeVisible();
  await expect(page.getByText("Choose a template", { exact: true })).toBeVisible();
  await page.getByLabel("Name").fill(BROADCAST);
  await page.getByLabel("Channel").selectOption("email");
  await page.getByLabel("Template").selectOption({ label: `Winter sale email ${run}` });
  await page.getByRole("button", { name: "Create draft" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/broadcasts/[0-9a-f-]{36}$`));
  const broadcastUrl = new URL(page.url()).pathname;

  // The audience: the segment, counted step by step.
  const review = page.getByTestId("review");
  await expect(review.getByTestId("estimate-in-segments")).toHaveText("0");
  await page.getByLabel("Send to").selectOption(segmentId);
  await expect(review.getByTestId("estimate-in-segments")).toHaveText("3");
  await expect(review.getByTestId("estimate-will-be-sent")).toHaveText("3");

  // A bad holdout is refused beside its field; a good one saves.
  await page.getByLabel("Holdout (%)").fill("ten");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("must be a whole number")).toBeVisible();
  await page.getByLabel("Holdout (%)").fill("60");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("at most 50% can be held out")).toBeVisible();
  await page.getByLabel("Holdout (%)").fill("0");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
  await shot(page, "editor");

  // Preview on a real person: Ben.
  await page.getByLabel("Find a profile to preview for").fill(PEOPLE[1].email);
  await page
    .getByRole("list", { name: "Matching profiles" })
    .getByRole("button", { name: new RegExp(PEOPLE[1].email.replace(/\./g, "\\.")) })
    .click();
  const preview = page.getByTestId("broadcast-preview");
  await expect(preview.getByTestId("preview-subject")).toHaveText("Winter sale for Ben");
  await expect(
    preview.frameLocator('[data-testid="preview-html"]').getByRole("heading", { name: "Hello Ben" }),
  ).toBeVisible();
  await preview.getByRole("button", { name: "Mobile" }).click();
  await expect(preview.getByRole("button", { name: "Mobile" })).toHaveAttribute("aria-pressed", "true");

  // A test send to a typed address lands in the Outbox, marked as a test.
  const testSend = page.getByTestId("test-send");
  await testSend.getByLabel(/^To/).fill(TESTER);
  await testSend.getByRole("button", { name: "Send test" }).click();
  await expect(testSend.getByRole("status")).toContainText(`sent to ${TESTER}`);
  await page.goto(`/w/${slug}/outbox`);
  const testRow = page.getByTestId("outbox-row").filter({ hasText: "Winter sale for Ben" }).filter({ hasText: TESTER });
  await expect(testRow).toHaveCount(1);

  // Send now: the confirmation says what will happen.
  await page.goto(broadcastUrl);
  await expect(review.getByTestId("estimate-will-be-sent")).toHaveText("3");
  await review.getByRole("button", { name: "Review and send" }).click();
  const dialog = page.getByRole("dialog", { name: "Send this broadcast?" });
  await expect(dialog.getByTestId("confirm-sentence")).toHaveText(`Send “${BROADCAST}” by email to 3 people now.`);
  await shot(page, "confirm");
  await dialog.getByRole("button", { name: "Send to 3 people" }).click();

  // It sends; the page follows it to Sent with exact counts.
  await expect(page.getByTestId("broadcast-status")).toHaveText("Sent", { timeout: 120_000 });
  await expect(page.getByTestId("count-sent")).toHaveText("3");
  await expect(page.getByTestId("count-pending")).toHaveText("0");
  await shot(page, "sent");

  // the results load afresh when the send ends: the headline's figure (the card's second line) is all three
  await expect(page.getByTestId("result-sent").locator("div").nth(1)).toHaveText("3");

  // Ana clicks the link in hers (the Outbox lists a mail's tracked links; it never loads the open pixel itself).
  await page.goto(`/w/${slug}/outbox`);
  const anaRow = page.getByTestId("outbox-row").filter({ hasText: "Winter sale for Ana" });
  await expect(anaRow).toHaveCount(1);
  await anaRow.getByRole("link").first().click();
  const tracked = await page
    .getByRole("list")
    .filter({ has: page.getByRole("link", { name: "Shop the sale" }) })
    .getByRole("link", { name: "Shop the sale" })
    .getAttribute("href");
  expect(tracked).toMatch(/\/t\/c\//);
  const click = await page.request.get(tracked!, { maxRedirects: 0 });
  expect(click.status(), await click.text()).toBeGreaterThanOrEqual(300);
  expect(click.headers().location).toBe("https://shop.example/sale");
  await page.goto(broadcastUrl);
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("result-click-rate")).toContainText("1 clicked", { timeout: 2_000 });
  }).toPass({ timeout: 60_000, intervals: [1_000, 2_000] });

  // The list shows it as sent.
  await page.goto(`/w/${slug}/broadcasts?status=SENT`);
  await expect(page.getByTestId(`broadcast-${BROADCAST}`).getByTestId("broadcast-status")).toHaveText("Sent");
  await shot(page, "list-after");
  await page.goto(broadcastUrl);
  await expect(page.getByTestId("broadcast-results")).toBeVisible();
  await shot(page, "sent-results");
});
