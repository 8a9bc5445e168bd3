import { expect, type Browser, type BrowserContext, type Page } from "@playwright/test";

/** The owner created by first-run.spec.ts; the other specs sign in as them. */
export const OWNER = {
  name: "Olivia Owner",
  email: "olivia@cairn.test",
  password: "stones stacked high 2026",
  workspace: "Acme Growth",
};

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/w\/[\w-]+\/journeys$/);
}

export function workspaceSlugOf(page: Page): string {
  const match = new URL(page.url()).pathname.match(/^\/w\/([\w-]+)/);
  if (!match) throw new Error(`Not on a workspace page: ${page.url()}`);
  return match[1];
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true });
}

/** Creates a full API key in Settings → API keys and returns it (shown once). */
export async function createFullKey(page: Page, slug: string, name: string): Promise<string> {
  await page.goto(`/w/${slug}/settings/api-keys`);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel(/^Full:/).check();
  await page.getByRole("button", { name: "Create key" }).click();
  const key = await page.getByTestId("new-api-key").inputValue();
  expect(key).toMatch(/^cairn_/);
  return key;
}

/** The signed-in admin invites `person` as a viewer; they accept in a browser of their own, signed in. */
export async function inviteViewer(
  page: Page,
  browser: Browser,
  slug: string,
  person: { name: string; email: string; password: string },
): Promise<{ viewer: Page; context: BrowserContext }> {
  await page.goto(`/w/${slug}/settings/members`);
  await page.getByLabel("Email").fill(person.email);
  await page.getByLabel("Role", { exact: true }).selectOption("VIEWER");
  await page.getByRole("button", { name: "Send invitation" }).click();
  const link = await page.getByTestId("invitation-link").inputValue();

  const context = await browser.newContext();
  const viewer = await context.newPage();
  await viewer.goto(link);
  await viewer.getByLabel("Your name").fill(person.name);
  await viewer.getByLabel("Choose a password").fill(person.password);
  await viewer.getByRole("button", { name: "Create account and join" }).click();
  await expect(viewer).toHaveURL(new RegExp(`/w/${slug}/journeys$`));
  return { viewer, context };
}

/** Creates a write (ingestion-only) API key in Settings → API keys and returns it (shown once). */
export async function createWriteKey(page: Page, slug: string, name: string): Promise<string> {
  await page.goto(`/w/${slug}/settings/api-keys`);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel(/^Write:/).check();
  await page.getByRole("button", { name: "Create key" }).click();
  const key = await page.getByTestId("new-api-key").inputValue();
  expect(key).toMatch(/^cairn_/);
  return key;
}

/** A step on the journey canvas, by the name it shows. */
export const canvasNode = (page: Page, name: string) => page.getByTestId(`node-${name}`);

/** Drags from a step's exit handle to another step's entry handle, with the mouse. */
export async function connect(page: Page, from: string, to: string, exit = "next"): Promise<void> {
  const source = canvasNode(page, from).locator(`.react-flow__handle.source[data-handleid="${exit}"]`);
  const target = canvasNode(page, to).locator(".react-flow__handle.target");
  const a = (await source.boundingBox())!;
  const b = (await target.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2 + 20, { steps: 12 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 4 });
  await page.mouse.up();
}
