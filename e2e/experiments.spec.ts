import { expect, test, type APIRequestContext } from "@playwright/test";
import { createFullKey, inviteViewer, OWNER, screenshot, signIn, workspaceSlugOf } from "./helpers";

// Unique per run, so the spec never depends on what earlier runs or specs sent.
const run = Date.now().toString(36);
const PEOPLE = 400;
const SIGNED_UP = `newsletter_signup_${run}`;
const PURCHASE = `order_completed_${run}`;
const at = (x: number, y: number) => ({ x, y });
const VIEWER = {
  name: "Vera Viewer",
  email: `vera.experiments.${run}@cairn.test`,
  password: "only looking, never touching",
};

/** trigger → A/B split (45/45, 10% holdout) → each arm tags the person with its arm, then sends its own email. */
function subjectLineTest(templates: { short: string; long: string }) {
  return {
    nodes: [
      {
        id: "trigger",
        type: "trigger.event",
        position: at(0, 0),
        label: "Signed up",
        config: { eventName: SIGNED_UP, filters: [] },
      },
      {
        id: "ab",
        type: "split",
        position: at(0, 180),
        label: "Subject line test",
        config: {
          arms: [
            { id: "short", label: "Short subject", weight: 45 },
            { id: "long", label: "Long subject", weight: 45 },
          ],
          holdout: { weight: 10 },
        },
      },
      {
        id: "tag_short",
        type: "action.update_profile",
        position: at(-220, 360),
        label: "Tag short",
        config: { set: { subject_test: "short" } },
      },
      {
        id: "tag_long",
        type: "action.update_profile",
        position: at(220, 360),
        label: "Tag long",
        config: { set: { subject_test: "long" } },
      },
      {
        id: "email_short",
        type: "action.email",
        position: at(-220, 540),
        label: "Short subject email",
        config: { templateId: templates.short },
      },
      {
        id: "email_long",
        type: "action.email",
        position: at(220, 540),
        label: "Long subject email",
        config: { templateId: templates.long },
      },
      { id: "done", type: "exit", position: at(0, 720), label: "Done", config: {} },
    ],
    edges: [
      { id: "e1", source: "trigger", target: "ab" },
      { id: "e2", source: "ab", target: "tag_short", branch: "short" },
      { id: "e3", source: "ab", target: "tag_long", branch: "long" },
      { id: "e4", source: "tag_short", target: "email_short" },
      { id: "e5", source: "tag_long", target: "email_long" },
      { id: "e6", source: "email_short", target: "done" },
      { id: "e7", source: "email_long", target: "done" },
    ],
    settings: { goal: { eventName: PURCHASE, attributionHours: 72, revenueProperty: "total" } },
  };
}

async function stats(request: APIRequestContext, key: string, journeyId: string) {
  const response = await request.get(`/api/v1/journeys/${journeyId}/stats`, {
    headers: { Authorization: `Bearer ${key}` },
  });
  expect(response.status()).toBe(200);
  return (await response.json()).totals as { enrolled: number; active: number; converted: number };
}

