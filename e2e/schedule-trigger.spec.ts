import { expect, test } from "@playwright/test";
import { canvasNode as node, connect, createFullKey, OWNER, screenshot, signIn, workspaceSlugOf } from "./helpers";

const run = Date.now().toString(36);
const SEGMENT = `Newsletter ${run}`;
const TRAIT = `scheduled_${run}`;
const people = ["ana", "ben"].map((n) => `${n}-schedule-${run}`);

/** "YYYY-MM-DDTHH:MM" of an instant in a zone, as a datetime-local input shows it. */
function wall(instant: Date, timeZone: string): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    })
      .formatToParts(instant)
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

test("a marketer schedules a journey for a segment at a time in their zone, and its members enter then", async ({
  page,
}) => {
  test.setTimeout(300_000);
  await signIn(page, OWNER.email, OWNER.password);
  const slug = workspaceSlugOf(page);
  const key = await createFullKey(page, slug, `Schedule spec ${run}`);
  const auth = { Authorization: `Bearer ${key}` };
  const sent = await page.request.post("/api/v1/batch", {
    headers: auth,
    data: { batch: people.map((userId) => ({ type: "identify", userId, traits: { email: `${userId}@example.com` } })) },
  });
  expect(sent.status(), await sent.text()).toBe(200);
  const created = await page.request.post("/api/v1/segments", {
    headers: auth,
    data: { name: SEGMENT, kind: "manual" },
  });
  expect(created.status(), await created.text()).toBe(201);
  const segmentId = (await created.json()).id as string;
  const uploaded = await page.request.post(`/api/v1/segments/${segmentId}/members`, {
    headers: auth,
    data: { userIds: people, mode: "replace" },
  });
  expect(uploaded.status(), await uploaded.text()).toBe(200);

  await page.goto(`/w/${slug}/journeys`);
  await page.getByRole("button", { name: "New journey" }).click();
  await page.getByLabel("Journey name").fill(`Scheduled ${run}`);
  await page.getByRole("button", { name: "Create and open" }).click();
  const palette = page.getByTestId("palette");
  const problems = page.getByTestId("problems");
  const inspector = page.getByTestId("inspector");

  await palette.getByRole("button", { name: /^Schedule/ }).click();
  await expect(problems).toContainText("Schedule date: choose a date and time");
  await expect(inspector).toContainText("Choose a date and time");
  await expect(node(page, "Schedule")).toContainText("Choose a time · choose a segment");

  // A time typed in UTC, then the zone changed: the typed wall-clock time stays, now in Tokyo (9 h earlier: past).
  const soon = new Date(Date.now() + 2 * 60_000);
  await inspector.getByLabel("At (UTC time)").fill(wall(soon, "UTC"));
  await expect(inspector).toContainText(`Next run: ${wall(soon, "UTC").replace("T", " ")} UTC.`);
  await inspector.getByLabel("Time zone").fill("Asia/Tokyo");
  await expect(inspector.getByLabel("At (Asia/Tokyo time)")).toHaveValue(wall(soon, "UTC"));
  await expect(inspector).toContainText("This time has passed");
  // a zone that does not exist: its own field error
  await inspector.getByLabel("Time zone").fill("Mars/Olympus");
  await expect(problems).toContainText("Time zone: must be an IANA time zone");
  await inspector.getByLabel("Time zone").fill("Asia/Tokyo");

  const at = new Date(Date.now() + 2 * 60_000);
  await inspector.getByLabel("At (Asia/Tokyo time)").fill(wall(at, "Asia/Tokyo"));
  await expect(inspector).toContainText(`Next run: ${wall(at, "Asia/Tokyo").replace("T", " ")} Asia/Tokyo.`);
  await inspector.getByLabel("Who enters (segment)").selectOption(segmentId);
  await expect(node(page, "Schedule")).toContainText(
    `On ${wall(at, "Asia/Tokyo").replace("T", " ")} · segment “${SEGMENT}”`,
  );
  await screenshot(page, "journey-schedule-trigger");

  await palette.getByRole("button", { name: /^Update profile/ }).click();
  await inspector.getByRole("button", { name: "Add", exact: true }).click();
  await page.getByLabel("Trait", { exact: true }).fill(TRAIT);
  await page.getByLabel("Value", { exact: true }).fill("yes");
  await palette.getByRole("button", { name: /^Exit/ }).click();
  await page.getByRole("button", { name: "Fit", exact: true }).click();
  await page.waitForTimeout(400);
  await connect(page, "Schedule", "Update profile");
  await connect(page, "Update profile", "Exit");
  await expect(problems).toHaveText("Ready to publish");
  await expect(page.getByTestId("save-state")).toHaveText("Saved");
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await page.getByRole("button", { name: "Publish v1" }).click();
  await expect(page.getByTestId("journey-status")).toHaveText("Livev1");

  // Nobody before the time; both members at it (the schedule cron ticks every 5 s on the embedded executor).
  const traitOf = async (userId: string) =>
    ((await (await page.request.get(`/api/v1/profiles/${userId}`, { headers: auth })).json()).traits ?? {})[TRAIT];
  expect(await traitOf(people[0])).toBeUndefined();
  for (const userId of people)
    await expect.poll(() => traitOf(userId), { timeout: 200_000, intervals: [2_000] }).toBe("yes");
  expect(Date.now()).toBeGreaterThanOrEqual(Math.floor(at.getTime() / 60_000) * 60_000);
});
