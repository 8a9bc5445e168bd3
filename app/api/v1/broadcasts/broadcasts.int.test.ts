import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SmtpSink } from "@/lib/testing/local-provider-servers";

/**
 * The broadcast routes, as the API (a full key) and as the app (a member's session on the twin URL), with the
 * send chain's events observed on a local HTTP server standing in for Inngest, and test sends on a local SMTP
 * server. The modules are imported after INNGEST_* point at that server: the Inngest client reads them when it
 * is created.
 */

const events: { id?: string; name: string; data: Record<string, unknown> }[] = [];
let inngestServer: Server;
let sink: SmtpSink;

let m: {
  list: typeof import("./route");
  item: typeof import("./[id]/route");
  estimateUnsaved: typeof import("./estimate/route");
  send: typeof import("./[id]/send/route");
  pause: typeof import("./[id]/pause/route");
  resume: typeof import("./[id]/resume/route");
  cancel: typeof import("./[id]/cancel/route");
  archive: typeof import("./[id]/archive/route");
  duplicate: typeof import("./[id]/duplicate/route");
  estimate: typeof import("./[id]/estimate/route");
  preview: typeof import("./[id]/preview/route");
  testSend: typeof import("./[id]/test-send/route");
  unschedule: typeof import("./[id]/unschedule/route");
  twinList: typeof import("@/app/api/workspaces/[slug]/broadcasts/route");
  twinItem: typeof import("@/app/api/workspaces/[slug]/broadcasts/[id]/route");
  twinSend: typeof import("@/app/api/workspaces/[slug]/broadcasts/[id]/send/route");
  twinPause: typeof import("@/app/api/workspaces/[slug]/broadcasts/[id]/pause/route");
  twinResume: typeof import("@/app/api/workspaces/[slug]/broadcasts/[id]/resume/route");
  twinEstimate: typeof import("@/app/api/workspaces/[slug]/broadcasts/[id]/estimate/route");
  settings: typeof import("@/app/api/workspaces/[slug]/broadcast-settings/route");
  fixtures: typeof import("@/lib/broadcasts/broadcast-fixtures");
  callRoute: typeof import("@/lib/testing/call-route").callRoute;
  sessionCookie: typeof import("@/lib/testing/factories").sessionCookie;
  saveChannelConfig: typeof import("@/lib/messaging/channel-config").saveChannelConfig;
  db: typeof import("@/lib/db/client").db;
};

beforeAll(async () => {
  inngestServer = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      const sent = JSON.parse(body) as typeof events;
      events.push(...sent);
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ ids: sent.map((_, i) => `evt-${events.length + i}`), status: 200 }));
    });
  });
  await new Promise<void>((resolve) => inngestServer.listen(0, "127.0.0.1", resolve));
  process.env.INNGEST_DEV = "1";
  process.env.INNGEST_BASE_URL = `http://127.0.0.1:${(inngestServer.address() as AddressInfo).port}/`;
  const { startSmtpSink } = await import("@/lib/testing/local-provider-servers");
  sink = await startSmtpSink();
  m = {
    list: await import("./route"),
    item: await import("./[id]/route"),
    estimateUnsaved: await import("./estimate/route"),
    send: await import("./[id]/send/route"),
    pause: await import("./[id]/pause/route"),
    resume: await import("./[id]/resume/route"),
    cancel: await import("./[id]/cancel/route"),
    archive: await import("./[id]/archive/route"),
    duplicate: await import("./[id]/duplicate/route"),
    estimate: await import("./[id]/estimate/route"),
    preview: await import("./[id]/preview/route"),
    testSend: await import("./[id]/test-send/route"),
    unschedule: await import("./[id]/unschedule/route"),
    twinList: await import("@/app/api/workspaces/[slug]/broadcasts/route"),
    twinItem: await import("@/app/api/workspaces/[slug]/broadcasts/[id]/route"),
    twinSend: await import("@/app/api/workspaces/[slug]/broadcasts/[id]/send/route"),
    twinPause: await import("@/app/api/workspaces/[slug]/broadcasts/[id]/pause/route"),
    twinResume: await import("@/app/api/workspaces/[slug]/broadcasts/[id]/resume/route"),
    twinEstimate: await import("@/app/api/workspaces/[slug]/broadcasts/[id]/estimate/route"),
    settings: await import("@/app/api/workspaces/[slug]/broadcast-settings/route"),
    fixtures: await import("@/lib/broadcasts/broadcast-fixtures"),
    callRoute: (await import("@/lib/testing/call-route")).callRoute,
    sessionCookie: (await import("@/lib/testing/factories")).sessionCookie,
    saveChannelConfig: (await import("@/lib/messaging/channel-config")).saveChannelConfig,
    db: (await import("@/lib/db/client")).db,
  };
});
afterAll(async () => {
  await sink?.close();
  await new Promise((resolve) => inngestServer?.close(resolve));
  delete process.env.INNGEST_DEV;
  delete process.env.INNGEST_BASE_URL;
});

