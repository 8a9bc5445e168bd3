/**
 * Settings → Messaging rules through the real route handlers: reading and saving the policy, its summary in
 * words, who may change it, and every validation message the form shows beside its field.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { GET as getRoute, PUT as putRoute } from "@/app/api/workspaces/[slug]/messaging-policy/route";
import { POST as summaryRoute } from "@/app/api/workspaces/[slug]/messaging-policy/summary/route";
import type { RoleName } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { loadPolicy } from "@/lib/messaging/policy";
import { callRoute } from "@/lib/testing/call-route";
import { createWorkspaceWithTeam, sessionCookie, type TestWorkspace } from "@/lib/testing/factories";

let team: TestWorkspace;
const cookies = {} as Record<RoleName, string>;

beforeAll(async () => {
  team = await createWorkspaceWithTeam("Messaging rules");
  for (const role of ["OWNER", "ADMIN", "EDITOR", "VIEWER"] as const)
    cookies[role] = await sessionCookie(team.members[role]);
});

const get = (role: RoleName, slug = team.slug) => callRoute(getRoute, { params: { slug }, cookie: cookies[role] });
const put = (body: unknown, role: RoleName = "ADMIN", slug = team.slug) =>
  callRoute(putRoute, { method: "PUT", params: { slug }, cookie: cookies[role], body });
const summarize = (body: unknown, role: RoleName = "ADMIN") =>
  callRoute(summaryRoute, { method: "POST", params: { slug: team.slug }, cookie: cookies[role], body });

const POLICY = {
  frequencyCaps: [
    { channel: "email", limit: 3, hours: 24 },
    { channel: "sms", limit: 1, hours: 48 },
  ],
  quietHours: { start: "21:00", end: "08:00", channels: ["email", "sms", "push"], fallbackTimeZone: "Europe/Paris" },
  requireOptIn: ["sms"],
};
const SUMMARY =
  "Messaging rules: caps: at most 3 emails per day, at most 1 SMS per 2 days; quiet hours 21:00–08:00 for email, sms, push; opt-in required for sms";

describe("reading and saving", () => {
  it("starts with no rules, readable by every member", async () => {
    const fresh = await createWorkspaceWithTeam("No rules yet");
    const response = await callRoute(getRoute, {
      params: { slug: fresh.slug },
      cookie: await sessionCookie(fresh.members.VIEWER),
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      policy: { frequencyCaps: [], quietHours: null, requireOptIn: [] },
      summary: "Messaging rules: no frequency caps; no quiet hours; no opt-in requirement",
    });
  });

  it("saves the rules an admin sets, answers with them in words, and every member reads them back", async () => {
    const saved = await put(POLICY);
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({ policy: POLICY, summary: SUMMARY });
    for (const role of ["OWNER", "ADMIN", "EDITOR", "VIEWER"] as const)
      expect((await get(role)).body).toEqual({ policy: POLICY, summary: SUMMARY });
    // what delivery applies
    expect(await loadPolicy(team.id)).toEqual(POLICY);
    const audit = await db().auditLog.findFirstOrThrow({
      where: { workspaceId: team.id, action: "messaging_policy.updated" },
      orderBy: { createdAt: "desc" },
    });
    expect(audit.summary).toBe(SUMMARY);
  });

  it("fills in the defaults: the quiet-hours channels and zone, and empty lists", async () => {
    const fresh = await createWorkspaceWithTeam("Defaults");
    const saved = await callRoute(putRoute, {
      method: "PUT",
      params: { slug: fresh.slug },
      cookie: await sessionCookie(fresh.members.OWNER),
      body: { quietHours: { start: "22:30", end: "07:00" } },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.policy).toEqual({
      frequencyCaps: [],
      quietHours: { start: "22:30", end: "07:00", channels: ["email", "sms", "push"], fallbackTimeZone: "UTC" },
      requireOptIn: [],
    });
  });

  it("turns quiet hours off again with null", async () => {
    const fresh = await createWorkspaceWithTeam("Quiet off");
    const cookie = await sessionCookie(fresh.members.ADMIN);
    await callRoute(putRoute, { method: "PUT", params: { slug: fresh.slug }, cookie, body: POLICY });
    const off = await callRoute(putRoute, {
      method: "PUT",
      params: { slug: fresh.slug },
      cookie,
      body: { ...POLICY, quietHours: null },
    });
    expect(off.body.summary).toBe(
      "Messaging rules: caps: at most 3 emails per day, at most 1 SMS per 2 days; no quiet hours; opt-in required for sms",
    );
    expect((await loadPolicy(fresh.id)).quietHours).toBeNull();
  });
});

describe("who may change the rules", () => {
  it("refuses editors and viewers with 403, and nothing changes", async () => {
    await put(POLICY, "OWNER");
    const before = await db().messagingPolicy.findUniqueOrThrow({ where: { workspaceId: team.id } });
    for (const role of ["EDITOR", "VIEWER"] as const) {
      const response = await put({ frequencyCaps: [], quietHours: null, requireOptIn: [] }, role);
      expect(response.status).toBe(403);
      expect(response.body.error).toEqual({
        code: "forbidden",
        message: "Only admins and owners can change workspace settings.",
      });
    }
    expect(await db().messagingPolicy.findUniqueOrThrow({ where: { workspaceId: team.id } })).toEqual(before);
  });

  it("answers 404 to people outside the workspace", async () => {
    const other = await createWorkspaceWithTeam("Elsewhere");
    const outsider = await sessionCookie(other.members.OWNER);
    expect((await callRoute(getRoute, { params: { slug: team.slug }, cookie: outsider })).status).toBe(404);
    expect(
      (await callRoute(putRoute, { method: "PUT", params: { slug: team.slug }, cookie: outsider, body: POLICY }))
        .status,
    ).toBe(404);
  });
});

describe("validation: every problem, by its field's path", () => {
  async function fieldsOf(body: unknown) {
    const response = await put(body);
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe("validation");
    return response.body.error.fields as { path: string; message: string }[];
  }
  const cap = (extra: Record<string, unknown>) => ({
    frequencyCaps: [{ channel: "email", limit: 3, hours: 24, ...extra }],
  });

  it("frequency caps: channel, limit and hours, each bound", async () => {
    expect(await fieldsOf(cap({ channel: "fax" }))).toEqual([
      { path: "frequencyCaps.0.channel", message: "must be one of email, sms, push, in_app" },
    ]);
    expect(await fieldsOf(cap({ limit: null }))).toEqual([
      { path: "frequencyCaps.0.limit", message: "must be a number" },
    ]);
    expect(await fieldsOf(cap({ limit: "3" }))).toEqual([
      { path: "frequencyCaps.0.limit", message: "must be a number" },
    ]);
    expect(await fieldsOf(cap({ limit: 1.5 }))).toEqual([
      { path: "frequencyCaps.0.limit", message: "must be a whole number" },
    ]);
    expect(await fieldsOf(cap({ limit: 0 }))).toEqual([
      { path: "frequencyCaps.0.limit", message: "must be at least 1" },
    ]);
    expect(await fieldsOf(cap({ limit: 1001 }))).toEqual([
      { path: "frequencyCaps.0.limit", message: "must be at most 1,000" },
    ]);
    expect(await fieldsOf(cap({ hours: 0 }))).toEqual([
      { path: "frequencyCaps.0.hours", message: "must be at least 1 hour" },
    ]);
    expect(await fieldsOf(cap({ hours: 721 }))).toEqual([
      { path: "frequencyCaps.0.hours", message: "must be at most 720 hours (30 days)" },
    ]);
    expect(await fieldsOf(cap({ hours: 2.5 }))).toEqual([
      { path: "frequencyCaps.0.hours", message: "must be a whole number" },
    ]);
    expect(await fieldsOf(cap({ days: 1 }))).toEqual([
      { path: "frequencyCaps.0", message: 'Unrecognized key: "days"' },
    ]);
    expect(
      await fieldsOf({ frequencyCaps: Array.from({ length: 21 }, () => ({ channel: "email", limit: 1, hours: 1 })) }),
    ).toEqual([{ path: "frequencyCaps", message: "at most 20 caps" }]);
  });

  it("quiet hours: times, that they differ, channels and the fallback zone", async () => {
    const quiet = (extra: Record<string, unknown>) => ({ quietHours: { start: "21:00", end: "08:00", ...extra } });
    expect(await fieldsOf(quiet({ start: "9pm", end: "24:00" }))).toEqual([
      { path: "quietHours.start", message: "must be a time of day as HH:MM, e.g. 21:00" },
      { path: "quietHours.end", message: "must be a time of day as HH:MM, e.g. 21:00" },
    ]);
    expect(await fieldsOf(quiet({ end: "21:00" }))).toEqual([
      { path: "quietHours.end", message: "start and end must differ" },
    ]);
    expect(await fieldsOf(quiet({ channels: [] }))).toEqual([
      { path: "quietHours.channels", message: "choose at least one channel" },
    ]);
    expect(await fieldsOf(quiet({ channels: ["email", "fax"] }))).toEqual([
      { path: "quietHours.channels.1", message: "must be one of email, sms, push, in_app" },
    ]);
    expect(await fieldsOf(quiet({ fallbackTimeZone: "Mars/Olympus_Mons" }))).toEqual([
      { path: "quietHours.fallbackTimeZone", message: "must be an IANA time zone, e.g. Europe/Paris" },
    ]);
    expect(await fieldsOf(quiet({ weekendsOnly: true }))).toEqual([
      { path: "quietHours", message: 'Unrecognized key: "weekendsOnly"' },
    ]);
  });

  it("opt-in channels, unknown keys, and several problems at once", async () => {
    expect(await fieldsOf({ requireOptIn: ["pigeon"] })).toEqual([
      { path: "requireOptIn.0", message: "must be one of email, sms, push, in_app" },
    ]);
    expect(await fieldsOf({ quietHours: null, dailyLimit: 3 })).toEqual([
      { path: "", message: 'Unrecognized key: "dailyLimit"' },
    ]);
    expect(
      await fieldsOf({
        frequencyCaps: [
          { channel: "sms", limit: 0, hours: 1 },
          { channel: "push", limit: 2, hours: 9999 },
        ],
        quietHours: { start: "21:00", end: "8", fallbackTimeZone: "Nowhere" },
        requireOptIn: ["email", "fax"],
      }),
    ).toEqual([
      { path: "frequencyCaps.0.limit", message: "must be at least 1" },
      { path: "frequencyCaps.1.hours", message: "must be at most 720 hours (30 days)" },
      { path: "quietHours.end", message: "must be a time of day as HH:MM, e.g. 21:00" },
      { path: "quietHours.fallbackTimeZone", message: "must be an IANA time zone, e.g. Europe/Paris" },
      { path: "requireOptIn.1", message: "must be one of email, sms, push, in_app" },
    ]);
  });
});

describe("the live summary", () => {
  it("describes a draft in the same words, per cap too, without saving it", async () => {
    const fresh = await createWorkspaceWithTeam("Draft only");
    const cookie = await sessionCookie(fresh.members.ADMIN);
    const response = await callRoute(summaryRoute, {
      method: "POST",
      params: { slug: fresh.slug },
      cookie,
      body: POLICY,
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ summary: SUMMARY, caps: ["at most 3 emails per day", "at most 1 SMS per 2 days"] });
    expect(await db().messagingPolicy.count({ where: { workspaceId: fresh.id } })).toBe(0);
  });

  it("answers an incomplete draft with the same field problems as saving", async () => {
    const response = await summarize({ frequencyCaps: [{ channel: "email", limit: null, hours: 24 }] });
    expect(response.status).toBe(422);
    expect(response.body.error.fields).toEqual([{ path: "frequencyCaps.0.limit", message: "must be a number" }]);
  });

  it("is open to every member (it reads and stores nothing)", async () => {
    expect((await summarize({ requireOptIn: ["email"] }, "VIEWER")).body).toEqual({
      summary: "Messaging rules: no frequency caps; no quiet hours; opt-in required for email",
      caps: [],
    });
  });
});
