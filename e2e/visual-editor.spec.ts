import { expect, type Locator, type Page, test } from "@playwright/test";
import { createWriteKey, OWNER, screenshot, signIn, workspaceSlugOf } from "./helpers";

// Unique per run, so the spec never depends on what earlier runs or specs stored.
const run = Date.now().toString(36);
const PERSON = { userId: `grace-${run}`, email: `grace.${run}@example.com` };
const TEMPLATE = `Visual welcome ${run}`;
const GREETING = 'Hello {{ profile.traits.first_name | default: "there" }}, <b>welcome</b>!';
const BUTTON_HREF = '{{ event.properties.url | default: "https://shop.example/new" }}';

/** Drags with the pointer the way dnd-kit's pointer sensor needs: press, several moves, release. */
async function drag(page: Page, from: Locator, to: Locator): Promise<void> {
  // both ends well inside the window: near its edge dnd-kit scrolls the page while dragging, and the drop point
  // measured before the drag would then be somewhere else
  await to.evaluate((el) => el.scrollIntoView({ block: "center" }));
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  if (!a || !b) throw new Error("nothing to drag, or nowhere to drop");
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 10, a.y + a.height / 2 + 10, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 15 });
  await page.mouse.up();
}

test("a visual email: drag blocks in, type Liquid, preview on a real profile at mobile width and in dark mode, save, reload, still visual with its Liquid intact", async ({
  page,
}) => {
  await signIn(page, OWNER.email, OWNER.password);
  const slug = workspaceSlugOf(page);
  const key = await createWriteKey(page, slug, `Visual editor e2e ${run}`);
  const identify = { type: "identify", userId: PERSON.userId, traits: { email: PERSON.email, first_name: "Grace" } };
  const sent = await page.request.post("/api/v1/batch", {
    headers: { Authorization: `Bearer ${key}` },
    data: { batch: [identify] },
  });
  expect(sent.status(), await sent.text()).toBe(200);

  await page.goto(`/w/${slug}/templates`);
  await page.getByRole("button", { name: "New template" }).click();
  const dialog = page.getByRole("dialog", { name: "New template" });
  await dialog.getByLabel("Template name").fill(TEMPLATE);
  await dialog.getByLabel("Channel").selectOption("email");
  await expect(dialog.getByLabel(/^Visual/)).toBeChecked();
  await expect(dialog.getByText("A code email stays code")).toBeVisible();
  await page.getByRole("button", { name: "Create and open" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/templates/[0-9a-f-]{36}\\?editor=visual$`));
  const editor = page.getByTestId("visual-editor");
  await expect(editor).toBeVisible();
  await expect(page.getByLabel("HTML body")).toHaveCount(0);
  await page.getByLabel("Subject").fill("Welcome, {{ profile.traits.first_name }}");

  // the starter: text, button, footer; drag a divider in above the button, and columns to the end
  const blocks = page.getByTestId("canvas-block");
  await expect(blocks).toHaveCount(3);
  await drag(page, page.getByTestId("palette-divider"), blocks.nth(1));
  await expect(blocks).toHaveCount(4);
  await expect(blocks.nth(1)).toHaveAttribute("data-block-type", "divider");
  await page.getByTestId("palette-columns").click();
  await expect(blocks).toHaveCount(5);
  await expect(blocks.nth(4)).toHaveAttribute("data-block-type", "columns");
  // the keyboard: the columns block's handle, Space, up, Space moves it above the footer
  // (each key waits for dnd-kit's screen-reader announcement of the step before it: pressed back to back on a
  // busy machine, the arrow could land before the drag had started)
  const announced = page.locator('[id^="DndLiveRegion"]');
  await blocks.nth(4).getByTestId("drag-handle").focus();
  await page.keyboard.press("Space");
  await expect(announced).toContainText(/Picked up|was moved over/);
  const pickedUp = await announced.textContent();
  await page.keyboard.press("ArrowUp");
  await expect.poll(() => announced.textContent()).not.toBe(pickedUp);
  await page.keyboard.press("Space");
  await expect(announced).toContainText("was dropped");
  await expect(blocks.nth(3)).toHaveAttribute("data-block-type", "columns");
  await expect(blocks.nth(4)).toHaveAttribute("data-block-type", "footer");

  // Liquid typed into the text block and the button's link
  await blocks.nth(0).getByTestId("select-block").click();
  await page.getByTestId("rich-text").fill(GREETING);
  await blocks.nth(2).getByTestId("select-block").click();
  const properties = page.getByTestId("block-properties");
  // a javascript: link is refused under the field while editing (the server's compile names the block's href)
  await properties.getByLabel("Link", { exact: true }).fill("javascript:alert(1)");
  await expect(properties.getByRole("alert")).toContainText("Must be an https://");
  await properties.getByLabel("Link", { exact: true }).fill(BUTTON_HREF);
  await expect(properties.getByRole("alert")).toHaveCount(0);
  await properties.getByLabel("Label", { exact: true }).fill("See what is new");

  // the preview, for the real person
  await page.getByLabel("Find a profile to preview for").fill(PERSON.email);
  await page
    .getByRole("list", { name: "Matching profiles" })
    .getByRole("button", { name: new RegExp(PERSON.email.replace(/\./g, "\\.")) })
    .click();
  await expect(page.getByTestId("preview-subject")).toHaveText("Welcome, Grace");
  const frame = page.frameLocator('[data-testid="preview-html"]');
  await expect(frame.getByText("Hello Grace, welcome!")).toBeVisible();
  await expect(frame.getByRole("link", { name: "See what is new" })).toHaveAttribute(
    "href",
    "https://shop.example/new",
  );
  await expect(frame.getByRole("link", { name: "Unsubscribe" })).toBeVisible();

  await page.getByRole("button", { name: "Mobile" }).click();
  await expect(page.getByTestId("preview-frame")).toHaveAttribute("data-device", "mobile");
  const width = (await page.getByTestId("preview-html").boundingBox())?.width ?? 0;
  expect(width).toBeLessThanOrEqual(375);
  await page.getByRole("button", { name: "Dark" }).click();
  await expect
    .poll(async () =>
      page
        .frames()
        .find((f) => f !== page.mainFrame() && f.url() === "about:srcdoc")
        ?.evaluate(() => getComputedStyle(document.body).backgroundColor),
    )
    .toBe("rgb(17, 17, 19)");
  await screenshot(page, "visual-editor-mobile-dark");

  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("save-status")).toHaveText("v1 saved");

  // reload: still visual, the Liquid exactly as typed (straight quotes, no escaped braces)
  await page.goto(page.url().replace(/\?editor=visual$/, ""));
  await expect(page.getByTestId("visual-editor")).toBeVisible();
  await page.getByTestId("canvas-block").nth(0).getByTestId("select-block").click();
  await expect(page.getByTestId("rich-text")).toHaveValue(GREETING);
  const id = page.url().split("/").pop();
  const stored = await page.request.get(`/api/workspaces/${slug}/templates/${id}`);
  const content = (await stored.json()).content as { html: string; editor: { kind: string } };
  expect(content.editor.kind).toBe("visual");
  expect(content.html).toContain('Hello {{ profile.traits.first_name | default: "there" }}, <b>welcome</b>!');
  expect(content.html).toContain(`href="${BUTTON_HREF}"`);
});
