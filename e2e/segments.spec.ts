import { expect, test } from "@playwright/test";
import { createFullKey, createWriteKey, OWNER, screenshot, signIn, workspaceSlugOf } from "./helpers";

// Unique per run, so the spec never depends on what earlier runs or specs sent (the estimate counts the whole
// workspace: only this run's people did this run's events).
const run = Date.now().toString(36);
const VIEWED = `product_viewed_${run}`;
const ORDERED = `order_completed_${run}`;
const SEGMENT = `Browsed, didn't buy ${run}`;
const JOURNEY = `Win back browsers ${run}`;
const LTV = `lifetime_value_${run}`;
const SIGNED_UP = `signed_up_at_${run}`;
const HOUR = 3_600_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const person = (name: string) => `${name}-segments-${run}`;

/** `views` product views spread over the last hours (or `daysAgo` days back), and an order if `ordered`. */
function shopper(userId: string, views: number, options: { ordered?: boolean; daysAgo?: number } = {}) {
  const base = (options.daysAgo ?? 0) * 24 * HOUR;
  return [
    {
      type: "identify",
      userId,
      traits: { email: `${userId}@example.com`, name: userId, [LTV]: 120, [SIGNED_UP]: ago(30 * 24 * HOUR) },
    },
    ...Array.from({ length: views }, (_, i) => ({
      type: "track",
      userId,
      event: VIEWED,
      properties: { sku: `sku-${i}`, price: 20 + i },
      timestamp: ago(base + (i + 1) * HOUR),
    })),
    ...(options.ordered
      ? [{ type: "track", userId, event: ORDERED, properties: { total: 42 }, timestamp: ago(base + 30 * 60_000) }]
      : []),
  ];
}

