import { expect, test } from "@playwright/test";
import { OWNER, screenshot, signIn, workspaceSlugOf } from "./helpers";

// Unique per run, so the spec never depends on what earlier runs or specs stored.
const run = Date.now().toString(36);
const TEMPLATE = `Multilingual welcome ${run}`;

test("an owner adds German in Settings → Languages, translates a template in the editor, previews it in German, exports and re-imports it, and a broken import is refused naming the unit", async ({
  page,
}) => {
  await signIn(page, OWNER.email, OWNER.password);
  const slug = workspaceSlugOf(page);

  // Settings → Languages: add German next to the default (from none, whatever earlier runs left)
  const reset = await page.request.patch(`/api/workspaces/${slug}/language-settings`, {
    data: { defaultLocale: "en", contentLocales: [] },
  });
  expect(reset.status(), await reset.text()).toBe(200);
  await page.goto(`/w/${slug}/settings`);
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Languages" }).click();
  await expect(page.getByLabel("Default language")).toBeVisible();
  await page.getByLabel("Add a language").fill("de");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status")).toHaveText("Saved");
  await expect(page.getByRole("list", { name: "Other languages" })).toContainText("German (de)");
  await screenshot(page, "settings-languages");

  // A template, saved once in the default language
  const created = await page.request.post(`/api/workspaces/${slug}/templates`, {
    data: {
      name: TEMPLATE,
      channel: "email",
      content: {
        subject: "Hi {{ profile.traits.first_name }}",
        html: "<p>Welcome, {{ profile.traits.first_name }}</p>",
      },
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  await page.goto(`/w/${slug}/templates/${id}`);

  // the German tab says the translation is missing; writing it makes it up to date and the preview German
  const german = page.getByRole("tab", { name: /German/ });
  await expect(german).toContainText("missing");
  await german.click();
  await page.getByLabel("Subject (German)").fill("Hallo {{ profile.traits.first_name }}");
  await page.getByLabel("HTML body (German)").fill("<p>Willkommen, {{ profile.traits.first_name }}</p>");
  await expect(german).toContainText("up to date");
  await expect(page.getByTestId("preview-subject")).toHaveText("Hallo Ada");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("save-status")).toContainText("v2 saved");
  await screenshot(page, "template-languages");

  // changing the default text makes the German translation outdated
  await page.getByRole("tab", { name: /English/ }).click();
  await page.getByLabel("Subject").fill("Hello {{ profile.traits.first_name }}");
  await expect(german).toContainText("outdated");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("save-status")).toContainText("v3 saved");

  // export for a translation service and import it back: a new version
  const exported = await page.request.get(
    `/api/workspaces/${slug}/templates/${id}/translations?locale=de&format=xliff`,
  );
  expect(exported.status()).toBe(200);
  const xliff = await exported.text();
  expect(xliff).toContain("Hello {{ profile.traits.first_name }}");
  const fixed = xliff.replace(
    /(<unit id="subject">[\s\S]*?<target xml:space="preserve">)[\s\S]*?(<\/target>)/,
    "$1Hallo du, {{ profile.traits.first_name }}$2",
  );
  const imported = await page.request.put(`/api/workspaces/${slug}/templates/${id}/translations?locale=de`, {
    headers: { "Content-Type": "application/xliff+xml" },
    data: fixed,
  });
  expect(imported.status(), await imported.text()).toBe(200);
  expect(((await imported.json()) as { currentVersion: number }).currentVersion).toBe(4);

  // a translator who lost a {{ is refused, naming the unit, and nothing is stored
  const broken = await page.request.put(`/api/workspaces/${slug}/templates/${id}/translations?locale=de`, {
    headers: { "Content-Type": "application/xliff+xml" },
    data: fixed.replace("Hallo du, {{ profile", "Hallo du, profile"),
  });
  expect(broken.status()).toBe(422);
  expect(((await broken.json()) as { error: { fields: { path: string }[] } }).error.fields[0].path).toBe(
    "units.subject",
  );
  await page.reload();
  await expect(page.getByTestId("template-version")).toContainText("v4");
  await expect(page.getByRole("tab", { name: /German/ })).toContainText("up to date");
});
