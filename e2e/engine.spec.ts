import { expect, test } from "@playwright/test";
import { createFullKey, OWNER, screenshot, signIn, workspaceSlugOf } from "./helpers";

// Unique per run, so the spec never depends on what earlier runs or specs sent.
const run = Date.now().toString(36);
const ADA = `ada-engine-${run}`;
const BOB = `bob-engine-${run}`;

const at = (x: number, y: number) => ({ x, y });
const ONBOARDING = {
  nodes: [
    {
      id: "trigger",
      type: "trigger.event",
      position: at(0, 0),
      label: "Trial started",
      config: { eventName: `trial_started_${run}`, filters: [] },
    },
    {
      id: "tag",
      type: "action.update_profile",
      position: at(0, 180),
      label: "Tag as trialist",
      config: { set: { stage: "trial" } },
    },
    {
      id: "is_pro",
      type: "condition",
      position: at(0, 360),
      label: "On the pro plan?",
      config: { rules: { match: "all", rules: [{ kind: "trait", trait: "plan", operator: "equals", value: "pro" }] } },
    },
    {
      id: "activation",
      type: "wait_for_event",
      position: at(-220, 560),
      label: "Activated within a day?",
      config: { eventName: `activated_${run}`, timeout: { amount: 1, unit: "days" } },
    },
    { id: "activated", type: "exit", position: at(-420, 760), label: "Activated", config: {} },
    { id: "not_yet", type: "exit", position: at(-20, 760), label: "Not activated", config: {} },
    { id: "tips", type: "action.email", position: at(220, 560), label: "Free plan tips", config: { templateId: "" } },
    { id: "free", type: "exit", position: at(220, 760), label: "Free plan", config: {} },
  ],
  edges: [
    { id: "e1", source: "trigger", target: "tag" },
    { id: "e2", source: "tag", target: "is_pro" },
    { id: "e3", source: "is_pro", target: "activation", branch: "yes" },
    { id: "e4", source: "is_pro", target: "tips", branch: "no" },
    { id: "e7", source: "tips", target: "free" },
    { id: "e5", source: "activation", target: "activated", branch: "arrived" },
    { id: "e6", source: "activation", target: "not_yet", branch: "timed_out" },
  ],
};

test("a published journey runs on the embedded executor: live counts on the canvas, the path on the profile", async ({
  page,
}) => {
  await signIn(page, OWNER.email, OWNER.password);
  const slug = workspaceSlugOf(page);
  const key = await createFullKey(page, slug, `Engine spec ${run}`);
  const api = (path: string, data?: unknown) =>
    page.request.post(path, { headers: { Authorization: `Bearer ${key}` }, data });

  const template = await api("/api/v1/templates", {
    name: `Free plan tips ${run}`,
    channel: "email",
    content: { subject: "Make the most of your trial", html: "<p>Hi!</p>" },
  });
  expect(template.status(), await template.text()).toBe(201);
  const graph = structuredClone(ONBOARDING);
  graph.nodes.find((n) => n.id === "tips")!.config = { templateId: (await template.json()).id };
  const created = await api("/api/v1/journeys", { name: `Trial onboarding ${run}`, graph });
  expect(created.status(), await created.text()).toBe(201);
  const journeyId = (await created.json()).id as string;
  const published = await api(`/api/v1/journeys/${journeyId}/publish`);
  expect(published.status(), await published.text()).toBe(200);

  // Two people start a trial; Ada is on the pro plan, Bob is not.
  const sent = await api("/api/v1/batch", {
    batch: [
      { type: "identify", userId: ADA, traits: { plan: "pro", email: `${ADA}@example.com` } },
      { type: "identify", userId: BOB, traits: { plan: "free", email: `${BOB}@example.com` } },
      { type: "track", userId: ADA, event: `trial_started_${run}` },
      { type: "track", userId: BOB, event: `trial_started_${run}` },
    ],
  });
  expect(sent.status(), await sent.text()).toBe(200);

  // The canvas shows where they are, refreshing by itself.
  await page.goto(`/w/${slug}/journeys/${journeyId}`);
  const stats = (label: string) => page.getByTestId(`node-${label}`).getByTestId("node-stats");
  await expect(stats("Trial started")).toHaveAttribute("aria-label", "2 entered, 0 waiting here now, 2 moved on", {
    timeout: 20_000,
  });
  await expect(stats("Activated within a day?")).toHaveAttribute(
    "aria-label",
    "1 entered, 1 waiting here now, 0 moved on",
  );
  await expect(stats("Free plan")).toHaveAttribute("aria-label", "1 entered, 0 waiting here now, 1 moved on");
  await screenshot(page, "engine-canvas-counts");

  // Ada activates: the wait ends through "arrived" and the canvas follows without a reload.
  expect((await api("/api/v1/track", { userId: ADA, event: `activated_${run}` })).status()).toBe(200);
  await expect(stats("Activated")).toHaveAttribute("aria-label", "1 entered, 0 waiting here now, 1 moved on", {
    timeout: 20_000,
  });
  await expect(stats("Activated within a day?")).toHaveAttribute(
    "aria-label",
    "1 entered, 0 waiting here now, 1 moved on",
  );

  // Her profile shows the journey, every decision and its outcome.
  await page.goto(`/w/${slug}/profiles/${ADA}`);
  const enrollment = page.getByTestId("enrollment").filter({ hasText: `Trial onboarding ${run}` });
  await expect(enrollment).toHaveAttribute("data-status", "COMPLETED");
  const steps = enrollment.getByTestId("enrollment-step");
  await expect(steps).toHaveCount(5);
  await expect(steps.nth(1)).toContainText("Profile updated: set stage");
  await expect(steps.nth(2)).toContainText("Yes: the conditions hold");
  await expect(steps.nth(3)).toContainText(`activated_${run} arrived`);
  await expect(steps.nth(3)).toContainText("Arrived");
  await screenshot(page, "engine-profile-trace");

  // Bob's email is on the Messages page, found by searching for him, and delivered (to the Outbox).
  const rows = page.getByTestId("message-row");
  await expect(async () => {
    await page.goto(`/w/${slug}/messages?person=${BOB}`);
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText("delivered", { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(rows.first()).toContainText(`Trial onboarding ${run}`);
  await expect(rows.first()).toContainText(`Free plan tips ${run}`);
  await screenshot(page, "engine-messages");
  await page.goto(`/w/${slug}/messages?person=${ADA}`);
  await expect(page.getByRole("heading", { name: "No message matches these filters" })).toBeVisible();
  await page.goto(`/w/${slug}/messages?channel=fax`);
  await expect(page.getByText("channel: must be one of email, sms, push, in_app")).toBeVisible();

  // The update-profile step changed her traits.
  const profile = await page.request.get(`/api/v1/profiles/${ADA}`, { headers: { Authorization: `Bearer ${key}` } });
  expect((await profile.json()).traits).toMatchObject({ plan: "pro", stage: "trial" });
});