test("a marketer builds “viewed a product 3+ times in 7 days and no order”, watches the size, and a journey starts when someone enters it", async ({
  page,
}) => {
  test.setTimeout(240_000);
  await signIn(page, OWNER.email, OWNER.password);
  const slug = workspaceSlugOf(page);
  const writeKey = await createWriteKey(page, slug, `Segments spec ${run}`);
  const fullKey = await createFullKey(page, slug, `Segments spec full ${run}`);
  const ingest = async (batch: unknown[]) => {
    const response = await page.request.post("/api/v1/batch", {
      headers: { Authorization: `Bearer ${writeKey}` },
      data: { batch },
    });
    expect(response.status(), await response.text()).toBe(200);
  };

  // Four people viewed a product 3+ times this week; two of them ordered. Two more don't qualify: one
  // browsed too little, one browsed long ago.
  await ingest([
    ...shopper(person("ada"), 3),
    ...shopper(person("bea"), 5),
    ...shopper(person("cal"), 3, { ordered: true }),
    ...shopper(person("dan"), 4, { ordered: true }),
    ...shopper(person("eve"), 2),
    ...shopper(person("fay"), 4, { daysAgo: 10 }),
  ]);

  // The trait catalog is kept by the rollup, shortly after the identifies: wait until the builder page has it.
  await expect
    .poll(async () => (await page.request.get(`/w/${slug}/segments/new`)).text(), { timeout: 30_000 })
    .toContain(LTV);

  // The builder: New segment → name → the builder.
  await page.goto(`/w/${slug}/segments`);
  await page.getByRole("button", { name: "New segment" }).click();
  const dialog = page.getByRole("dialog", { name: "New segment" });
  await dialog.getByLabel("Segment name").fill(SEGMENT);
  await expect(dialog.getByRole("radio", { name: /^Dynamic/ })).toBeChecked();
  await dialog.getByRole("button", { name: "Open the builder" }).click();
  await expect(page).toHaveURL(/\/segments\/new\?name=/);
  await expect(page.getByLabel("Segment name")).toHaveValue(SEGMENT);
  await expect(page.getByTestId("estimate")).toContainText("Add a condition");

  // A trait condition offers the operators that fit what the trait holds, from the trait catalog.
  await page.getByRole("button", { name: "Add condition", exact: true }).click();
  await page.getByRole("menuitem", { name: /^Profile trait/ }).click();
  const trait = page.getByTestId("condition").nth(0);
  await trait.getByLabel("Trait", { exact: true }).fill(LTV);
  await expect(trait.getByLabel("Operator").locator("option")).toHaveText([
    "equals",
    "does not equal",
    "is greater than",
    "is at least",
    "is less than",
    "is at most",
    "exists",
    "does not exist",
    "is one of",
    "is not one of",
  ]);
  // a date: the operator switches to one that fits it
  await trait.getByLabel("Trait", { exact: true }).fill(SIGNED_UP);
  await expect(trait.getByLabel("Operator").locator("option")).toHaveText([
    "exists",
    "does not exist",
    "is a date before",
    "is a date after",
    "is a date within the last",
  ]);
  await expect(trait.getByLabel("Operator")).toHaveValue("before");
  await expect(trait.getByLabel("Date", { exact: true })).toBeVisible();
  await trait.getByRole("button", { name: "Remove condition" }).click();
  await expect(page.getByTestId("condition")).toHaveCount(0);

  // "Viewed a product at least 3 times in the last 7 days": four people.
  await page.getByRole("button", { name: "Add condition", exact: true }).click();
  await page.getByRole("menuitem", { name: /^Did an event/ }).click();
  const viewed = page.getByTestId("condition").nth(0);
  await viewed.getByLabel("Event", { exact: true }).fill(VIEWED);
  await expect(viewed.getByLabel("How often")).toHaveValue("at_least");
  await viewed.getByLabel("Times", { exact: true }).fill("3");
  await expect(viewed.getByLabel("When")).toHaveValue("last");
  await viewed.getByLabel("Days", { exact: true }).fill("7");
  await expect(page.getByTestId("estimate-size")).toHaveText("4");
  await expect(page.getByTestId("estimate-sample")).toContainText(person("ada"));

  // A field the API refuses is shown at that field, and the estimate waits for it.
  await viewed.getByLabel("Times", { exact: true }).fill("");
  await expect(viewed.getByTestId("condition-error")).toHaveText("must be a number");
  await expect(page.getByTestId("estimate")).toContainText("Finish the conditions marked in red");
  await viewed.getByLabel("Times", { exact: true }).fill("3");
  await expect(viewed.getByTestId("condition-error")).toHaveCount(0);

  // … and no order in the last 7 days: two people.
  await page.getByRole("button", { name: "Add condition", exact: true }).click();
  await page.getByRole("menuitem", { name: /^Did not do an event/ }).click();
  const noOrder = page.getByTestId("condition").nth(1);
  await noOrder.getByLabel("Event", { exact: true }).fill(ORDERED);
  await noOrder.getByLabel("Days", { exact: true }).fill("7");
  await expect(page.getByTestId("estimate-size")).toHaveText("2");
  await expect(page.getByTestId("estimate-sample")).toContainText(person("ada"));
  await expect(page.getByTestId("estimate-sample")).toContainText(person("bea"));
  await expect(page.getByTestId("estimate-sample")).not.toContainText(person("cal"));
  await screenshot(page, "segment-builder");

  await page.getByRole("button", { name: "Create segment" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/segments/[0-9a-f-]{36}$`));
  const segmentId = page.url().split("/").pop()!;
  await expect(page.getByRole("heading", { name: SEGMENT, level: 1 })).toBeVisible();
  await expect(page.getByTestId("segment-definition")).toContainText(
    `Did ${VIEWED} at least 3 times in the last 7 days`,
  );
  await expect(page.getByTestId("segment-definition")).toContainText(`Did not do ${ORDERED} in the last 7 days`);

  // The first recompute runs in the background; its members appear when it is done.
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("member")).toHaveCount(2, { timeout: 1_000 });
  }).toPass({ timeout: 60_000, intervals: [500, 1_000, 2_000] });
  await expect(page.getByTestId("segment-member-count")).toHaveText("2");
  await expect(page.getByTestId("members").getByRole("link", { name: person("bea") })).toBeVisible();
  await page.getByLabel("Search members").fill(person("bea"));
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page.getByTestId("member")).toHaveCount(1);
  await page.getByRole("link", { name: "Clear" }).click();
  await expect(page.getByTestId("member")).toHaveCount(2);
  await screenshot(page, "segment-page");

  // The list shows it with its size.
  await page.goto(`/w/${slug}/segments?q=${encodeURIComponent(run)}`);
  await expect(page.getByTestId(`segment-${SEGMENT}`).getByTestId("segment-size")).toHaveText("2");

  // A journey that starts when someone enters a segment, drafted as code with its segment not chosen yet:
  // the marketer picks the segment by name in the canvas trigger's picker, then publishes.
  const created = await page.request.post("/api/v1/journeys", {
    headers: { Authorization: `Bearer ${fullKey}` },
    data: {
      name: JOURNEY,
      graph: {
        nodes: [
          {
            id: "entered",
            type: "trigger.segment",
            position: { x: 0, y: 0 },
            label: "Browsed, didn't buy",
            config: { segmentId: "" },
          },
          {
            id: "tag",
            type: "action.update_profile",
            position: { x: 0, y: 180 },
            label: "Tag for win-back",
            config: { set: { winback: run } },
          },
          { id: "done", type: "exit", position: { x: 0, y: 360 }, label: "Done", config: {} },
        ],
        edges: [
          { id: "e1", source: "entered", target: "tag" },
          { id: "e2", source: "tag", target: "done" },
        ],
      },
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const journeyId = (await created.json()).id as string;
  await page.goto(`/w/${slug}/journeys/${journeyId}`);
  const trigger = page.getByTestId("node-Browsed, didn't buy");
  await expect(trigger).toContainText("Choose a segment");
  await expect(page.getByTestId("problems")).not.toHaveText("Ready to publish");
  await trigger.click();
  const picker = page.getByLabel("Segment", { exact: true });
  await expect(picker).toHaveValue("");
  // by name, with its size (the list's member count)
  await picker.selectOption({ label: `${SEGMENT} · 2 people` });
  await expect(picker).toHaveValue(segmentId);
  await expect(trigger).toContainText(`Segment “${SEGMENT}”`);
  await expect(page.getByTestId("problems")).toHaveText("Ready to publish");
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await page.getByRole("button", { name: "Publish v1" }).click();
  await expect(page.getByTestId("journey-status")).toHaveText("Livev1");
  await screenshot(page, "segment-journey");

  // One more person qualifies: they enter the segment as their events arrive, and the journey starts for them.
  const gus = person("gus");
  await ingest(shopper(gus, 3));
  await expect
    .poll(
      async () => {
        const response = await page.request.get(`/api/v1/journeys/${journeyId}/stats`, {
          headers: { Authorization: `Bearer ${fullKey}` },
        });
        return (await response.json()).totals?.enrolled;
      },
      { timeout: 60_000, intervals: [500, 1_000] },
    )
    .toBe(1);
  await expect(page.getByTestId("node-Browsed, didn't buy").getByTestId("node-stats")).toHaveAttribute(
    "aria-label",
    /^1 entered/,
    { timeout: 20_000 },
  );

  // Their profile: in the segment since now, and in the journey (which tagged them).
  const profile = await page.request.get(`/api/v1/profiles/${gus}`, {
    headers: { Authorization: `Bearer ${fullKey}` },
  });
  expect(profile.status()).toBe(200);
  const body = await profile.json();
  await expect
    .poll(
      async () =>
        (
          await (
            await page.request.get(`/api/v1/profiles/${gus}`, { headers: { Authorization: `Bearer ${fullKey}` } })
          ).json()
        ).traits?.winback,
      { timeout: 30_000 },
    )
    .toBe(run);
  await page.goto(`/w/${slug}/profiles/${body.id}`);
  await expect(page.getByTestId("profile-segments")).toContainText(SEGMENT);
  await expect(page.getByTestId("profile-journeys")).toContainText(JOURNEY);
  await screenshot(page, "segment-profile");

  // And the segment page counts three members.
  await page.goto(`/w/${slug}/segments/${segmentId}`);
  await expect(page.getByTestId("segment-member-count")).toHaveText("3");
  await expect(page.getByTestId("members").getByRole("link", { name: gus })).toBeVisible();
});
