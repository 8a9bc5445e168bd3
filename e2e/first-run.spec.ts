import { expect, test } from "@playwright/test";
import { OWNER, screenshot } from "./helpers";

// Runs first (tests in this file run in order): the setup form exists only before the owner does.
test("without JavaScript, the setup form posts and its password never reaches a URL", async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false });
  const page = await context.newPage();
  const requested: string[] = [];
  page.on("request", (request) => requested.push(request.url()));
  await page.goto("/setup");
  await page.getByLabel("Your name").fill("No Script");
  await page.getByLabel("Work email").fill("noscript@cairn.test");
  await page.getByLabel("Password").fill("unscripted-passphrase-4711");
  await page.getByLabel("Workspace name").fill("No Script Workspace");
  await page.getByRole("button", { name: "Create owner account" }).click();
  await expect(page.getByRole("heading", { name: "This form needs JavaScript" })).toBeVisible();
  expect(requested.filter((url) => url.includes("unscripted") || url.includes("4711"))).toEqual([]);
  expect(page.url()).not.toContain("4711");
  // Nothing was created: setup is still open.
  await page.goto("/setup");
  await expect(page).toHaveURL(/\/setup$/);
  await context.close();
});

test("a fresh install offers creating the owner account, validates it, and signs the owner in", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Welcome to Cairn" })).toBeVisible();
  // Sign-in is not offered before anyone exists.
  await page.goto("/login");
  await expect(page).toHaveURL(/\/setup$/);

  await page.getByRole("button", { name: "Create owner account" }).click();
  await expect(page.getByText("Enter your name")).toBeVisible();
  await expect(page.getByText("Enter an email address")).toBeVisible();
  await expect(page.getByText("Use at least 10 characters")).toBeVisible();
  await expect(page.getByText("Enter a workspace name")).toBeVisible();

  await page.getByLabel("Your name").fill(OWNER.name);
  await page.getByLabel("Work email").fill("olivia-at-cairn.test");
  await page.getByRole("button", { name: "Create owner account" }).click();
  await expect(page.getByText("Enter a valid email address, like name@example.com")).toBeVisible();

  await page.getByLabel("Work email").fill(OWNER.email);
  await page.getByLabel("Password").fill("1234567890");
  await page.getByLabel("Workspace name").fill(OWNER.workspace);
  await page.getByRole("button", { name: "Create owner account" }).click();
  await expect(page.getByText("This password is too common; choose another")).toBeVisible();
  await expect(page.getByText("Enter your name")).toBeHidden();
  await screenshot(page, "setup-errors");

  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByRole("button", { name: "Create owner account" }).click();
  await expect(page).toHaveURL(/\/w\/acme-growth-[0-9a-f]{6}\/journeys$/);
  await expect(page.getByTestId("current-workspace")).toHaveText(OWNER.workspace);
  await expect(page.getByTestId("current-role")).toHaveText("Owner");
  await expect(page.getByRole("heading", { name: "Journeys", exact: true })).toBeVisible();
  await screenshot(page, "journeys");

  // Setup is closed for good once the owner exists.
  await page.goto("/setup");
  await expect(page).toHaveURL(/\/login$|\/journeys$/);
});
