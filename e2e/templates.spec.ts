import { expect, test } from "@playwright/test";
import { createWriteKey, OWNER, screenshot, signIn, workspaceSlugOf } from "./helpers";

// Unique per run, so the spec never depends on what earlier runs or specs stored.
const run = Date.now().toString(36);
const PERSON = { userId: `grace-${run}`, email: `grace.${run}@example.com` };
const TEMPLATE = `Welcome email ${run}`;

test("an owner writes an email template with Liquid, previews it for a real profile, saves v1 and v2, and is refused a syntax error", async ({
  page,
}) => {
  await signIn(page, OWNER.email, OWNER.password);
  const slug = workspaceSlugOf(page);

  // A person with a first name (and no plan), sent with a write key.
  const key = await createWriteKey(page, slug, `Templates e2e ${run}`);
  const identify = { type: "identify", userId: PERSON.userId, traits: { email: PERSON.email, first_name: "Grace" } };
  const sent = await page.request.post("/api/v1/batch", {
    headers: { Authorization: `Bearer ${key}` },
    data: { batch: [identify] },
  });
  expect(sent.status(), await sent.text()).toBe(200);

  await page.goto(`/w/${slug}/journeys`);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Templates" }).click();
  await expect(page.getByRole("heading", { name: "Templates", level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "New template" }).click();
  const dialog = page.getByRole("dialog", { name: "New template" });
  await dialog.getByLabel("Template name").fill(TEMPLATE);
  await dialog.getByLabel("Channel").selectOption("email");
  // written in code (a new email is visual unless one chooses code)
  await dialog.getByLabel(/^Code \(HTML\)/).check();
  await page.getByRole("button", { name: "Create and open" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/templates/[0-9a-f-]{36}$`));
  await expect(page.getByTestId("template-version")).toContainText("Not saved yet");

  await page.getByLabel("Subject").fill('Hi {{ profile.traits.first_name | default: "there" }}');
  await page
    .getByLabel("HTML body")
    .fill(
      '<h1>Hello {{ profile.traits.first_name | default: "there" }}</h1><p>Your plan: {{ profile.traits.plan }}.</p>',
    );

  // The sample profile first, then the real one: the preview follows.
  await expect(page.getByTestId("preview-profile")).toHaveText("the sample profile");
  await expect(page.getByTestId("preview-subject")).toHaveText("Hi Ada");
  await page.getByLabel("Find a profile to preview for").fill(PERSON.email);
  await page
    .getByRole("list", { name: "Matching profiles" })
    .getByRole("button", { name: new RegExp(PERSON.email.replace(/\./g, "\\.")) })
    .click();
  await expect(page.getByTestId("preview-profile")).toHaveText(PERSON.email);
  await expect(page.getByTestId("preview-subject")).toHaveText("Hi Grace");
  await expect(
    page.frameLocator('[data-testid="preview-html"]').getByRole("heading", { name: "Hello Grace" }),
  ).toBeVisible();
  await expect(page.getByTestId("preview-html")).toHaveAttribute("sandbox", "");
  await expect(page.getByTestId("missing-variables")).toContainText("profile.traits.plan");
  await screenshot(page, "template-preview-profile");

  await page.getByLabel("Text only").check();
  await expect(page.getByTestId("preview-text")).toHaveText("Hello Grace\n\nYour plan: .");
  await screenshot(page, "template-preview-text");
  await page.getByLabel("Text only").uncheck();

  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("save-status")).toHaveText("v1 saved");
  await expect(page.getByTestId("versions").getByRole("listitem")).toHaveCount(1);

  await page.getByLabel("Subject").fill("Welcome, {{ profile.traits.first_name }}");
  await expect(page.getByTestId("preview-subject")).toHaveText("Welcome, Grace");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("save-status")).toHaveText("v2 saved");
  await expect(page.getByTestId("versions").getByRole("listitem")).toHaveCount(2);
  await expect(page.getByTestId("template-version")).toHaveText("Current version: v2");

  // A syntax error shows under its field while typing, and Save is refused.
  await page.getByLabel("HTML body").fill("<p>Hello {{ profile.traits.first_name </p>");
  await expect(
    page.getByText(/^Liquid error: output "\{\{ profile\.traits\.first_name .*" not closed, line:1, col:10$/),
  ).toBeVisible();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("save-status")).toHaveText("Not saved: 1 field needs fixing.");
  await expect(page.getByLabel("HTML body")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByTestId("template-version")).toHaveText("Current version: v2");
  await screenshot(page, "template-syntax-error");

  // Nothing was stored: after a reload the editor holds v2.
  await page.reload();
  await expect(page.getByTestId("template-version")).toHaveText("Current version: v2");
  await expect(page.getByLabel("HTML body")).toHaveValue(
    '<h1>Hello {{ profile.traits.first_name | default: "there" }}</h1><p>Your plan: {{ profile.traits.plan }}.</p>',
  );

  // The list shows it under its channel.
  await page.goto(`/w/${slug}/templates?channel=email`);
  await expect(page.getByTestId(`template-${TEMPLATE}`)).toContainText("v2");
  await screenshot(page, "templates-list");
});

test("an owner writes a webhook template: the preview shows the request's headers and its JSON body pretty-printed, or says it is not JSON", async ({
  page,
}) => {
  await signIn(page, OWNER.email, OWNER.password);
  const slug = workspaceSlugOf(page);
  await page.goto(`/w/${slug}/templates`);
  await page.getByRole("button", { name: "New template" }).click();
  const dialog = page.getByRole("dialog", { name: "New template" });
  await dialog.getByLabel("Template name").fill(`CRM sync ${run}`);
  await dialog.getByLabel("Channel").selectOption("webhook");
  await page.getByRole("button", { name: "Create and open" }).click();
  await expect(page.getByTestId("template-version")).toContainText("Not saved yet");

  await expect(page.getByLabel("Content type")).toHaveValue("json");
  await page
    .getByLabel("Body", { exact: true })
    .fill(
      '{"user":{{ profile.userId | json }},"name":{{ profile.traits.first_name | json }},"plan":"{{ profile.traits.plan }}"}',
    );
  await page.getByRole("button", { name: "Add header" }).click();
  await page.getByLabel("Header 1 name").fill("X-Plan");
  await page.getByLabel("Header 1 value").fill("{{ profile.traits.plan | upcase }}");
  await expect(page.getByTestId("preview-body")).toHaveText(
    '{\n  "user": "sample-user",\n  "name": "Ada",\n  "plan": "pro"\n}',
  );
  await expect(page.getByTestId("preview-headers")).toContainText("Content-Type:application/json");
  await expect(page.getByTestId("preview-headers")).toContainText("X-Plan:PRO");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("save-status")).toHaveText("v1 saved");
  await screenshot(page, "webhook-template-preview");

  // A value written without | json breaks the JSON: the preview says so, and saving warns.
  await page.getByLabel("Body", { exact: true }).fill('{"name": {{ profile.traits.first_name }}}');
  await expect(page.getByTestId("preview-warnings")).toContainText("not JSON");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("save-status")).toHaveText("v2 saved, with a warning");
  await expect(page.getByTestId("save-warnings")).toContainText(
    "renders to something that is not JSON for the sample profile",
  );
  await screenshot(page, "webhook-template-not-json");
});

test("an owner previews a cart email with a person's real event or typed JSON, and is asked before leaving with unsaved changes", async ({
  page,
}) => {
  await signIn(page, OWNER.email, OWNER.password);
  const slug = workspaceSlugOf(page);
  const shopper = { userId: `cart-${run}`, email: `cart.${run}@example.com` };
  const key = await createWriteKey(page, slug, `Cart preview e2e ${run}`);
  const batch = [
    { type: "identify", userId: shopper.userId, traits: { email: shopper.email, first_name: "Lin" } },
    {
      type: "track",
      userId: shopper.userId,
      event: "Cart Updated",
      properties: { items: [{ name: "Blue mug", quantity: 2 }] },
    },
  ];
  const sent = await page.request.post("/api/v1/batch", {
    headers: { Authorization: `Bearer ${key}` },
    data: { batch },
  });
  expect(sent.status(), await sent.text()).toBe(200);

  await page.goto(`/w/${slug}/templates`);
  await page.getByRole("button", { name: "New template" }).click();
  const dialog = page.getByRole("dialog", { name: "New template" });
  await dialog.getByLabel("Template name").fill(`Cart reminder ${run}`);
  await dialog.getByLabel("Channel").selectOption("email");
  // written in code (a new email is visual unless one chooses code)
  await dialog.getByLabel(/^Code \(HTML\)/).check();
  await page.getByRole("button", { name: "Create and open" }).click();
  await expect(page.getByTestId("template-version")).toContainText("Not saved yet");
  await page.getByLabel("Subject").fill("{{ event.properties.items.size }} item(s) in your cart");
  await page
    .getByLabel("HTML body")
    .fill(
      "<ul>{% for item in event.properties.items %}<li>{{ item.name }} × {{ item.quantity }}</li>{% endfor %}</ul>",
    );

  // The sample order has no items: the cart is empty until a real event is chosen.
  await expect(page.getByTestId("preview-subject")).toHaveText(/^\s*item\(s\) in your cart$/);
  await page.getByLabel("Find a profile to preview for").fill(shopper.email);
  await page
    .getByRole("list", { name: "Matching profiles" })
    .getByRole("button", { name: new RegExp(shopper.email.replace(/\./g, "\\.")) })
    .click();
  await page.getByLabel("Event for event.properties").selectOption("person");
  const theirEvent = page.getByLabel(/person.s event/);
  await expect(theirEvent.getByRole("option", { name: /Cart Updated/ })).toHaveCount(1);
  await theirEvent.selectOption(
    (await theirEvent.getByRole("option", { name: /Cart Updated/ }).getAttribute("value"))!,
  );
  await expect(page.getByTestId("preview-subject")).toHaveText("1 item(s) in your cart");
  await expect(page.frameLocator('[data-testid="preview-html"]').getByText("Blue mug × 2")).toBeVisible();
  await screenshot(page, "template-preview-real-event");

  // Typed JSON renders too; JSON that does not parse is named.
  await page.getByLabel("Event for event.properties").selectOption("json");
  await page
    .getByLabel("Event properties (JSON, at most 32 KB)")
    .fill('{"items": [{"name": "Red pen", "quantity": 3}]}');
  await expect(page.frameLocator('[data-testid="preview-html"]').getByText("Red pen × 3")).toBeVisible();
  await page.getByLabel("Event properties (JSON, at most 32 KB)").fill('{"items": [');
  await expect(page.getByText(/The preview failed: .*event\.properties/)).toBeVisible();

  // Unsaved changes: following a link asks first; cancelling stays on the editor.
  const asked: string[] = [];
  page.once("dialog", (d) => {
    asked.push(d.message());
    void d.dismiss();
  });
  await page.getByRole("link", { name: "Templates" }).first().click();
  await expect.poll(() => asked.length).toBe(1);
  expect(asked[0]).toContain("unsaved changes");
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/templates/[0-9a-f-]{36}$`));
  await expect(page.getByLabel("Subject")).toHaveValue("{{ event.properties.items.size }} item(s) in your cart");

  // After saving, nothing asks.
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("save-status")).toHaveText(/^v1 saved/);
  page.on("dialog", (d) => {
    asked.push(d.message());
    void d.accept();
  });
  await page.getByRole("link", { name: "Templates" }).first().click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/templates$`));
  expect(asked).toHaveLength(1);
});
