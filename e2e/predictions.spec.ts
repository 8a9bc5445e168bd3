import { expect, test } from "@playwright/test";
import { createWriteKey, OWNER, screenshot, signIn, workspaceSlugOf } from "./helpers";

// Unique per run, so the spec never depends on what earlier runs or specs sent: only this run's people ever did
// this run's order event.
const run = Date.now().toString(36);
const ORDERED = `order_completed_${run}`;
const NAME = `Buys again ${run}`;
const SEGMENT = `Likely buyers ${run}`;
const DAY = 86_400_000;
const PEOPLE = 300;

/**
 * A known process over 150 days of history: every third person is a regular who orders every 4–6 days; the others
 * order every 40–60 days from a random start. Who orders in the next 14 days follows from frequency and recency
 * (a regular surely; an occasional buyer when their last order is a month or more ago), so a trained model must
 * say so (a good verdict, a high AUC). The schedule runs on into the next 14 days without sending those orders:
 * `buyers` is who will order, the oracle the segment on the score is compared with. Seeded: every run sends the
 * same shape.
 */
function history(now: number) {
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const messages: object[] = [];
  const buyers = new Set<string>();
  for (let i = 0; i < PEOPLE; i++) {
    const userId = `predict-${run}-${i}`;
    const regular = i % 3 === 0;
    messages.push({
      type: "identify",
      userId,
      traits: { email: `${userId}@example.com` },
      timestamp: new Date(now - 150 * DAY).toISOString(),
    });
    const gap = () => (regular ? 4 + random() * 2 : 40 + random() * 20);
    for (let daysAgo = 150 - random() * gap(); daysAgo > -14; daysAgo -= gap()) {
      if (daysAgo <= 0) buyers.add(userId);
      else
        messages.push({
          type: "track",
          userId,
          event: ORDERED,
          properties: { total: Math.round(20 + random() * 80) },
          timestamp: new Date(now - daysAgo * DAY).toISOString(),
        });
    }
  }
  return { messages, buyers };
}

test("a purchase prediction is created in the browser, trained on the workspace's history, its quality shown, and its score used in a segment", async ({
  page,
}) => {
  test.setTimeout(420_000);
  await signIn(page, OWNER.email, OWNER.password);
  const slug = workspaceSlugOf(page);
  const writeKey = await createWriteKey(page, slug, `Predictions spec ${run}`);
  const { messages, buyers } = history(Date.now());
  for (let i = 0; i < messages.length; i += 1000) {
    const response = await page.request.post("/api/v1/batch", {
      headers: { Authorization: `Bearer ${writeKey}` },
      data: { batch: messages.slice(i, i + 1000) },
    });
    expect(response.status(), await response.text()).toBe(200);
  }

  // The event catalog is kept by the rollup, shortly after ingestion: wait until the form offers the event.
  await expect
    .poll(async () => (await page.request.get(`/w/${slug}/predictions/new`)).text(), { timeout: 60_000 })
    .toContain(ORDERED);

  await page.goto(`/w/${slug}/predictions`);
  await page.getByRole("link", { name: "New prediction" }).first().click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/predictions/new$`));
  await screenshot(page, "predictions-new");

  await page.getByLabel("Name", { exact: true }).fill(NAME);
  // the key follows the name until it is typed
  await expect(page.getByLabel("Key", { exact: true })).toHaveValue(`buys_again_${run}`);
  await expect(page.getByLabel("What to predict")).toHaveValue("propensity");
  await page.getByLabel("Event", { exact: true }).selectOption(ORDERED);

  // A horizon out of range is refused by the API and shown beside its field; nothing is created.
  await page.getByLabel("Within the next (days)").fill("120");
  await page.getByRole("button", { name: "Create and train" }).click();
  await expect(page.getByText("must be at most 90 days")).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/predictions/new$`));
  await screenshot(page, "predictions-new-error");

  await page.getByLabel("Within the next (days)").fill("14");
  await page.getByRole("button", { name: "Create and train" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/predictions/[0-9a-f-]{36}$`));
  const predictionId = page.url().split("/").pop()!;
  await expect(page.getByRole("heading", { name: NAME, level: 1 })).toBeVisible();
  await expect(page.getByText(`Will the person do ${ORDERED} in the next 14 days?`)).toBeVisible();

  // The first training runs on the embedded executor; the page refreshes itself until its quality shows.
  await expect(page.getByTestId("verdict-words")).toBeVisible({ timeout: 300_000 });
  await expect(page.getByText(/^Quality of the live model \(version \d+\)$/)).toBeVisible();
  await expect(page.getByText("Good enough to target").first()).toBeVisible();
  const auc = Number(await page.getByTestId("auc").textContent());
  expect(auc).toBeGreaterThan(0.8);
  await expect(page.getByTestId("calibration-chart").locator("svg").first()).toBeVisible();
  await expect(page.getByTestId("model-history")).toContainText("published");
  await expect(page.getByTestId("tiers")).toBeVisible();
  await screenshot(page, "predictions-quality");

  // The list shows it with its verdict and AUC.
  await page.goto(`/w/${slug}/predictions`);
  const row = page.getByTestId("prediction-row").filter({ hasText: NAME });
  await expect(row).toContainText("Good enough to target");
  await expect(row).toContainText(/0\.\d{2}/);
  await screenshot(page, "predictions-list");

  // A regular's profile shows the score, tier and reasons.
  await page.goto(`/w/${slug}/profiles?q=${encodeURIComponent(`predict-${run}-0`)}`);
  await page.getByRole("link", { name: `predict-${run}-0`, exact: true }).click();
  const card = page.getByTestId("profile-predictions");
  await expect(card).toContainText(NAME);
  // a regular orders every few days: whatever the tiers' cut points, their score is high
  expect(Number(await card.getByTestId("prediction-score").first().textContent())).toBeGreaterThanOrEqual(70);
  await screenshot(page, "predictions-profile");

  // The score in a segment: people scored 70 or more are about the people who will order in the next 14 days.
  await page.goto(`/w/${slug}/segments`);
  await page.getByRole("button", { name: "New segment" }).click();
  const dialog = page.getByRole("dialog", { name: "New segment" });
  await dialog.getByLabel("Segment name").fill(SEGMENT);
  await dialog.getByRole("button", { name: "Open the builder" }).click();
  await page.getByRole("button", { name: "Add condition", exact: true }).click();
  await page.getByRole("menuitem", { name: /^Prediction/ }).click();
  const condition = page.getByTestId("condition").nth(0);
  await condition.getByLabel("Prediction", { exact: true }).selectOption(predictionId);
  await condition.getByLabel("Test", { exact: true }).selectOption("score");
  await condition.getByLabel("Operator", { exact: true }).selectOption("gte");
  await condition.getByLabel("Score", { exact: true }).fill("70");
  const inRange = (n: number) => Math.abs(n - buyers.size) <= 0.2 * buyers.size;
  await expect
    .poll(async () => inRange(Number(await page.getByTestId("estimate-size").textContent())), { timeout: 30_000 })
    .toBe(true);
  await page.getByRole("button", { name: "Create segment" }).click();
  await expect(page.getByRole("heading", { name: SEGMENT, level: 1 })).toBeVisible();
  // its first recompute runs in the background
  await expect(async () => {
    await page.reload();
    const members = Number(await page.getByTestId("segment-member-count").textContent({ timeout: 1_000 }));
    expect(inRange(members), `${members} members, ${buyers.size} will order`).toBe(true);
  }).toPass({ timeout: 60_000, intervals: [500, 1_000, 2_000] });
  await screenshot(page, "predictions-segment");
});