test("an A/B split seeded through the API: people are assigned, convert, and the experiment page shows the arms, the lift and the winner", async ({
  page,
  browser,
}) => {
  test.setTimeout(300_000);
  await signIn(page, OWNER.email, OWNER.password);
  const slug = workspaceSlugOf(page);
  const key = await createFullKey(page, slug, `Experiments spec ${run}`);
  const auth = { Authorization: `Bearer ${key}` };
  const post = (path: string, data?: unknown) => page.request.post(path, { headers: auth, data });

  // Two emails and the journey, as code.
  const template = async (name: string, subject: string) => {
    const response = await post("/api/v1/templates", {
      name: `${name} ${run}`,
      channel: "email",
      content: { subject, html: "<p>Welcome aboard.</p>" },
    });
    expect(response.status(), await response.text()).toBe(201);
    return (await response.json()).id as string;
  };
  const templates = {
    short: await template("Short subject", "Welcome!"),
    long: await template("Long subject", "Welcome to the club: here is everything you need for your first week"),
  };
  const created = await post("/api/v1/journeys", { name: `Welcome series ${run}`, graph: subjectLineTest(templates) });
  expect(created.status(), await created.text()).toBe(201);
  const journeyId = (await created.json()).id as string;
  const published = await post(`/api/v1/journeys/${journeyId}/publish`);
  expect(published.status(), await published.text()).toBe(200);

  // 400 people sign up through the ingestion API; the engine assigns each to an arm or the holdout.
  const people = Array.from({ length: PEOPLE }, (_, i) => `reader-${run}-${i}`);
  const signups = await post("/api/v1/batch", {
    batch: people.flatMap((userId) => [
      { type: "identify", userId, traits: { email: `${userId}@example.com` } },
      { type: "track", userId, event: SIGNED_UP },
    ]),
  });
  expect(signups.status(), await signups.text()).toBe(200);
  await expect
    .poll(async () => stats(page.request, key, journeyId), { timeout: 60_000, intervals: [500, 1000] })
    .toMatchObject({ enrolled: PEOPLE, active: 0 });

  // Which arm each person got, from the trait their arm set (the holdout walks the short arm's path but gets
  // nothing on it, not even the trait).
  const arms: Record<string, string[]> = { short: [], long: [], holdout: [] };
  for (const userId of people) {
    const profile = await page.request.get(`/api/v1/profiles/${userId}`, { headers: auth });
    expect(profile.status()).toBe(200);
    arms[((await profile.json()).traits?.subject_test as string | undefined) ?? "holdout"].push(userId);
  }
  expect(arms.short.length).toBeGreaterThan(120);
  expect(arms.long.length).toBeGreaterThan(120);
  expect(arms.holdout.length).toBeGreaterThan(15);

  // The long subject converts far better: 55% against 15% (and 10% of the holdout, who got no email).
  const buyers = [
    ...arms.short.slice(0, Math.ceil(arms.short.length * 0.15)),
    ...arms.long.slice(0, Math.ceil(arms.long.length * 0.55)),
    ...arms.holdout.slice(0, Math.ceil(arms.holdout.length * 0.1)),
  ];
  const purchases = await post("/api/v1/batch", {
    batch: buyers.map((userId, i) => ({
      type: "track",
      userId,
      event: PURCHASE,
      properties: { total: 30 + (i % 5) * 10 },
    })),
  });
  expect(purchases.status(), await purchases.text()).toBe(200);
  await expect
    .poll(async () => (await stats(page.request, key, journeyId)).converted, {
      timeout: 60_000,
      intervals: [500, 1000],
    })
    .toBe(buyers.length);

  // From the canvas: the split's side panel links to its experiment.
  await page.goto(`/w/${slug}/journeys/${journeyId}`);
  await page.getByTestId("node-Subject line test").click();
  await page.getByTestId("experiment-link").click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/journeys/${journeyId}/experiments/ab$`));
  await expect(page.getByRole("heading", { name: "Subject line test", level: 1 })).toBeVisible();
  // No results yet, unless the 15-minute evaluation ran since the signups (a run crossing :00, :15, :30 or :45):
  // then its result, from before anyone converted. "Evaluate now" below replaces it either way, and the
  // assertions after it (a winner, the lift) hold only for an evaluation made after the purchases.
  await expect(
    page.getByRole("heading", { name: "No results yet" }).or(page.getByText(/^Last evaluated /)),
  ).toBeVisible();

  // N* tuned to this experiment's size (a few hundred people), then evaluated now rather than at the next 15-minute run.
  const settings = page.getByTestId("auto-winner-form");
  await settings.getByLabel("Sequential tuning N*").fill("500");
  await settings.getByRole("button", { name: "Save settings" }).click();
  await expect(settings.getByRole("status")).toHaveText("Saved");
  await page.getByRole("button", { name: "Evaluate now" }).click();

  const rows = page.getByTestId("arm-row");
  await expect(rows).toHaveCount(2, { timeout: 20_000 });
  await expect(rows.nth(0)).toContainText("Short subject");
  await expect(rows.nth(0)).toContainText(String(arms.short.length));
  await expect(rows.nth(0)).toHaveAttribute("data-status", "control");
  await expect(rows.nth(1)).toContainText("Long subject");
  await expect(rows.nth(1)).toHaveAttribute("data-status", "winning");
  await expect(rows.nth(1).getByTestId("arm-lift")).toContainText(/^\+\d+\.\d%\[/);
  await expect(page.getByTestId("holdout-row")).toContainText(String(arms.holdout.length));
  await expect(page.getByTestId("test-method")).toContainText("sequential (always valid)");
  await expect(page.getByTestId("winner-badge")).toHaveText("Winner: Long subject");
  // The verdict in one plain line, above the statistics.
  await expect(page.getByTestId("experiment-summary")).toHaveText(
    /^Long subject wins: it converts \d+\.\d% better than Short subject \(\d+\.\d% against \d+\.\d%\), and the test is certain enough to act on\.$/,
  );
  await expect(page.getByTestId("incrementality")).toBeVisible();
  // Held out, they walked the control arm's path to its email, which was withheld right after the split.
  await expect(page.getByTestId("would-have-messaged")).toContainText(
    `${arms.holdout.length} of ${arms.holdout.length} held-out people reached a message step on Short subject’s path`,
  );
  await expect(page.getByTestId("would-have-messaged")).toContainText("a median of 0 min after assignment");
  await expect(page.getByTestId("lift-chart")).toBeVisible();
  await expect(page.getByTestId("banner-srm")).toHaveCount(0);
  // The statistics the page states: the correction over every comparison, P(best) and risk per arm.
  await expect(page.getByTestId("correction")).toContainText(/^Holm–Bonferroni adjusted across \d+ comparisons/);
  // One chance per arm (of being best), and the expected loss in percentage points of conversion, not "risk 109%".
  await expect(rows.nth(1).getByTestId("arm-probability-best")).toHaveText(/^\d+\.\d%$/);
  await expect(rows.nth(1).getByTestId("arm-risk")).toHaveText(
    /^if you pick Long subject: \d+\.\d\d ptsif you keep Short subject: \d+\.\d\d pts?$/,
  );
  await expect(rows.nth(0).getByTestId("arm-probability-best")).toHaveText(/^\d+\.\d%$/);
  await expect(rows.nth(0).getByTestId("arm-risk")).toHaveCount(0);
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, "experiment-page");
  // The whole table fits the page at 1440 px: the verdict column is on screen, not scrolled away inside the table.
  const overflow = await page
    .getByTestId("arms-table")
    .evaluate((table) => table.parentElement!.scrollWidth - table.parentElement!.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);

  // The same result through the public API.
  const experiment = await page.request.get(`/api/v1/journeys/${journeyId}/experiments/ab`, { headers: auth });
  expect(experiment.status()).toBe(200);
  const body = await experiment.json();
  expect(body.result.winner).toMatchObject({ armId: "long", label: "Long subject" });
  expect(body.result.holdout).toMatchObject({
    assigned: arms.holdout.length,
    messages: 0,
    wouldHaveMessaged: { people: arms.holdout.length, medianHours: 0 },
  });
  expect(body.settings).toMatchObject({ autoWinner: "off", test: "sequential", nStar: 500 });

  // The journey's list of experiments links back to it.
  await page.goto(`/w/${slug}/journeys/${journeyId}/experiments`);
  await expect(page.getByTestId("experiments").getByRole("link", { name: "Subject line test" })).toBeVisible();
  await expect(page.getByTestId("experiments")).toContainText("Winner: Long subject");

  // A viewer opens the experiment and reads the same results, with nothing they could change or run.
  const { viewer, context } = await inviteViewer(page, browser, slug, VIEWER);
  await viewer.goto(`/w/${slug}/journeys/${journeyId}/experiments/ab`);
  await expect(viewer.getByRole("heading", { name: "Subject line test", level: 1 })).toBeVisible();
  const seen = viewer.getByTestId("arm-row");
  await expect(seen).toHaveCount(2);
  await expect(seen.nth(0)).toContainText(String(arms.short.length));
  await expect(seen.nth(1)).toHaveAttribute("data-status", "winning");
  await expect(viewer.getByTestId("winner-badge")).toHaveText("Winner: Long subject");
  await expect(viewer.getByTestId("experiment-summary")).toContainText("Long subject wins");
  await expect(viewer.getByTestId("holdout-row")).toContainText(String(arms.holdout.length));
  await expect(viewer.getByTestId("lift-chart")).toBeVisible();
  await expect(viewer.getByRole("button", { name: "Evaluate now" })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: /Save/ })).toHaveCount(0);
  const form = viewer.getByTestId("auto-winner-form");
  await expect(form).toContainText("Viewers can read these settings");
  await expect(form.getByRole("radio", { name: /Bandit/ })).toBeDisabled();
  await expect(form.getByLabel("Sequential tuning N*")).toBeDisabled();
  await expect(form.getByLabel("Multiple-testing correction")).toBeDisabled();
  // Every control on the page that could act is disabled: no enabled button anywhere in the main content.
  await expect(viewer.locator("main button:enabled")).toHaveCount(0);
  await screenshot(viewer, "experiment-page-viewer");
  await context.close();
});
