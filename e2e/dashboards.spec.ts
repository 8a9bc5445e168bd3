import { expect, test, type Page } from "@playwright/test";
import { createFullKey, inviteViewer, OWNER, screenshot, signIn, workspaceSlugOf } from "./helpers";

// Unique per run, so the spec never depends on what earlier runs or specs sent.
const run = Date.now().toString(36);
const JOURNEY = `Trial to paid ${run}`;
const VIEWER = { name: "Dana Dashboards", email: `dana.${run}@cairn.test`, password: "charts without changes 9" };
const PEOPLE = [
  { userId: `ada-dash-${run}`, plan: "pro" },
  { userId: `bob-dash-${run}`, plan: "free" },
  { userId: `cai-dash-${run}`, plan: "pro" },
  { userId: `dee-dash-${run}`, plan: "free" },
];
const at = (x: number, y: number) => ({ x, y });

/** The rollups run every 30 s on the embedded executor: reload until `check` passes. */
async function eventually(page: Page, check: () => Promise<void>, timeout = 100_000): Promise<void> {
  await expect(async () => {
    await page.reload();
    await check();
  }).toPass({ timeout, intervals: [2_000, 5_000] });
}

test("the overview charts events, entries, conversions, revenue and messages; the journey's analytics show its funnel and revenue per message; a viewer reads both", async ({
  page,
  browser,
}) => {
  test.setTimeout(240_000);
  await signIn(page, OWNER.email, OWNER.password);
  const slug = workspaceSlugOf(page);
  const key = await createFullKey(page, slug, `Dashboards e2e ${run}`);
  const api = (path: string, data?: unknown) =>
    page.request.post(path, { headers: { Authorization: `Bearer ${key}` }, data });

  // A live journey: sign-up → welcome email → on the pro plan? → two exits; the goal is a purchase within 3 days.
  const template = await api("/api/v1/templates", {
    name: `Welcome ${run}`,
    channel: "email",
    content: { subject: "Welcome aboard", html: "<p>Hello!</p>" },
  });
  expect(template.status(), await template.text()).toBe(201);
  const graph = {
    nodes: [
      {
        id: "trigger",
        type: "trigger.event",
        position: at(0, 0),
        label: "Started a trial",
        config: { eventName: `trial_started_${run}`, filters: [] },
      },
      {
        id: "welcome",
        type: "action.email",
        position: at(0, 180),
        label: "Welcome email",
        config: { templateId: (await template.json()).id },
      },
      {
        id: "is_pro",
        type: "condition",
        position: at(0, 360),
        label: "On the pro plan?",
        config: {
          rules: { match: "all", rules: [{ kind: "trait", trait: "plan", operator: "equals", value: "pro" }] },
        },
      },
      { id: "pro", type: "exit", position: at(-200, 540), label: "Pro trial", config: {} },
      { id: "free", type: "exit", position: at(200, 540), label: "Free trial", config: {} },
    ],
    edges: [
      { id: "e1", source: "trigger", target: "welcome" },
      { id: "e2", source: "welcome", target: "is_pro" },
      { id: "e3", source: "is_pro", target: "pro", branch: "yes" },
      { id: "e4", source: "is_pro", target: "free", branch: "no" },
    ],
    settings: { goal: { eventName: `subscribed_${run}`, attributionHours: 72, revenueProperty: "total" } },
  };
  const created = await api("/api/v1/journeys", { name: JOURNEY, graph });
  expect(created.status(), await created.text()).toBe(201);
  const journeyId = (await created.json()).id as string;
  expect((await api(`/api/v1/journeys/${journeyId}/publish`)).status()).toBe(200);

  // Four people start a trial; Ada subscribes.
  const sent = await api("/api/v1/batch", {
    batch: [
      ...PEOPLE.map((p) => ({
        type: "identify",
        userId: p.userId,
        traits: { plan: p.plan, email: `${p.userId}@example.com` },
      })),
      ...PEOPLE.map((p) => ({ type: "track", userId: p.userId, event: `trial_started_${run}` })),
    ],
  });
  expect(sent.status(), await sent.text()).toBe(200);
  // Once all four went through (the goal converts people who already left, within its window), Ada subscribes, for 50.
  await expect(async () => {
    const stats = await page.request.get(`/api/v1/journeys/${journeyId}/stats`, {
      headers: { Authorization: `Bearer ${key}` },
    });
    const counts = await stats.json();
    expect(counts.totals).toMatchObject({ enrolled: 4, completed: 4 });
    // Revenue is credited to the last message *sent* before the purchase: wait until the welcome emails went out
    // (a walk may hand its email to deliver-message, which sends it after the journey completed).
    expect(counts.nodes.welcome.messages).toMatchObject({ sent: 4 });
  }).toPass({ timeout: 30_000 });
  expect(
    (
      await api("/api/v1/track", { userId: PEOPLE[0].userId, event: `subscribed_${run}`, properties: { total: "50" } })
    ).status(),
  ).toBe(200);

  // The overview: figures, the charts, and the journey in the table with its entries and conversion.
  await page.goto(`/w/${slug}/dashboards?range=7d`);
  await expect(page.getByRole("heading", { name: "Dashboards", level: 1 })).toBeVisible();
  const journeyRow = page.getByTestId("journey-table").getByRole("row").filter({ hasText: JOURNEY });
  await eventually(page, async () => {
    // entered, conversions, rate, revenue, revenue per person entered
    await expect(journeyRow.getByRole("cell")).toHaveText(["4", "1", "25%", "50.00", "12.50", "Analytics"], {
      timeout: 1_000,
    });
    await expect(page.getByTestId("channel-email")).toBeVisible({ timeout: 1_000 });
  });
  await expect(page.getByRole("link", { name: "Last 7 days" })).toHaveAttribute("aria-current", "page");
  for (const chart of ["chart-events", "chart-enrollments", "chart-revenue", "chart-messages"]) {
    await expect(page.getByTestId(chart).locator(".recharts-wrapper > svg.recharts-surface")).toBeVisible();
  }
  await expect(page.getByTestId("chart-events").locator(".recharts-bar-rectangle").first()).toBeVisible();
  await expect(page.getByTestId("chart-enrollments").locator(".recharts-line")).toHaveCount(2);
  expect(
    Number((await page.getByTestId("stat-entered").locator("div").nth(1).innerText()).replace(/\D/g, "")),
  ).toBeGreaterThanOrEqual(4);
  expect(
    Number((await page.getByTestId("stat-events").locator("div").nth(1).innerText()).replace(/\D/g, "")),
  ).toBeGreaterThanOrEqual(5);
  await screenshot(page, "dashboards-overview");

  // The range picker: presets are links, a custom range is two days.
  await page.getByRole("link", { name: "Last 90 days" }).click();
  await expect(page).toHaveURL(/[?&]range=90d$/);
  await expect(journeyRow.getByRole("cell").first()).toHaveText("4");
  await page.getByRole("button", { name: "Custom" }).click();
  const today = new Date().toISOString().slice(0, 10);
  await page.getByLabel("From", { exact: true }).fill(today);
  await page.getByLabel("To", { exact: true }).fill(today);
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]from=${today}&to=${today}$`));
  await expect(journeyRow.getByRole("cell").first()).toHaveText("4");
  // A range the API refuses (typed into the address) says why and shows the default instead.
  await page.goto(`/w/${slug}/dashboards?from=2026-05-02&to=2026-05-01`);
  await expect(page.getByRole("alert").filter({ hasText: "That range cannot be shown" })).toContainText(
    'from: must be on or before "to" (2026-05-01)',
  );

  // From the canvas to the journey's analytics: the funnel in the journey's order, conversion per step.
  await page.goto(`/w/${slug}/journeys/${journeyId}`);
  await page.getByTestId("journey-editor").getByRole("link", { name: "Analytics" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/journeys/${journeyId}/analytics$`));
  await expect(page.getByRole("heading", { name: `${JOURNEY}: analytics` })).toBeVisible();
  const funnelRows = page.getByTestId("funnel-table").locator("tbody tr");
  await expect(funnelRows.locator("th")).toContainText([
    "Started a trial",
    "Welcome email",
    "On the pro plan?",
    "Pro trial",
    "Free trial",
  ]);
  await expect(funnelRows).toHaveCount(5);
  const cells = (nodeId: string) => page.getByTestId(`funnel-${nodeId}`).getByRole("cell");
  await expect(cells("trigger").nth(0)).toHaveText("4");
  await expect(cells("trigger").nth(1)).toHaveText("100%");
  await expect(cells("trigger").nth(2)).toHaveText("1");
  await expect(cells("trigger").nth(3)).toHaveText("25%");
  await expect(cells("pro").nth(0)).toHaveText("2");
  await expect(cells("pro").nth(3)).toHaveText("50%");
  await expect(cells("free").nth(0)).toHaveText("2");
  await expect(cells("free").nth(3)).toHaveText("0%");
  await expect(page.getByTestId("funnel-chart").locator(".recharts-bar-rectangle")).toHaveCount(5);
  await expect(page.getByTestId("stat-entered")).toContainText("4");
  await expect(page.getByTestId("stat-conversions")).toContainText("25% of entries");
  // Revenue: one order of 50 among four people; credited to the welcome email, the last message Ada was sent.
  await expect(page.getByTestId("stat-revenue")).toContainText("50.00");
  await expect(page.getByTestId("stat-orders")).toContainText("1");
  await expect(page.getByTestId("stat-aov")).toContainText("50.00");
  await expect(page.getByTestId("stat-revenue-per-person")).toContainText("12.50");
  await expect(page.getByTestId("chart-revenue").locator(".recharts-wrapper > svg.recharts-surface")).toBeVisible();
  await expect(
    page.getByText("credited to the last message the person was sent in this journey before converting"),
  ).toBeVisible();
  await expect(page.getByTestId("chart-over-time").locator(".recharts-line")).toHaveCount(3);
  await eventually(page, async () => {
    await expect(page.getByTestId("chart-delivery").locator(".recharts-wrapper > svg.recharts-surface")).toBeVisible({
      timeout: 1_000,
    });
    await expect(page.getByTestId("channel-email").getByRole("cell").nth(1)).toHaveText("4", { timeout: 1_000 }); // sent
  });
  // sent, conversions, orders, revenue, revenue per recipient
  await expect(page.getByTestId("message-revenue-welcome").getByRole("cell")).toHaveText([
    "4",
    "1",
    "1",
    "50.00",
    "12.50",
  ]);
  await screenshot(page, "dashboards-journey-analytics");

  // A viewer opens both and can change the range, nothing else (there is nothing else to change).
  const { viewer, context } = await inviteViewer(page, browser, slug, VIEWER);
  await viewer.goto(`/w/${slug}/dashboards`);
  await expect(viewer.getByRole("link", { name: "Last 30 days" })).toHaveAttribute("aria-current", "page");
  await expect(
    viewer.getByTestId("journey-table").getByRole("row").filter({ hasText: JOURNEY }).getByRole("cell").first(),
  ).toHaveText("4");
  await viewer
    .getByTestId("journey-table")
    .getByRole("row")
    .filter({ hasText: JOURNEY })
    .getByRole("link", { name: "Analytics" })
    .click();
  await expect(viewer.getByTestId(`funnel-trigger`).getByRole("cell").first()).toHaveText("4");
  await expect(viewer.getByRole("button", { name: /Publish|Save|Delete/ })).toHaveCount(0);
  await screenshot(viewer, "dashboards-journey-analytics-viewer");
  await context.close();
});
