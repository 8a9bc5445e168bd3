import { expect, test } from "@playwright/test";
import { canvasNode, connect, inviteViewer, OWNER, screenshot, signIn, workspaceSlugOf } from "./helpers";

// Unique per run, so the spec never depends on what earlier runs or specs made.
const run = Date.now().toString(36);
const JOURNEY = `Abandoned cart ${run}`;
const VIEWER = { name: "Vera Viewer", email: `vera.${run}@cairn.test`, password: "reading the cart 2026" };

const node = canvasNode;

test("an owner builds the abandoned-cart journey with the mouse, sees its problems, fixes them, publishes and reloads it; a viewer sees it read-only", async ({
  page,
  browser,
}) => {
  await signIn(page, OWNER.email, OWNER.password);
  const slug = workspaceSlugOf(page);

  // The two emails' templates (the templates editor has its own spec), through the owner's session.
  for (const [name, subject] of [
    [`Cart reminder ${run}`, "You left something"],
    [`Cart discount ${run}`, "Here is 10% off"],
  ]) {
    const created = await page.request.post(`/api/workspaces/${slug}/templates`, {
      data: {
        name,
        channel: "email",
        content: {
          subject,
          html: "<p>Hi {{ profile.traits.first_name | default: 'there' }}, your cart is waiting.</p>",
        },
      },
    });
    expect(created.status(), await created.text()).toBe(201);
  }

  await page.goto(`/w/${slug}/journeys`);
  await page.getByRole("button", { name: "New journey" }).click();
  await page.getByLabel("Journey name").fill(JOURNEY);
  await page.getByRole("button", { name: "Create and open" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/journeys/[0-9a-f-]{36}$`));

  const palette = page.getByTestId("palette");
  const inspector = page.getByTestId("inspector");
  const problems = page.getByTestId("problems");
  const add = async (step: RegExp, label?: string) => {
    await palette.getByRole("button", { name: step }).click();
    if (label) await inspector.getByLabel("Name on the canvas").fill(label);
  };

  await add(/^Event trigger/, "Cart updated");
  await inspector.getByLabel("Event name").fill("cart_updated");

  await add(/^Wait for event/, "Checked out within 30 minutes?");
  await expect(problems).toContainText("Event name: is required");
  await inspector.getByLabel("Event name").fill("checkout_completed");
  await inspector.getByLabel("Give up after").fill("30");
  await inspector.getByLabel("Unit", { exact: true }).selectOption("minutes");
  await inspector.getByLabel("Event property").fill("cartId");
  await inspector.getByLabel("Trigger property").fill("cartId");

  await add(/^Exit/, "Checked out");

  await add(/^Email/, "You left something");
  await expect(problems).toContainText("Choose an existing email template");
  await inspector.getByLabel("Template").selectOption({ label: `Cart reminder ${run} (v1)` });

  await add(/^Delay/, "Wait 3 days");
  await inspector.getByLabel("Wait for").fill("3");

  await add(/^Condition/, "Has not ordered?");
  await inspector.getByLabel("Rule 1", { exact: true }).selectOption("performed");
  await inspector.getByLabel("Event name").fill("order_completed");
  await inspector.getByLabel("Has", { exact: true }).selectOption("no");
  await inspector.getByLabel("Within days").fill("3");

  await add(/^Exit/, "Already ordered");

  await add(/^Email/, "Here is 10% off");
  await inspector.getByLabel("Template").selectOption({ label: `Cart discount ${run} (v1)` });

  await add(/^Goal/, "Order completed");
  await inspector.getByLabel("Goal event").fill("order_completed");

  // Nothing is connected yet: the problems say so, and Publish is refused.
  await page.getByRole("button", { name: "Fit", exact: true }).click();
  await page.waitForTimeout(400);
  await expect(problems).toContainText("No path from the trigger leads here");
  await expect(page.getByRole("button", { name: "Publish", exact: true })).toBeDisabled();
  await screenshot(page, "abandoned-cart-unconnected");

  await connect(page, "Cart updated", "Checked out within 30 minutes?");
  await connect(page, "Checked out within 30 minutes?", "Checked out", "arrived");
  await connect(page, "Checked out within 30 minutes?", "You left something", "timed_out");
  await connect(page, "You left something", "Wait 3 days");
  await connect(page, "Wait 3 days", "Has not ordered?");
  await connect(page, "Has not ordered?", "Here is 10% off", "yes");
  await connect(page, "Has not ordered?", "Already ordered", "no");
  await connect(page, "Here is 10% off", "Order completed");
  await expect(page.locator(".react-flow__edge")).toHaveCount(8);
  await expect(problems).toHaveText("Ready to publish");
  await page.getByRole("button", { name: "Auto-layout" }).click();
  await page.getByRole("button", { name: "Fit", exact: true }).click();
  await page.waitForTimeout(500);
  await expect(page.getByTestId("save-state")).toHaveText("Saved");
  await screenshot(page, "abandoned-cart");

  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(page.getByTestId("publish-diff")).toContainText("Added steps (9)");
  await expect(page.getByTestId("publish-diff")).toContainText("New connections (8)");
  await page.getByRole("button", { name: "Publish v1" }).click();
  await expect(page.getByTestId("journey-status")).toHaveText("Livev1");

  // Reloaded, it is all there: steps, connections and what each step was set to.
  await page.reload();
  await expect(page.locator(".react-flow__node")).toHaveCount(9);
  await expect(page.locator(".react-flow__edge")).toHaveCount(8);
  await expect(node(page, "Cart updated")).toContainText("cart_updated");
  await expect(node(page, "Checked out within 30 minutes?")).toContainText("checkout_completed");
  await expect(node(page, "Order completed")).toContainText("order_completed");
  await expect(node(page, "You left something")).toContainText(`Cart reminder ${run}`);
  await expect(node(page, "Here is 10% off")).toContainText(`Cart discount ${run}`);
  await node(page, "Has not ordered?").click();
  await expect(inspector.getByLabel("Has", { exact: true })).toHaveValue("no");
  await expect(inspector.getByLabel("Within days")).toHaveValue("3");
  await node(page, "You left something").click();
  await expect(inspector.getByLabel("Template")).toHaveValue(/[0-9a-f-]{36}/);
  await expect(page.getByTestId("journey-status")).toHaveText("Livev1");
  await screenshot(page, "abandoned-cart-published");

  // A viewer sees the same journey, and can change nothing.
  const journeyUrl = page.url();
  const { viewer, context } = await inviteViewer(page, browser, slug, VIEWER);
  await viewer.goto(journeyUrl);
  await expect(viewer.locator(".react-flow__node")).toHaveCount(9);
  await expect(viewer.locator(".react-flow__edge")).toHaveCount(8);
  await expect(viewer.getByTestId("palette")).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: "Publish", exact: true })).toHaveCount(0);
  await expect(viewer.locator(".react-flow__handle.connectable")).toHaveCount(0);
  await viewer.getByTestId("node-Has not ordered?").click();
  await expect(viewer.getByTestId("inspector").getByLabel("Within days")).toBeDisabled();
  await screenshot(viewer, "abandoned-cart-viewer");
  await context.close();
});
