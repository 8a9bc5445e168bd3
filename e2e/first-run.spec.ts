import { expect, test } from "@playwright/test";
import { OWNER, screenshot } from "./helpers";

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
