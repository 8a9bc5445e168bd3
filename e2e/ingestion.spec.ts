import { createHmac } from "node:crypto";
import { expect, test } from "@playwright/test";
import { createWriteKey, OWNER, screenshot, signIn, workspaceSlugOf } from "./helpers";

// Unique per run, so the spec never depends on what earlier runs or specs sent.
const run = Date.now().toString(36);
const PERSON = { anonymousId: `anon-${run}`, userId: `ada-${run}`, email: `ada.${run}@example.com` };
const VIEWER = { name: "Ingrid Insight", email: `ingrid.${run}@cairn.test`, password: "looking not touching 7" };

// The later tests read what the first one sent (and a failed test restarts the worker with new ids).
test.describe.configure({ mode: "serial" });

test("events sent with a write key show up live, in the catalog and on the person's profile", async ({ page }) => {
  await signIn(page, OWNER.email, OWNER.password);
  const slug = workspaceSlugOf(page);

  // Before anything is sent, the empty states say what to do (other specs send no events).
  await page.goto(`/w/${slug}/profiles`);
  if (await page.getByRole("heading", { name: "No profiles yet" }).isVisible()) {
    await expect(page.getByRole("link", { name: "Send your first event" })).toHaveAttribute(
      "href",
      `/w/${slug}/settings/sources`,
    );
    await screenshot(page, "profiles-empty");
  }
  await page.goto(`/w/${slug}/events`);
  if (await page.getByRole("heading", { name: "Waiting for the first event" }).isVisible()) {
    await screenshot(page, "events-empty");
    await page.getByRole("link", { name: "Catalog", exact: true }).click();
    await expect(page.getByRole("heading", { name: "The catalog is empty" })).toBeVisible();
    await screenshot(page, "catalog-empty");
  }

  const key = await createWriteKey(page, slug, "Website");
  const send = async (batch: object[]) => {
    const response = await page.request.post("/api/v1/batch", {
      headers: { Authorization: `Bearer ${key}` },
      data: { batch },
    });
    expect(response.status(), await response.text()).toBe(200);
    return response.json();
  };

  // An anonymous visitor reads the pricing page, then signs up.
  const pageView = {
    type: "page",
    anonymousId: PERSON.anonymousId,
    name: "Pricing",
    properties: { path: "/pricing", title: "Pricing · Acme" },
  };
  const identify = {
    type: "identify",
    userId: PERSON.userId,
    anonymousId: PERSON.anonymousId,
    traits: { email: PERSON.email, plan: "pro", company: { name: "Analytical Engines", size: 12 } },
  };
  expect(await send([pageView, identify])).toMatchObject({ success: true, stored: 2 });

  // The live view is open when the order arrives: it appears without a reload.
  await page.goto(`/w/${slug}/events`);
  await expect(page.getByTestId("live-status")).toHaveText("Live");
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
  const live = page.getByTestId("live-events");
  await expect(live.getByText("Page Viewed", { exact: true })).toBeVisible();
  await expect(live.getByText("Order Completed", { exact: true })).toHaveCount(0);

  await send([
    {
      type: "track",
      userId: PERSON.userId,
      event: "Order Completed",
      properties: { orderId: "1001", revenue: 49.9, currency: "EUR", items: [{ sku: "CAIRN-1", qty: 2 }] },
    },
  ]);
  const order = page.getByTestId("live-event").filter({ hasText: "Order Completed" });
  await expect(order).toBeVisible();
  await expect(order).toContainText(PERSON.userId);
  await expect(order).toContainText("revenue: 49.9");

  // One more, to be sure it keeps listening.
  await send([
    { type: "track", userId: PERSON.userId, event: "Invoice Downloaded", properties: { invoiceId: "INV-77" } },
  ]);
  await expect(page.getByTestId("live-event").first()).toContainText("Invoice Downloaded");
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);

  await order.getByRole("button", { name: "JSON of Order Completed" }).click();
  await expect(page.getByText('"sku": "CAIRN-1"')).toBeVisible();
  await screenshot(page, "events-live");

  // Paused, nothing new is shown; resumed, it catches up.
  await page.getByRole("button", { name: "Pause" }).click();
  await expect(page.getByTestId("live-status")).toHaveText("Paused");
  await send([{ type: "track", userId: PERSON.userId, event: "Settings Opened" }]);
  await page.waitForTimeout(3000);
  await expect(live.getByText("Settings Opened", { exact: true })).toHaveCount(0);
  await page.getByRole("button", { name: "Resume" }).click();
  await expect(page.getByTestId("live-status")).toHaveText("Live");
  await expect(live.getByText("Settings Opened", { exact: true })).toBeVisible();

  // The catalog lists every event name with its properties.
  await page.getByRole("link", { name: "Catalog", exact: true }).click();
  await expect(page).toHaveURL(/\?view=catalog$/);
  const catalogEntry = page.getByTestId("catalog-Order Completed");
  await expect(catalogEntry).toContainText("revenue");
  await expect(catalogEntry).toContainText("number");
  await expect(catalogEntry.getByRole("img", { name: /Order Completed: 1 in the last 30 days/ })).toBeVisible();
  await expect(page.getByTestId("catalog-Page Viewed")).toContainText("path");
  await screenshot(page, "events-catalog");

  // Search finds the person by email.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Profiles" }).click();
  await page.getByLabel("Search profiles").fill(PERSON.email);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/\/profiles\?q=/);
  const result = page.getByTestId("profile-row");
  await expect(result).toHaveCount(1);
  await expect(result).toContainText(PERSON.email);
  await expect(result).toContainText(PERSON.anonymousId);
  await screenshot(page, "profiles-search");

  await page.getByLabel("Search profiles").fill(`nobody-${run}`);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByRole("heading", { name: `No profile matches “nobody-${run}”` })).toBeVisible();
  await page.goBack();

  // The profile: traits, identities and the whole timeline, including the visit before signing up.
  await page.getByTestId("profile-row").getByRole("link", { name: PERSON.userId }).click();
  await expect(page.getByRole("heading", { level: 1, name: PERSON.userId })).toBeVisible();
  const traits = page.getByTestId("profile-traits");
  await expect(traits.getByRole("row", { name: /plan/ })).toContainText("pro");
  await expect(traits.getByRole("row", { name: /email/ })).toContainText(PERSON.email);
  await expect(traits.getByRole("row", { name: /company/ })).toContainText('{"name":"Analytical Engines","size":12}');
  await expect(page.getByTestId("profile-identities")).toContainText(PERSON.anonymousId);
  const timeline = page.getByTestId("timeline-event");
  await expect(timeline.first()).toContainText("Settings Opened");
  const visit = timeline.filter({ hasText: "Page Viewed" });
  await expect(visit).toHaveCount(1);
  await expect(timeline.filter({ hasText: "Order Completed" })).toHaveCount(1);
  await visit.getByText("Show details").click();
  await expect(visit.getByText('"path": "/pricing"')).toBeVisible();
  await screenshot(page, "profile");
});

