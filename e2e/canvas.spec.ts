import { expect, test, type Locator, type Page } from "@playwright/test";
import { canvasNode as node, OWNER, screenshot, signIn } from "./helpers";

/** The canvas's zoom, from React Flow's viewport transform (node offsets on screen are flow offsets × zoom). */
async function zoomOf(page: Page): Promise<number> {
  return page
    .locator(".react-flow__viewport")
    .evaluate((el) => new DOMMatrixReadOnly(getComputedStyle(el).transform).a);
}
const box = async (locator: Locator) => (await locator.boundingBox())!;

test("at 1280×800: click-to-add connects to the selected step's free exit, pastes are offset, and both side panels collapse", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await signIn(page, OWNER.email, OWNER.password);
  await page.getByRole("button", { name: "New journey" }).click();
  await page.getByLabel("Journey name").fill("Canvas: first hour");
  await page.getByRole("button", { name: "Create and open" }).click();
  await expect(page.getByTestId("journey-status")).toHaveText("Draft");

  const palette = page.getByTestId("palette");
  const edges = page.locator(".react-flow__edge");
  const canvas = page.getByTestId("canvas");

  // Each click adds below the selected step (the one just added), connected to its first free exit.
  await palette.getByRole("button", { name: /^Event trigger/ }).click();
  await page.getByLabel("Event name").fill("Signed Up");
  await palette.getByRole("button", { name: /^Condition/ }).click();
  await expect(edges).toHaveCount(1);
  await palette.getByRole("button", { name: /^Email/ }).click();
  await expect(edges).toHaveCount(2);
  await expect(page.locator(".react-flow__edge-text", { hasText: "Yes" })).toHaveCount(1);
  // back to the condition: its free exit is now "No"
  await node(page, "Condition").click();
  await palette.getByRole("button", { name: /^Exit/ }).click();
  await expect(edges).toHaveCount(3);
  await expect(page.locator(".react-flow__edge-text", { hasText: "No" })).toHaveCount(1);
  await expect(page.getByTestId("problems")).not.toContainText("No path from the trigger leads here");
  // and with both exits taken, the new step is placed under it unconnected, and the canvas says so
  await node(page, "Condition").click();
  await palette.getByRole("button", { name: /^Delay/ }).click();
  await expect(page.getByTestId("add-note")).toContainText("“Condition” has no free exit");
  await expect(edges).toHaveCount(3);
  await expect(page.getByTestId("problems")).toContainText("No path from the trigger leads here");
  await page.getByTestId("add-note").getByRole("button", { name: "Dismiss" }).click();
  await expect(page.getByTestId("add-note")).toHaveCount(0);
  await node(page, "Delay").click();
  await page.keyboard.press("Delete");
  await expect(node(page, "Delay")).toHaveCount(0);
  await page.getByRole("button", { name: "Fit", exact: true }).click();
  await page.waitForTimeout(400);
  await screenshot(page, "canvas-click-to-add");

  // Copy the condition and its email, paste twice: the copies cascade 40 px apart and keep their edge.
  await node(page, "Condition").click();
  await node(page, "Email").click({ modifiers: ["Shift"] });
  await page.keyboard.press("ControlOrMeta+c");
  await page.keyboard.press("ControlOrMeta+v");
  await expect(node(page, "Condition")).toHaveCount(2);
  await expect(edges).toHaveCount(4);
  await page.keyboard.press("ControlOrMeta+v");
  await expect(node(page, "Condition")).toHaveCount(3);
  await expect(node(page, "Email")).toHaveCount(3);
  await expect(edges).toHaveCount(5);
  const zoom = await zoomOf(page);
  const [original, first, second] = [
    await box(node(page, "Condition").nth(0)),
    await box(node(page, "Condition").nth(1)),
    await box(node(page, "Condition").nth(2)),
  ];
  expect(first.x - original.x).toBeCloseTo(40 * zoom, 0);
  expect(first.y - original.y).toBeCloseTo(40 * zoom, 0);
  expect(second.x - original.x).toBeCloseTo(80 * zoom, 0);
  expect(second.y - original.y).toBeCloseTo(80 * zoom, 0);
  await screenshot(page, "canvas-pasted");

  // At 1280 px the canvas is narrow and the minimap would cover steps: it is left out until there is room.
  const narrow = await box(canvas);
  expect(narrow.width).toBeLessThan(520);
  await expect(page.locator(".react-flow__minimap")).toHaveCount(0);
  await screenshot(page, "canvas-1280-panels-open");
  await palette.getByRole("button", { name: "Hide steps" }).click();
  await page.getByRole("button", { name: "Hide inspector" }).click();
  await expect(page.getByTestId("palette")).toHaveCount(0);
  await expect(page.getByTestId("inspector-collapsed")).toBeVisible();
  await expect.poll(async () => (await box(canvas)).width).toBeGreaterThan(narrow.width + 400);
  await expect(page.locator(".react-flow__minimap")).toBeVisible();
  await page.getByRole("button", { name: "Fit", exact: true }).click();
  await page.waitForTimeout(400);
  await screenshot(page, "canvas-1280-panels-collapsed");

  // Remembered on the next visit; and they open again.
  await expect(page.getByTestId("save-state")).toHaveText("Saved");
  await page.reload();
  await expect(page.locator(".react-flow__node")).toHaveCount(8);
  await expect(page.getByTestId("palette")).toHaveCount(0);
  await expect(page.getByTestId("inspector-collapsed")).toBeVisible();
  await page.getByRole("button", { name: "Show steps" }).click();
  await page.getByRole("button", { name: "Show inspector" }).click();
  await expect(page.getByTestId("palette")).toBeVisible();
  await expect(page.getByRole("button", { name: "Hide inspector" })).toBeVisible();
  await expect.poll(async () => (await box(canvas)).width).toBeLessThan(520);
});
