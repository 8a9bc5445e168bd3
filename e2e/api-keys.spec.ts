import { expect, test } from "@playwright/test";
import { OWNER, screenshot, signIn, workspaceSlugOf } from "./helpers";

test("the owner creates an API key, uses it, and revokes it", async ({ page }) => {
  await signIn(page, OWNER.email, OWNER.password);
  const slug = workspaceSlugOf(page);
  await page.goto(`/w/${slug}/settings/api-keys`);
  await expect(page.getByText("No API keys yet.")).toBeVisible();

  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByText("Name the key, e.g. “Website” or “Backend”")).toBeVisible();

  await page.getByLabel("Name").fill("Backend");
  await page.getByLabel(/^Full:/).check();
  await page.getByRole("button", { name: "Create key" }).click();
  const secret = await page.getByTestId("new-api-key").inputValue();
  expect(secret).toMatch(/^cairn_[\w-]{43}$/);
  const row = page.getByTestId("api-key-Backend");
  await expect(row).toContainText(secret.slice(0, 12));
  await expect(row).toContainText("Never");
  await screenshot(page, "api-keys");

  const used = await page.request.get("/api/v1/workspace", { headers: { Authorization: `Bearer ${secret}` } });
  expect(used.status()).toBe(200);
  expect((await used.json()).workspace.slug).toBe(slug);

  await page.reload();
  await expect(page.getByTestId("api-key-Backend")).not.toContainText("Never");
  await expect(page.getByTestId("new-api-key")).toHaveCount(0); // shown once, never again

  page.once("dialog", (dialog) => dialog.accept());
  await page.getByTestId("api-key-Backend").getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByTestId("api-key-Backend")).toContainText("Revoked");

  const refused = await page.request.get("/api/v1/workspace", { headers: { Authorization: `Bearer ${secret}` } });
  expect(refused.status()).toBe(401);

  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByText(/Revoked the API key "Backend"/)).toBeVisible();
  await expect(page.getByText(/Created the full API key "Backend"/)).toBeVisible();
  await screenshot(page, "audit-log");
});
