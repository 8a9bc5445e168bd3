import { expect, test } from "@playwright/test";
import { canvasNode, connect, inviteViewer, OWNER, screenshot, signIn, workspaceSlugOf } from "./helpers";

const VIEWER = { name: "Jules Journeyviewer", email: "jules@cairn.test", password: "looking not touching 7" };
const JOURNEY = "Onboarding: day one";

const node = canvasNode;

test("an owner builds a journey on the canvas, fixes its problems, publishes, pauses and resumes it", async ({
  page,
}) => {
  await signIn(page, OWNER.email, OWNER.password);
  const slug = workspaceSlugOf(page);

  await page.getByRole("button", { name: "New journey" }).click();
  await page.getByLabel("Journey name").fill(JOURNEY);
  await page.getByRole("button", { name: "Create and open" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/journeys/[0-9a-f-]{36}$`));
  const journeyUrl = page.url();
  await expect(page.getByTestId("journey-status")).toHaveText("Draft");

  const palette = page.getByTestId("palette");
  const problems = page.getByTestId("problems");

  // The trigger, before it has an event name: a problem, shown on the node and under the field.
  await palette.getByRole("button", { name: /^Event trigger/ }).click();
  await expect(problems).toContainText("Event name: is required");
  await expect(node(page, "Event trigger")).toHaveAttribute("data-problems", /[1-9]/);
  await expect(page.getByTestId("inspector").getByRole("alert").first()).toBeVisible();
  await page.getByLabel("Event name").fill("Signed Up");
  await expect(node(page, "Event trigger")).toContainText("On “Signed Up”");
  await expect(problems).not.toContainText("Event name: is required");
  await expect(problems).toContainText("connect the trigger to the first step");

  // Added below the selected step (the trigger, just added), and connected to it.
  await palette.getByRole("button", { name: /^Delay/ }).click();
  await expect(node(page, "Delay")).toContainText("Wait 1 day");
  await expect(page.locator(".react-flow__edge")).toHaveCount(1);
  await expect(problems).not.toContainText("connect the trigger to the first step");

  await palette.getByRole("button", { name: /^Update profile/ }).click();
  await page.getByTestId("inspector").getByRole("button", { name: "Add", exact: true }).click();
  await page.getByLabel("Trait", { exact: true }).fill("onboarding");
  await page.getByLabel("Value", { exact: true }).fill("day-1");
  await expect(node(page, "Update profile")).toContainText("onboarding = day-1");

  await palette.getByRole("button", { name: /^Goal/ }).click();
  await page.getByLabel("Goal event").fill("Project Created");
  await page.getByRole("button", { name: "Fit", exact: true }).click();
  await page.waitForTimeout(400);
  await screenshot(page, "journey-editor-click-to-add");
  await expect(page.locator(".react-flow__edge")).toHaveCount(3);

  // Dragging from an exit that is already connected replaces its connection (one per exit).
  await connect(page, "Event trigger", "Delay");
  await connect(page, "Update profile", "Goal");
  await expect(page.locator(".react-flow__edge")).toHaveCount(3);
  await expect(problems).toHaveText("Ready to publish");
  await expect(page.getByTestId("save-state")).toHaveText("Saved");
  await page.getByRole("button", { name: "Auto-layout" }).click();
  await page.waitForTimeout(400);
  await screenshot(page, "journey-editor");

  await page.getByRole("button", { name: "Publish", exact: true }).click();
  const diff = page.getByTestId("publish-diff");
  await expect(diff).toContainText("Added steps (4)");
  for (const step of ["Event trigger", "Delay", "Update profile", "Goal"]) await expect(diff).toContainText(step);
  await expect(diff).toContainText("New connections (3)");
  await screenshot(page, "journey-publish");
  await page.getByRole("button", { name: "Publish v1" }).click();
  await expect(page.getByTestId("journey-status")).toHaveText("Livev1");
  await page.getByRole("tab", { name: "History" }).click();
  await expect(page.getByTestId("versions")).toContainText(`Published by ${OWNER.email}`);

  // The graph survives a reload.
  await page.reload();
  await expect(page.locator(".react-flow__node")).toHaveCount(4);
  await expect(page.locator(".react-flow__edge")).toHaveCount(3);
  await expect(node(page, "Event trigger")).toContainText("Signed Up");
  await expect(node(page, "Update profile")).toContainText("onboarding = day-1");
  await expect(node(page, "Goal")).toContainText("Project Created");
  await expect(page.getByTestId("journey-status")).toHaveText("Livev1");
  // Published: every step shows its count row and is taller, yet none overlaps another.
  await expect(page.getByTestId("node-stats")).toHaveCount(4);
  const boxes = await page
    .locator(".react-flow__node")
    .evaluateAll((els) =>
      els.map((el) => el.getBoundingClientRect()).map(({ x, y, width, height }) => ({ x, y, width, height })),
    );
  for (const [i, a] of boxes.entries())
    for (const b of boxes.slice(i + 1))
      expect(a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y).toBe(true);
  await screenshot(page, "journey-live-counts");

  await page.getByRole("button", { name: "Pause" }).click();
  await expect(page.getByTestId("journey-status")).toHaveText("Pausedv1");
  await page.getByRole("button", { name: "Resume" }).click();
  await expect(page.getByTestId("journey-status")).toHaveText("Livev1");

  // An email step cannot be published without a template. Added below the goal, which has no exit: not
  // connected, and the canvas says so.
  await node(page, "Goal").click();
  await palette.getByRole("button", { name: /^Email/ }).click();
  await expect(page.getByTestId("add-note")).toContainText("“Goal” has no free exit");
  await expect(page.locator(".react-flow__edge")).toHaveCount(3);
  await expect(page.getByTestId("inspector").getByLabel("Template")).toBeVisible();
  await expect(problems).toContainText("Choose an existing email template");
  await expect(page.getByRole("button", { name: "Publish", exact: true })).toBeDisabled();
  await screenshot(page, "journey-email-problem");

  // Delete it with the keyboard; undo brings it back, redo removes it again.
  await node(page, "Email").click();
  await page.keyboard.press("Delete");
  await expect(node(page, "Email")).toHaveCount(0);
  await expect(page.locator(".react-flow__node")).toHaveCount(4);
  await page.keyboard.press("ControlOrMeta+z");
  await expect(node(page, "Email")).toHaveCount(1);
  await page.keyboard.press("ControlOrMeta+Shift+z");
  await expect(node(page, "Email")).toHaveCount(0);
  await expect(problems).toHaveText("Ready to publish");
  await expect(page.getByTestId("save-state")).toHaveText("Saved");

  // The list shows it live, and finds it by name.
  await page.goto(`/w/${slug}/journeys?q=day+one`);
  const row = page.getByTestId(`journey-${JOURNEY}`);
  await expect(row).toContainText("live");
  await expect(row).toContainText("v1");
  await page.getByRole("link", { name: "Draft", exact: true }).click();
  await expect(page.getByTestId(`journey-${JOURNEY}`)).toHaveCount(0);
  await screenshot(page, "journeys-list");
  expect(journeyUrl).toContain(`/w/${slug}/journeys/`);
});

test("a viewer sees a journey's canvas read-only", async ({ page, browser }) => {
  await signIn(page, OWNER.email, OWNER.password);
  const slug = workspaceSlugOf(page);
  await page.getByRole("link", { name: JOURNEY }).click();
  await expect(page.locator(".react-flow__node")).toHaveCount(4);
  const journeyUrl = page.url();

  const { viewer, context } = await inviteViewer(page, browser, slug, VIEWER);
  await expect(viewer.getByRole("button", { name: "New journey" })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: /^Archive/ })).toHaveCount(0);

  await viewer.goto(journeyUrl);
  await expect(viewer.locator(".react-flow__node")).toHaveCount(4);
  await expect(viewer.getByTestId("palette")).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: "Publish", exact: true })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: "Pause" })).toHaveCount(0);
  await expect(viewer.locator(".react-flow__node.draggable")).toHaveCount(0);
  await expect(viewer.locator(".react-flow__handle.connectable")).toHaveCount(0);
  await viewer.getByTestId("node-Event trigger").click();
  await expect(viewer.getByLabel("Event name")).toBeDisabled();
  await expect(viewer.getByLabel("Event name")).toHaveValue("Signed Up");
  await expect(viewer.getByRole("button", { name: "Delete step" })).toHaveCount(0);
  await screenshot(viewer, "journey-viewer");

  const forged = await viewer.request.put(
    `${journeyUrl.replace(`/w/${slug}/journeys/`, `/api/workspaces/${slug}/journeys/`)}/draft`,
    { data: { graph: { nodes: [], edges: [] } } },
  );
  expect(forged.status()).toBe(403);
  await context.close();
});