test("an admin connects a webhook source in Settings → Sources and it receives signed deliveries", async ({ page }) => {
  await signIn(page, OWNER.email, OWNER.password);
  const slug = workspaceSlugOf(page);
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Sources" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/settings/sources$`));

  const origin = new URL(page.url()).origin;
  const curl = page.getByTestId("test-event-curl");
  await expect(curl).toContainText(`${origin}/api/v1/track`);
  await expect(curl).toContainText('-u "<YOUR_WRITE_KEY>:"');
  await expect(page.getByLabel("Batch endpoint URL")).toHaveValue(`${origin}/api/v1/batch`);

  // Problems are shown under the fields they concern.
  await expect(page.getByText("No webhook sources yet.")).toBeVisible();
  await page.getByRole("button", { name: "Add webhook source" }).click();
  await expect(page.getByLabel("Name", { exact: true })).toBeFocused();
  await page.getByLabel("User id path").fill("customer id");
  await page.getByRole("button", { name: "Add source" }).click();
  await expect(page.getByText("Name the source, e.g. “Shop orders”")).toBeVisible();
  await expect(page.getByText('Must be a path like "customer.id" or "$.line_items.0.sku"')).toBeVisible();
  await expect(page.getByLabel("User id path")).toHaveAttribute("aria-invalid", "true");
  await screenshot(page, "sources-errors");

  await page.getByLabel("Name", { exact: true }).fill("Shop orders");
  await page.getByLabel("User id path").fill("customer.id");
  await page.getByLabel("Fixed event name").fill("Order Placed");
  await page.getByLabel("Delivery id path").fill("id");
  await page.getByLabel("Properties path").fill("$.order");
  await page.getByLabel("Signing secret (optional)").fill("shop-signing-secret");
  await page.getByRole("button", { name: "Add source" }).click();

  const url = await page.getByTestId("new-webhook-url").inputValue();
  expect(url).toMatch(new RegExp(`^${origin}/api/v1/webhooks/[0-9a-f-]{36}$`));
  const listed = page.getByTestId("webhook-source-Shop orders");
  await expect(listed).toContainText("Signed");
  await expect(listed).toContainText("no deliveries yet");
  await expect(listed.getByTestId("webhook-url-Shop orders")).toHaveValue(url);
  await expect(listed).toContainText("“Order Placed” (fixed)");

  // A signed delivery is accepted; an unsigned one is refused.
  const body = JSON.stringify({
    id: `delivery-${run}`,
    customer: { id: PERSON.userId },
    order: { number: 5001, total: 120 },
  });
  const signature = createHmac("sha256", "shop-signing-secret").update(body).digest("hex");
  const path = new URL(url).pathname;
  const unsigned = await page.request.post(path, { headers: { "Content-Type": "application/json" }, data: body });
  expect(unsigned.status()).toBe(401);
  const signed = await page.request.post(path, {
    headers: { "Content-Type": "application/json", "X-Cairn-Signature": `sha256=${signature}` },
    data: body,
  });
  expect(signed.status(), await signed.text()).toBe(200);

  await page.reload();
  await expect(page.getByTestId("webhook-source-Shop orders")).toContainText("last delivery");

  // Edit the mapping.
  await page.getByRole("button", { name: "Edit Shop orders" }).click();
  const edit = page.getByRole("form", { name: "Edit Shop orders" });
  await expect(edit.getByLabel("User id path")).toHaveValue("customer.id");
  await expect(edit.getByLabel("Remove the signing secret (accept unsigned deliveries)")).not.toBeChecked();
  await screenshot(page, "sources-edit");
  await edit.getByLabel("Fixed event name").fill("Order Created");
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByTestId("webhook-source-Shop orders")).toContainText("“Order Created” (fixed)");
  await expect(page.getByTestId("webhook-source-Shop orders")).toContainText("Signed"); // an empty secret field keeps the secret
  await screenshot(page, "sources");

  // The delivery is an event of the person it names, from that source.
  await page.goto(`/w/${slug}/events`);
  const delivery = page.getByTestId("live-event").filter({ hasText: "Order Placed" });
  await expect(delivery).toContainText("Webhook “Shop orders”");
  await expect(delivery).toContainText(PERSON.userId);

  // Delete (a second source made for it), after confirming.
  const created = await page.request.post(`/api/workspaces/${slug}/webhook-sources`, {
    data: { name: "Old CRM", mapping: { anonymousIdPath: "contact.token", eventNamePath: "type" } },
  });
  expect(created.status()).toBe(201);
  await page.goto(`/w/${slug}/settings/sources`);
  await expect(page.getByTestId("webhook-source-Old CRM")).toContainText("Unsigned");
  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: "Delete Old CRM" }).click();
  await expect(page.getByTestId("webhook-source-Old CRM")).toHaveCount(0);
  await expect(page.getByTestId("webhook-source-Shop orders")).toBeVisible();
});

