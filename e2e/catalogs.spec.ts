import { expect, test } from "@playwright/test";
import { OWNER, signIn, workspaceSlugOf } from "./helpers";

// Unique per run, so the spec never depends on what earlier runs or specs made.
const run = Date.now().toString(36);
const KEY = `products_${run}`;

test("a catalog is created, a CSV is checked (problems shown, nothing stored), fixed, imported and searched", async ({
  page,
}) => {
  await signIn(page, OWNER.email, OWNER.password);
  const slug = workspaceSlugOf(page);

  await page.goto(`/w/${slug}/catalogs`);
  await page.getByLabel("Key").fill(KEY);
  await page.getByLabel("Name", { exact: true }).fill(`Products ${run}`);
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page).toHaveURL(new RegExp(`/catalogs/${KEY}$`));

  // a file with a bad price: the check lists it by row and column, and offers no Import
  const bad =
    "id,name,price,currency,category,in_stock\nsku-1,Trail shoe,89.90,USD,running,true\nsku-2,Road shoe,cheap,USD,running,true\n";
  await page
    .getByLabel("CSV file")
    .setInputFiles({ name: "products.csv", mimeType: "text/csv", buffer: Buffer.from(bad) });
  await page.getByRole("button", { name: "Check" }).click();
  await expect(page.getByText("1 problem: fix the file")).toBeVisible();
  await expect(page.getByRole("cell", { name: "price", exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Import" })).toHaveCount(0);
  await expect(page.getByText("No items yet")).toBeVisible();

  // fixed: 2 new, imported, listed and searchable
  const good = bad.replace("cheap", "120");
  await page
    .getByLabel("CSV file")
    .setInputFiles({ name: "products.csv", mimeType: "text/csv", buffer: Buffer.from(good) });
  await page.getByRole("button", { name: "Check" }).click();
  await expect(page.getByText("2 new, 0 changed")).toBeVisible();
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByRole("status")).toContainText("Imported: 2 new");
  await expect(page.getByRole("cell", { name: "Road shoe" })).toBeVisible();
  await page.getByLabel("Search items").fill("trail");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByRole("cell", { name: "Trail shoe" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "Road shoe" })).toHaveCount(0);
});
