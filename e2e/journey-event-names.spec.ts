import { expect, test } from "@playwright/test";
import { canvasNode as node, connect, createWriteKey, OWNER, screenshot, signIn, workspaceSlugOf } from "./helpers";

test("event names come from the catalog, a typo is flagged with the closest name, and a wait for the goal's event is warned about", async ({
  page,
}) => {
  await signIn(page, OWNER.email, OWNER.password);
  const slug = workspaceSlugOf(page);
  const key = await createWriteKey(page, slug, "Shop");
  const sent = await page.request.post("/api/v1/batch", {
    headers: { Authorization: `Bearer ${key}` },
    data: {
      batch: [{ type: "track", userId: "buyer-1", event: "Order Completed", properties: { cartId: "c1", total: 30 } }],
    },
  });
  expect(sent.ok()).toBe(true);
  // The catalog is rolled up from what arrived, shortly after.
  await expect
    .poll(async () => JSON.stringify(await (await page.request.get(`/api/workspaces/${slug}/events/names`)).json()), {
      timeout: 15_000,
    })
    .toContain("Order Completed");

  await page.goto(`/w/${slug}/journeys`);
  await page.getByRole("button", { name: "New journey" }).click();
  await page.getByLabel("Journey name").fill("Thank buyers");
  await page.getByRole("button", { name: "Create and open" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/journeys/[0-9a-f-]{36}$`));
  const palette = page.getByTestId("palette");
  const inspector = page.getByTestId("inspector");

  // A typo: flagged under the field with the closest catalog name, which one click puts in.
  await palette.getByRole("button", { name: /^Event trigger/ }).click();
  await inspector.getByLabel("Event name").fill("Order Complted");
  const warning = inspector.getByTestId("event-name-warning");
  await expect(warning).toContainText("No event named 'Order Complted' has arrived; did you mean 'Order Completed'?");
  await screenshot(page, "journey-event-name-typo");
  await warning.getByRole("button", { name: "Use Order Completed" }).click();
  await expect(inspector.getByLabel("Event name")).toHaveValue("Order Completed");
  await expect(warning).toHaveCount(0);

  // A property filter offers the properties seen on that event (other specs send "Order Completed" to this
  // workspace too, with properties of their own: these two are among the suggestions).
  await inspector.getByRole("button", { name: "Add filter" }).click();
  const listId = await inspector.getByLabel("Property (filter 1)").getAttribute("list");
  await expect(page.locator(`datalist[id="${listId}"] option[value="cartId"]`)).toHaveCount(1);
  await expect(page.locator(`datalist[id="${listId}"] option[value="total"]`)).toHaveCount(1);
  await inspector.getByRole("button", { name: "Remove filter" }).click();

  // A wait for the goal step's own event: its "Arrived" path can never be taken.
  await palette.getByRole("button", { name: /^Wait for event/ }).click();
  await inspector.getByLabel("Event name").fill("Order Completed");
  await palette.getByRole("button", { name: /^Goal/ }).click();
  await inspector.getByLabel("Goal event").fill("Order Completed");
  await palette.getByRole("button", { name: /^Exit/ }).click();
  await page.getByRole("button", { name: "Fit", exact: true }).click();
  await page.waitForTimeout(400);
  await connect(page, "Wait for event", "Goal", "arrived");
  await connect(page, "Wait for event", "Exit", "timed_out");
  await node(page, "Wait for event").click();
  await expect(inspector.getByTestId("wait-warning")).toContainText("This wait's event is also the goal step");
  await expect(page.getByTestId("problems")).toHaveText("Ready to publish");

  // The publish dialog lists it as a warning; publishing stays possible.
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(page.getByTestId("publish-warnings")).toContainText("this wait's event is also the goal step");
  await expect(page.getByRole("button", { name: "Publish v1" })).toBeEnabled();
});
