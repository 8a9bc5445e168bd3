import { expect, test } from "@playwright/test";
import { OWNER, screenshot, signIn, workspaceSlugOf } from "./helpers";

const VIEWER = { name: "Vera Viewer", email: "vera@cairn.test", password: "read only please 42" };

test("sign-in rejects a wrong password with a generic message", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill("not my password at all");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Invalid email or password.")).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
});

test("the owner invites a viewer, who joins and can read but not edit", async ({ page, browser }) => {
  await signIn(page, OWNER.email, OWNER.password);
  const slug = workspaceSlugOf(page);
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("link", { name: "Members" }).click();
  await page.getByLabel("Email").fill(VIEWER.email);
  await page.getByLabel("Role", { exact: true }).selectOption("VIEWER");
  await page.getByRole("button", { name: "Send invitation" }).click();
  const link = await page.getByTestId("invitation-link").inputValue();
  expect(link).toMatch(/\/invite\/[\w-]{43}$/);
  await expect(page.getByTestId(`invitation-${VIEWER.email}`)).toBeVisible();
  await screenshot(page, "members-owner");

  // The invitee, in a browser of their own.
  const viewerContext = await browser.newContext();
  const viewer = await viewerContext.newPage();
  await viewer.goto(link);
  await expect(viewer.getByRole("heading", { name: `Join ${OWNER.workspace}` })).toBeVisible();
  await viewer.getByLabel("Your name").fill(VIEWER.name);
  await viewer.getByLabel("Choose a password").fill("short");
  await viewer.getByRole("button", { name: "Create account and join" }).click();
  await expect(viewer.getByText("Use at least 10 characters")).toBeVisible();
  await viewer.getByLabel("Choose a password").fill(VIEWER.password);
  await viewer.getByRole("button", { name: "Create account and join" }).click();
  await expect(viewer).toHaveURL(new RegExp(`/w/${slug}/journeys$`));
  await expect(viewer.getByTestId("current-role")).toHaveText("Viewer");

  // Read-only: members are visible, no edit controls anywhere in settings.
  await viewer.getByRole("link", { name: "Settings" }).click();
  await expect(viewer.getByText("Workspace name")).toBeVisible();
  await expect(viewer.getByRole("button", { name: "Save" })).toHaveCount(0);
  await expect(viewer.getByRole("link", { name: "API keys" })).toHaveCount(0);
  await expect(viewer.getByRole("link", { name: "Audit log" })).toHaveCount(0);
  await viewer.getByRole("link", { name: "Members" }).click();
  await expect(viewer.getByTestId(`member-${OWNER.email}`)).toBeVisible();
  await expect(viewer.getByRole("heading", { name: "Invite a teammate" })).toHaveCount(0);
  await expect(viewer.getByRole("combobox")).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: "Remove" })).toHaveCount(0);
  await screenshot(viewer, "members-viewer");

  // The server refuses writes even when the UI is bypassed.
  const forged = await viewer.request.post(`/api/workspaces/${slug}/invitations`, {
    data: { email: "sneaky@cairn.test", role: "OWNER" },
  });
  expect(forged.status()).toBe(403);
  const rename = await viewer.request.patch(`/api/workspaces/${slug}`, { data: { name: "Viewer was here" } });
  expect(rename.status()).toBe(403);
  await viewer.goto(`/w/${slug}/settings/api-keys`);
  await expect(viewer.getByRole("heading", { name: "Not found" })).toBeVisible();

  // Signing out ends the session.
  await viewer.goto(`/w/${slug}/journeys`);
  await viewer.getByRole("button", { name: "Sign out" }).click();
  await expect(viewer).toHaveURL(/\/login$/);
  await viewer.goto(`/w/${slug}/settings/members`);
  await expect(viewer).toHaveURL(/\/login\?callbackUrl=/);
  await viewerContext.close();

  // The owner sees the new member, and the audit log tells the story.
  await page.reload();
  await expect(page.getByTestId(`member-${VIEWER.email}`)).toBeVisible();
  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByText(`Invited ${VIEWER.email} as Viewer`)).toBeVisible();
  await expect(page.getByText(`${VIEWER.email} accepted the invitation and joined as Viewer`)).toBeVisible();
});