async function world() {
  const f = m.fixtures;
  const w = await f.broadcastWorld();
  const segment = await f.createSegmentRow(w.team.id);
  const template = await f.createTemplateRow(w.team.id, "email", { name: "Spring" });
  await m.saveChannelConfig(await w.as("OWNER"), "email", {
    settings: { mode: "smtp", fromAddress: "news@shop.example", host: sink.host, port: sink.port },
  });
  const people = await f.createPeople(w.team.id, [
    { traits: { first_name: "Ada" }, email: "ada@example.com", segments: [segment] },
    { traits: { first_name: "Grace" }, email: "grace@example.com", segments: [segment] },
    { traits: { first_name: "Linus" }, email: "linus@example.com", segments: [segment] },
  ]);
  const cookie = async (role: "OWNER" | "ADMIN" | "EDITOR" | "VIEWER") => m.sessionCookie(w.team.members[role]);
  return { ...w, segment, template, people, cookie, slug: w.team.slug };
}

describe("the broadcast routes", () => {
  it("draft, estimate and send by key and by session; roles, another workspace and bad bodies refused", async () => {
    const w = await world();
    const { callRoute } = m;
    const body = m.fixtures.draftBody([w.segment], w.template);

    const bad = await callRoute(m.list.POST, {
      method: "POST",
      headers: w.bearer,
      body: { ...body, channel: "fax", variants: [{ key: "A", templateId: "nope", weight: 100 }], extra: 1 },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual([
      "",
      "channel",
      "variants.0.templateId",
    ]);
    expect(await m.db().broadcast.count({ where: { workspaceId: w.team.id } })).toBe(0);
    const viewer = await callRoute(m.twinList.POST, {
      method: "POST",
      params: { slug: w.slug },
      cookie: await w.cookie("VIEWER"),
      body,
    });
    expect(viewer.status).toBe(403);

    const created = await callRoute(m.list.POST, { method: "POST", headers: w.bearer, body });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const editor = await w.cookie("EDITOR");
    const listed = await callRoute(m.twinList.GET, {
      path: `/api/workspaces/${w.slug}/broadcasts?status=DRAFT&q=spring`,
      params: { slug: w.slug },
      cookie: editor,
    });
    expect(listed.status).toBe(200);
    expect(listed.body.broadcasts.map((b: { id: string }) => b.id)).toEqual([id]);
    expect(
      (await callRoute(m.list.GET, { path: "/api/v1/broadcasts?status=DONE", headers: w.bearer })).body.error.fields,
    ).toEqual([{ path: "status", message: "must be one of DRAFT, SCHEDULED, SENDING, PAUSED, SENT, CANCELLED" }]);
    const patched = await callRoute(m.twinItem.PATCH, {
      method: "PATCH",
      params: { slug: w.slug, id },
      cookie: editor,
      body: { name: "Spring sale, EU" },
    });
    expect(patched.body.name).toBe("Spring sale, EU");
    const estimate = await callRoute(m.twinEstimate.POST, {
      method: "POST",
      params: { slug: w.slug, id },
      cookie: editor,
      body: {},
    });
    expect(estimate.body).toMatchObject({ inSegments: 3, willBeSent: 3 });
    const unsaved = await callRoute(m.estimateUnsaved.POST, {
      method: "POST",
      headers: w.bearer,
      body: { channel: "email", segmentIds: [w.segment] },
    });
    expect(unsaved.body.willBeSent).toBe(3);

    const elsewhere = await m.fixtures.broadcastWorld();
    expect((await callRoute(m.item.GET, { headers: elsewhere.bearer, params: { id } })).status).toBe(404);
    expect(
      (
        await callRoute(m.send.POST, {
          method: "POST",
          headers: elsewhere.bearer,
          params: { id },
          body: { schedule: { kind: "now" } },
        })
      ).status,
    ).toBe(404);

    // editors draft but do not send, unless the workspace says so
    const editorSend = await callRoute(m.twinSend.POST, {
      method: "POST",
      params: { slug: w.slug, id },
      cookie: editor,
      body: { schedule: { kind: "now" }, confirmedAudience: 3 },
    });
    expect(editorSend.status).toBe(403);
    expect(editorSend.body.error.message).toContain("needs the Admin role");
    const settings = await callRoute(m.settings.PATCH, {
      method: "PATCH",
      params: { slug: w.slug },
      cookie: await w.cookie("ADMIN"),
      body: { broadcastSendRole: "EDITOR", timezone: "Europe/Paris" },
    });
    expect(settings.body).toEqual({ broadcastSendRole: "EDITOR", timezone: "Europe/Paris" });
    expect(
      (
        await callRoute(m.settings.PATCH, {
          method: "PATCH",
          params: { slug: w.slug },
          cookie: editor,
          body: { broadcastSendRole: "EDITOR" },
        })
      ).status,
    ).toBe(403);
    const badSchedule = await callRoute(m.twinSend.POST, {
      method: "POST",
      params: { slug: w.slug, id },
      cookie: editor,
      body: { schedule: { kind: "local", localDate: "21.03.2026", localTime: "9:00" } },
    });
    expect(badSchedule.status).toBe(422);
    expect(badSchedule.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual([
      "schedule.localDate",
      "schedule.localTime",
    ]);
    const changed = await callRoute(m.twinSend.POST, {
      method: "POST",
      params: { slug: w.slug, id },
      cookie: editor,
      body: { schedule: { kind: "now" }, confirmedAudience: 10 },
    });
    expect(changed.status).toBe(409);
    expect(changed.body.error.code).toBe("audience_changed");
    expect(changed.body.error.fields).toEqual([{ path: "confirmedAudience", message: "audience_changed: 3" }]);

    const sent = await callRoute(m.twinSend.POST, {
      method: "POST",
      params: { slug: w.slug, id },
      cookie: editor,
      body: { schedule: { kind: "now" }, confirmedAudience: 3 },
    });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ audience: 3, broadcast: { status: "SENDING", timezone: "Europe/Paris" } });
    expect(events).toContainEqual({
      id: `broadcast-${id}-start`,
      name: "cairn/broadcast.send",
      data: { broadcastId: id, run: "start" },
      ts: expect.any(Number),
    });
    expect(
      (await callRoute(m.item.PATCH, { method: "PATCH", headers: w.bearer, params: { id }, body: { name: "x" } }))
        .status,
    ).toBe(409);

    const paused = await callRoute(m.twinPause.POST, { method: "POST", params: { slug: w.slug, id }, cookie: editor });
    expect(paused.body).toMatchObject({ broadcast: { status: "PAUSED" }, counts: { sent: 0, pending: 0 } });
    const before = events.length;
    const resumed = await callRoute(m.twinResume.POST, {
      method: "POST",
      params: { slug: w.slug, id },
      cookie: editor,
    });
    expect(resumed.body.broadcast.status).toBe("SENDING");
    const link = events.slice(before).find((e) => e.name === "cairn/broadcast.send");
    expect(link?.data.broadcastId).toBe(id);
    expect(link?.data.run).toMatch(/^resume-\d+$/);
    expect(link?.id).toBe(`broadcast-${id}-${link?.data.run}`);
    const cancelled = await callRoute(m.cancel.POST, { method: "POST", headers: w.bearer, params: { id } });
    expect(cancelled.body).toMatchObject({ broadcast: { status: "CANCELLED" } });
    expect((await callRoute(m.unschedule.POST, { method: "POST", headers: w.bearer, params: { id } })).status).toBe(
      409,
    );
    const copy = await callRoute(m.duplicate.POST, { method: "POST", headers: w.bearer, params: { id } });
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({ name: "Spring sale, EU (copy)", status: "DRAFT" });
    expect(
      (await callRoute(m.archive.POST, { method: "POST", headers: w.bearer, params: { id } })).body.archivedAt,
    ).not.toBeNull();
  });

  it("previews on real recipients and test-sends through the real channel, counting nothing", async () => {
    const w = await world();
    const { callRoute } = m;
    const broken = await m.fixtures.createTemplateRow(w.team.id, "email", {
      name: "Broken",
      content: { subject: "Hi {{ profile.traits.first_name | nope }}", html: "<p>{% if %}</p>" },
    });
    const created = await callRoute(m.list.POST, {
      method: "POST",
      headers: w.bearer,
      body: {
        ...m.fixtures.draftBody([w.segment], w.template),
        variants: [
          { key: "A", templateId: w.template, weight: 50 },
          { key: "B", templateId: broken, weight: 50 },
        ],
      },
    });
    const id = created.body.id;
    const preview = await callRoute(m.preview.POST, {
      method: "POST",
      headers: w.bearer,
      params: { id },
      body: { profileId: w.people[0] },
    });
    expect(preview.status).toBe(200);
    expect(preview.body.variants[0]).toMatchObject({
      key: "A",
      templateName: "Spring",
      recipients: [
        { profile: { id: w.people[0], label: "ada@example.com" }, fields: { subject: "Hi Ada" }, errors: [] },
      ],
    });
    expect(preview.body.variants[1].recipients[0].errors.map((e: { path: string }) => e.path).sort()).toEqual([
      "content.html",
      "content.subject",
    ]);
    const sample = await callRoute(m.preview.POST, {
      method: "POST",
      headers: w.bearer,
      params: { id },
      body: { variant: "A", limit: 2 },
    });
    expect(sample.body.variants).toHaveLength(1);
    expect(sample.body.variants[0].recipients).toHaveLength(2);
    for (const [input, path] of [
      [{ variant: "Z" }, "variant"],
      [{ profileId: crypto.randomUUID() }, "profileId"],
      [{ limit: 9 }, "limit"],
    ] as const) {
      const refused = await callRoute(m.preview.POST, {
        method: "POST",
        headers: w.bearer,
        params: { id },
        body: input,
      });
      expect(refused.status).toBe(422);
      expect(refused.body.error.fields[0].path).toBe(path);
    }

    const tested = await callRoute(m.testSend.POST, {
      method: "POST",
      headers: w.bearer,
      params: { id },
      body: { variant: "A", profileId: w.people[0], to: ["me@shop.example", "boss@shop.example"] },
    });
    expect(tested.status).toBe(200);
    expect(tested.body.sent.map((s: { to: string }) => s.to)).toEqual(["me@shop.example", "boss@shop.example"]);
    const mail = await sink.waitFor(2);
    expect(mail.map((e) => e.envelope.to[0]).sort()).toEqual(["boss@shop.example", "me@shop.example"]);
    expect(mail[0].parsed.subject).toBe("[Test] Hi Ada");
    expect(mail[0].parsed.headers.get("x-cairn-test")).toBe("true");
    const own = await callRoute(m.testSend.POST, {
      method: "POST",
      headers: w.bearer,
      params: { id },
      body: { profileId: w.people[1] },
    });
    expect(own.body.sent).toMatchObject([{ to: "grace@example.com" }]);
    expect((await sink.waitFor(3))[2].parsed.subject).toBe("[Test] Hi Grace");

    const badAddress = await callRoute(m.testSend.POST, {
      method: "POST",
      headers: w.bearer,
      params: { id },
      body: { profileId: w.people[0], to: ["me@shop.example", "not an address"] },
    });
    expect(badAddress.status).toBe(422);
    expect(badAddress.body.error.fields).toEqual([
      { path: "to.1", message: '"not an address" is not an email address' },
    ]);
    const tooMany = await callRoute(m.testSend.POST, {
      method: "POST",
      headers: w.bearer,
      params: { id },
      body: { profileId: w.people[0], to: ["a@x.io", "b@x.io", "c@x.io", "d@x.io", "e@x.io", "f@x.io"] },
    });
    expect(tooMany.body.error.fields).toEqual([{ path: "to", message: "at most 5 addresses" }]);
    const brokenTest = await callRoute(m.testSend.POST, {
      method: "POST",
      headers: w.bearer,
      params: { id },
      body: { variant: "B", profileId: w.people[0] },
    });
    expect(brokenTest.status).toBe(422);
    const [noEmail] = await m.fixtures.createPeople(w.team.id, [{ email: null }]);
    const noAddress = await callRoute(m.testSend.POST, {
      method: "POST",
      headers: w.bearer,
      params: { id },
      body: { profileId: noEmail },
    });
    expect(noAddress.body.error.fields).toEqual([
      { path: "to", message: "this person has no email address; give one" },
    ]);
    const stranger = await callRoute(m.testSend.POST, {
      method: "POST",
      headers: w.bearer,
      params: { id },
      body: { profileId: crypto.randomUUID() },
    });
    expect(stranger.body.error.fields).toEqual([{ path: "profileId", message: "is not a person of this workspace" }]);
    expect(sink.received).toHaveLength(3);
    // tests are not part of the broadcast's messages or results
    expect(await m.db().message.count({ where: { broadcastId: id } })).toBe(0);
  });

  it("test sends of SMS and push refuse what they cannot send to, naming the field", async () => {
    const w = await world();
    const { callRoute } = m;
    await m.saveChannelConfig(await w.as("OWNER"), "sms", {
      settings: { accountSid: "AC0123456789abcdef0123456789abcdef", from: "+15005550006" },
      secrets: { authToken: "twilio-auth-token-1234" },
    });
    const sms = await m.fixtures.createTemplateRow(w.team.id, "sms");
    const smsBroadcast = await callRoute(m.list.POST, {
      method: "POST",
      headers: w.bearer,
      body: { ...m.fixtures.draftBody([w.segment], sms), channel: "sms" },
    });
    const badPhone = await callRoute(m.testSend.POST, {
      method: "POST",
      headers: w.bearer,
      params: { id: smsBroadcast.body.id },
      body: { profileId: w.people[0], to: ["+15551234567", "555-1234"] },
    });
    expect(badPhone.status).toBe(422);
    expect(badPhone.body.error.fields).toEqual([
      { path: "to.1", message: '"555-1234" is not a phone number in E.164 form' },
    ]);
    const push = await m.fixtures.createTemplateRow(w.team.id, "push", {
      content: { title: "Hi {{ profile.traits.first_name }}", body: "Sale" },
    });
    const pushBroadcast = await callRoute(m.list.POST, {
      method: "POST",
      headers: w.bearer,
      body: { ...m.fixtures.draftBody([w.segment], push), channel: "push" },
    });
    const pushTo = await callRoute(m.testSend.POST, {
      method: "POST",
      headers: w.bearer,
      params: { id: pushBroadcast.body.id },
      body: { profileId: w.people[0], to: ["someone@example.com"] },
    });
    expect(pushTo.body.error.fields).toEqual([
      { path: "to", message: "push and in-app tests go to the chosen person's devices or inbox" },
    ]);
  });
});