test("a viewer reads events, profiles and sources but cannot change sources", async ({ page, browser }) => {
  await signIn(page, OWNER.email, OWNER.password);
  const slug = workspaceSlugOf(page);
  const invitation = await page.request.post(`/api/workspaces/${slug}/invitations`, {
    data: { email: VIEWER.email, role: "VIEWER" },
  });
  expect(invitation.status()).toBe(201);
  const { url } = await invitation.json();

  const context = await browser.newContext();
  const viewer = await context.newPage();
  await viewer.goto(url);
  await viewer.getByLabel("Your name").fill(VIEWER.name);
  await viewer.getByLabel("Choose a password").fill(VIEWER.password);
  await viewer.getByRole("button", { name: "Create account and join" }).click();
  await expect(viewer.getByTestId("current-role")).toHaveText("Viewer");

  await viewer.goto(`/w/${slug}/settings/sources`);
  await expect(viewer.getByTestId("webhook-source-Shop orders")).toBeVisible();
  await expect(viewer.getByRole("button", { name: "Add webhook source" })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: /^Edit|^Delete/ })).toHaveCount(0);
  await expect(viewer.getByText("Ask an admin or owner of this workspace for a write key")).toBeVisible();
  await expect(viewer.getByRole("link", { name: "Settings → API keys" })).toHaveCount(0);
  await screenshot(viewer, "sources-viewer");

  await viewer.goto(`/w/${slug}/profiles?q=${encodeURIComponent(PERSON.userId)}`);
  await viewer.getByTestId("profile-row").getByRole("link", { name: PERSON.userId }).click();
  await expect(viewer.getByTestId("profile-traits")).toContainText("pro");

  const forged = await viewer.request.post(`/api/workspaces/${slug}/webhook-sources`, {
    data: { name: "Sneaky", mapping: { userIdPath: "id", eventName: "X" } },
  });
  expect(forged.status()).toBe(403);
  await context.close();
});
