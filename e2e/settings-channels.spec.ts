import { expect, test } from "@playwright/test";
import { startSmtpSink, type SmtpSink } from "../lib/testing/local-provider-servers";
import { inviteViewer, OWNER, screenshot, signIn } from "./helpers";

const run = Date.now().toString(36);
const VIEWER = { name: "Rhea Reader", email: `rhea.${run}@cairn.test`, password: "channels read only 7" };
const SMTP_PASSWORD = `smtp password ${run}`;
/**
 * The workspace's "own" SMTP server: a local server standing in for the company's mail relay, which wants the
 * "mailer" login. (The embedded SMTP server takes only Cairn's own generated credentials.) Cairn reaches it
 * because the e2e server's CAIRN_OUTBOUND_ALLOW opens loopback, as an operator would open a relay's address.
 */
let relay: SmtpSink;
test.beforeAll(async () => {
  relay = await startSmtpSink({ auth: { user: "mailer", password: SMTP_PASSWORD } });
});
test.afterAll(async () => relay?.close());
const SUMMARY =
  "Messaging rules: caps: at most 2 emails per day; quiet hours 21:00–08:00 for email, sms, push; no opt-in requirement";

test("an admin configures SMTP and messaging rules, fixing a missing port; a viewer sees both read-only", async ({
  page,
  browser,
}) => {
  await signIn(page, OWNER.email, OWNER.password);
  // A workspace of its own: SMTP settings and frequency caps in Acme Growth would change how the other specs' mail is delivered.
  const created = await page.request.post("/api/workspaces", { data: { name: `Channels ${run}` } });
  expect(created.status()).toBe(200);
  const { slug } = (await created.json()) as { slug: string };

  await page.goto(`/w/${slug}/settings`);
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Channels" }).click();
  const email = page.getByTestId("channel-email");
  await expect(page.getByTestId("channel-email-badge")).toHaveText("Embedded Outbox (default)");
  await expect(page.getByTestId("channel-sms-badge")).toHaveText("Not set up");

  // SMTP without a port: the server's field error shows beside the Port field.
  await email.getByLabel("SMTP server").check();
  await email.getByLabel("From address").fill("news@acme.test");
  await email.getByLabel("Host").fill("127.0.0.1");
  await email.getByLabel("Username").fill("mailer");
  await email.getByLabel("Password").fill(SMTP_PASSWORD);
  await email.getByRole("button", { name: "Save" }).click();
  await expect(email.getByText("Port is required for SMTP, e.g. 587")).toBeVisible();
  await expect(email.getByLabel("Port")).toHaveAttribute("aria-invalid", "true");
  await screenshot(page, "settings-channels-port-error");

  // Test connection says precisely what is wrong, then that it works.
  await email.getByLabel("Port").fill("1");
  await email.getByRole("button", { name: "Test connection" }).click();
  await expect(email.getByTestId("email-test-result")).toHaveText(
    "Could not connect to 127.0.0.1:1: connection refused (nothing is listening on that port, or a firewall rejects it).",
  );
  await email.getByLabel("Port").fill(String(relay.port));
  await email.getByRole("button", { name: "Test connection" }).click();
  await expect(email.getByTestId("email-test-result")).toHaveText(
    `Connected to 127.0.0.1:${relay.port} over an unencrypted connection and authenticated as "mailer".`,
  );
  await email.getByRole("button", { name: "Save" }).click();
  await expect(email.getByText("Saved. Email now sends with these settings.")).toBeVisible();

  // After a reload: configured, by whom, and the password is not in the page.
  await page.reload();
  await expect(page.getByTestId("channel-email-badge")).toHaveText("SMTP server");
  await expect(page.getByTestId("channel-email-status")).toContainText(`Configured by ${OWNER.email} on`);
  await expect(email.getByLabel("Port")).toHaveValue(String(relay.port));
  await expect(email.getByLabel("Password")).toHaveValue("");
  await expect(email.getByLabel("Password")).toHaveAttribute("placeholder", "•••• stored — leave blank to keep");
  expect(await page.content()).not.toContain(SMTP_PASSWORD);
  await screenshot(page, "settings-channels-saved");

  // Messaging rules: a frequency cap and quiet hours, described as they are set, and kept.
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Messaging rules" }).click();
  const summary = page.getByTestId("policy-summary");
  await expect(summary).toHaveText("Messaging rules: no frequency caps; no quiet hours; no opt-in requirement");
  await page.getByRole("button", { name: "Add a cap" }).click();
  await page.getByLabel("Cap 1 limit").fill("2");
  await page.getByLabel("Cap 1 channel").selectOption("email");
  await page.getByLabel("Cap 1 hours").fill("24");
  await page.getByRole("switch", { name: "Hold messages during quiet hours" }).check();
  await page.getByLabel("From", { exact: true }).fill("21:00");
  await page.getByLabel("Until", { exact: true }).fill("08:00");
  await page.getByLabel("Time zone for people without one").selectOption("Europe/Paris");
  await expect(summary).toHaveText(SUMMARY);
  await page.getByRole("button", { name: "Save rules" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
  await page.reload();
  await expect(summary).toHaveText(SUMMARY);
  await expect(page.getByLabel("Cap 1 limit")).toHaveValue("2");
  await expect(page.getByLabel("Time zone for people without one")).toHaveValue("Europe/Paris");
  await screenshot(page, "settings-messaging-rules");

  // A viewer reads both pages and can change nothing.
  const { viewer, context } = await inviteViewer(page, browser, slug, VIEWER);
  await viewer.goto(`/w/${slug}/settings/channels`);
  await expect(
    viewer.getByText(
      "You can read the channel settings but not change them: only admins and owners of this workspace can.",
    ),
  ).toBeVisible();
  const viewerEmail = viewer.getByTestId("channel-email");
  await expect(viewerEmail.getByLabel("Host")).toHaveValue("127.0.0.1");
  await expect(viewerEmail.getByLabel("Host")).toBeDisabled();
  await expect(viewerEmail.getByLabel("Password")).toBeDisabled();
  for (const name of ["Save", "Test connection", "Remove", "Generate keys"])
    await expect(viewer.getByRole("button", { name })).toHaveCount(0);
  expect(await viewer.content()).not.toContain(SMTP_PASSWORD);
  await screenshot(viewer, "settings-channels-viewer");

  await viewer.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Messaging rules" }).click();
  await expect(viewer.getByText("You can read the messaging rules but not change them")).toBeVisible();
  await expect(viewer.getByTestId("policy-summary")).toHaveText(SUMMARY);
  await expect(viewer.getByLabel("Cap 1 limit")).toBeDisabled();
  await expect(viewer.getByRole("switch", { name: "Hold messages during quiet hours" })).toBeDisabled();
  await expect(viewer.getByRole("button", { name: "Save rules" })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: "Add a cap" })).toHaveCount(0);
  await screenshot(viewer, "settings-messaging-viewer");

  // The server refuses the viewer's writes even when the UI is bypassed.
  expect(
    (await viewer.request.put(`/api/workspaces/${slug}/messaging-policy`, { data: { frequencyCaps: [] } })).status(),
  ).toBe(403);
  expect((await viewer.request.delete(`/api/workspaces/${slug}/channels/email`)).status()).toBe(403);
  await context.close();
});
