import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { saveChannelConfig } from "../messaging/channel-config";
import type { Clock } from "../runtime/clock";
import {
  createBroadcastMessages,
  AT,
  broadcastWorld,
  createPeople,
  createSegmentRow,
  createTemplateRow,
  draftBody,
} from "./broadcast-fixtures";
import { cancelBroadcast, pauseBroadcast, resumeBroadcast } from "./control-broadcast";
import { createBroadcast, duplicateBroadcast } from "./create-broadcast";
import { getBroadcast, listBroadcasts } from "./read-broadcasts";
import { sendBroadcast, unscheduleBroadcast } from "./send-broadcast";
import { archiveBroadcast, updateBroadcast } from "./update-broadcast";
import { saveBroadcastSettings } from "../workspaces/broadcast-settings";

const clock: Clock = () => AT;

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e as { code: string; message: string; fields: { path: string; message: string }[] },
  );
  expect(error, "expected a refusal").not.toBeNull();
  return error!;
}

async function world() {
  const w = await broadcastWorld();
  const ws = w.team.id;
  const segment = await createSegmentRow(ws, "Customers");
  const other = await createSegmentRow(ws, "Churned");
  const template = await createTemplateRow(ws, "email", { name: "Spring" });
  await saveChannelConfig(await w.as("OWNER"), "email", {
    settings: { mode: "smtp", fromAddress: "news@shop.example", host: "127.0.0.1", port: 2525 },
  });
  return { ...w, ws, segment, other, template };
}

const broadcastCount = (workspaceId: string) => db().broadcast.count({ where: { workspaceId } });

describe("drafting a broadcast", () => {
  it("validates every reference, naming the field, and stores nothing on a refusal", async () => {
    const w = await world();
    const editor = await w.as("EDITOR");
    const archivedSegment = await createSegmentRow(w.ws, "Old", true);
    const smsTemplate = await createTemplateRow(w.ws, "sms", { name: "Texts" });
    const unsaved = await createTemplateRow(w.ws, "email", { name: "Never saved", versions: 0 });
    const archivedTemplate = await createTemplateRow(w.ws, "email", { name: "Retired", archived: true });
    const elsewhere = await broadcastWorld();
    const foreignSegment = await createSegmentRow(elsewhere.team.id, "Theirs");
    const foreignTemplate = await createTemplateRow(elsewhere.team.id, "email", { name: "Theirs" });

    const bad = await refusal(
      createBroadcast(editor, {
        ...draftBody([w.segment, archivedSegment, foreignSegment], w.template),
        variants: [
          { key: "A", templateId: smsTemplate, weight: 20 },
          { key: "B", templateId: unsaved, weight: 20 },
          { key: "C", templateId: archivedTemplate, weight: 20 },
          { key: "D", templateId: foreignTemplate, weight: 40 },
        ],
      }),
    );
    expect(bad.code).toBe("validation");
    expect(bad.fields).toEqual([
      { path: "segmentIds.1", message: '"Old" is archived' },
      { path: "segmentIds.2", message: "is not a segment of this workspace" },
      { path: "variants.0.templateId", message: 'the template "Texts" is an SMS template; this broadcast sends email' },
      { path: "variants.1.templateId", message: 'the template "Never saved" has no saved version yet' },
      { path: "variants.2.templateId", message: 'the template "Retired" is archived' },
      { path: "variants.3.templateId", message: "is not a template of this workspace" },
    ]);
    // the schema's own rules: weights, keys, included and excluded at once
    const shape = await refusal(
      createBroadcast(editor, {
        ...draftBody([w.segment], w.template),
        excludedSegmentIds: [w.segment],
        variants: [
          { key: "A", templateId: w.template, weight: 50 },
          { key: "A", templateId: w.template, weight: 40 },
        ],
      }),
    );
    expect(shape.fields.map((f) => f.path).sort()).toEqual(["segmentIds.0", "variants", "variants.1.key"]);
    const name = await refusal(createBroadcast(editor, { ...draftBody([w.segment], w.template), name: " " }));
    expect(name.fields).toEqual([{ path: "name", message: "Name the broadcast" }]);
    expect(await broadcastCount(w.ws)).toBe(0);
  });

  it("viewers cannot draft; editors and full keys can; list, get, update, duplicate, archive, each audited", async () => {
    const w = await world();
    expect((await refusal(createBroadcast(await w.as("VIEWER"), draftBody([w.segment], w.template)))).code).toBe(
      "forbidden",
    );
    const editor = await w.as("EDITOR");
    const created = await createBroadcast(
      editor,
      draftBody([w.segment], w.template, { excludedSegmentIds: [w.other] }),
    );
    expect(created).toMatchObject({
      status: "DRAFT",
      segments: [{ id: w.segment, name: "Customers", archived: false }],
      excludedSegments: [{ id: w.other, name: "Churned" }],
      variants: [{ key: "A", templateName: "Spring", weight: 100 }],
      createdBy: w.team.members.EDITOR.email,
      progress: { total: { total: 0 }, holdout: 0, estimatedFinishAt: null },
    });
    const byKey = await createBroadcast(w.key, { ...draftBody([w.segment], w.template), name: "Weekly digest" });
    expect(byKey.createdBy).toBe('API key "Backend"');

    const list = await listBroadcasts(await w.as("VIEWER"));
    expect(list.broadcasts.map((b) => b.name)).toEqual(["Weekly digest", "Spring sale"]);
    expect(list.counts).toMatchObject({ DRAFT: 2, SENDING: 0 });
    expect((await listBroadcasts(editor, { q: "WEEKLY" })).broadcasts.map((b) => b.id)).toEqual([byKey.id]);
    expect((await listBroadcasts(editor, { status: "SENT" })).broadcasts).toEqual([]);

    const updated = await updateBroadcast(editor, created.id, { name: "Spring sale (EU)", throttlePerMinute: 500 });
    expect(updated).toMatchObject({ name: "Spring sale (EU)", throttlePerMinute: 500 });
    // the merged draft is checked as a whole: a winner test needs two variants
    const merged = await refusal(
      updateBroadcast(editor, created.id, { testPercent: 20, winnerAfterHours: 4, winnerMetric: "click" }),
    );
    expect(merged.fields).toEqual([{ path: "testPercent", message: "a winner test needs at least two variants" }]);
    const badRef = await refusal(updateBroadcast(editor, created.id, { segmentIds: [w.segment, crypto.randomUUID()] }));
    expect(badRef.fields).toEqual([{ path: "segmentIds.1", message: "is not a segment of this workspace" }]);
    expect((await getBroadcast(editor, created.id)).segmentIds).toEqual([w.segment]);

    const copy = await duplicateBroadcast(editor, created.id);
    expect(copy).toMatchObject({
      name: "Spring sale (EU) (copy)",
      status: "DRAFT",
      throttlePerMinute: 500,
      excludedSegmentIds: [w.other],
    });
    expect(copy.id).not.toBe(created.id);

    const archived = await archiveBroadcast(editor, copy.id);
    expect(archived.archivedAt).not.toBeNull();
    expect((await refusal(updateBroadcast(editor, copy.id, { name: "Again" }))).message).toBe(
      "This broadcast is archived and cannot be changed.",
    );
    expect((await listBroadcasts(editor)).broadcasts.map((b) => b.id)).not.toContain(copy.id);

    const actions = await db().auditLog.findMany({
      where: { workspaceId: w.ws, targetType: "broadcast" },
      orderBy: { createdAt: "asc" },
      select: { action: true },
    });
    expect(actions.map((a) => a.action)).toEqual([
      "broadcast.created",
      "broadcast.created",
      "broadcast.updated",
      "broadcast.created",
      "broadcast.archived",
    ]);
  });

  it("another workspace's broadcast is not found, and not-a-uuid ids are too", async () => {
    const w = await world();
    const mine = await createBroadcast(w.key, draftBody([w.segment], w.template));
    const elsewhere = await broadcastWorld();
    for (const attempt of [
      async () => getBroadcast(await elsewhere.as("OWNER"), mine.id),
      () => updateBroadcast(elsewhere.key, mine.id, { name: "Mine now" }),
      async () => sendBroadcast(await elsewhere.as("OWNER"), mine.id, { schedule: { kind: "now" } }),
      () => cancelBroadcast(elsewhere.key, mine.id),
      () => getBroadcast(w.key, "not-a-uuid"),
    ])
      expect((await refusal(attempt())).code).toBe("not_found");
    expect((await getBroadcast(w.key, mine.id)).name).toBe("Spring sale");
  });
});

describe("sending and scheduling", () => {
  it("needs the workspace's send role: editors only when it says EDITOR; a full key may", async () => {
    const w = await world();
    await createPeople(w.ws, [{ segments: [w.segment] }, { segments: [w.segment] }]);
    const editor = await w.as("EDITOR");
    const draft = await createBroadcast(editor, draftBody([w.segment], w.template));
    const denied = await refusal(sendBroadcast(editor, draft.id, { schedule: { kind: "now" } }, clock));
    expect(denied).toMatchObject({
      code: "forbidden",
      message: "Sending broadcasts needs the Admin role or higher in this workspace; your role is Editor.",
    });
    expect((await refusal(saveBroadcastSettings(editor, { broadcastSendRole: "EDITOR" }))).code).toBe("forbidden");
    await saveBroadcastSettings(await w.as("ADMIN"), { broadcastSendRole: "EDITOR", timezone: "Europe/Berlin" });
    const sent = await sendBroadcast(editor, draft.id, { schedule: { kind: "now" }, confirmedAudience: 2 }, clock);
    expect(sent).toMatchObject({ audience: 2, broadcast: { status: "SENDING", timezone: "Europe/Berlin" } });
    expect(sent.broadcast.sentBy).toBe(w.team.members.EDITOR.email);
    expect(sent.summary).toBe('Sent the broadcast "Spring sale" to about 2 people now');

    const byKey = await createBroadcast(w.key, draftBody([w.segment], w.template));
    const at = "2026-03-21T09:00:00+01:00";
    expect(await sendBroadcast(w.key, byKey.id, { schedule: { kind: "at", sendAt: at } }, clock)).toMatchObject({
      broadcast: { status: "SCHEDULED", scheduleKind: "at", sendAt: "2026-03-21T08:00:00.000Z" },
    });
    const audit = await db().auditLog.findFirst({
      where: { workspaceId: w.ws, action: "broadcast.scheduled" },
      select: { summary: true, metadata: true },
    });
    expect(audit?.summary).toBe(`Scheduled the broadcast "Spring sale" to about 2 people at ${at}`);
    expect(audit?.metadata).toMatchObject({ audience: 2, schedule: { kind: "at", sendAt: at } });
    // "send now" without a confirmed count (an API call) does not count a million people before it starts
    const uncounted = await createBroadcast(w.key, draftBody([w.segment], w.template));
    const started = await sendBroadcast(w.key, uncounted.id, { schedule: { kind: "now" } }, clock);
    expect(started).toMatchObject({ audience: null, broadcast: { status: "SENDING" } });
    expect(started.summary).toBe('Sent the broadcast "Spring sale" to its audience now');

    expect(
      (await db().auditLog.findFirst({ where: { workspaceId: w.ws, action: "workspace.broadcast_settings_changed" } }))
        ?.summary,
    ).toBe("Changed the time zone from UTC to Europe/Berlin and who may send broadcasts from Admin to Editor and up");
    const owner = await saveBroadcastSettings(await w.as("OWNER"), { broadcastSendRole: "OWNER" });
    expect(owner.broadcastSendRole).toBe("OWNER");
    expect((await refusal(unscheduleBroadcast(await w.as("ADMIN"), byKey.id))).message).toBe(
      "Sending broadcasts needs the Owner role in this workspace; your role is Admin.",
    );
    const bad = await refusal(
      saveBroadcastSettings(await w.as("OWNER"), { timezone: "Mars/Olympus", broadcastSendRole: "VIEWER" as never }),
    );
    expect(bad.fields.map((f) => f.path).sort()).toEqual(["broadcastSendRole", "timezone"]);
  });

  it("refuses a time in the past, an empty audience choice, an unset channel and a changed audience", async () => {
    const w = await world();
    const admin = await w.as("ADMIN");
    await createPeople(
      w.ws,
      Array.from({ length: 20 }, () => ({ segments: [w.segment] })),
    );
    const draft = await createBroadcast(admin, draftBody([w.segment], w.template));
    const past = await refusal(
      sendBroadcast(admin, draft.id, { schedule: { kind: "at", sendAt: "2026-03-20T09:59:00Z" } }, clock),
    );
    expect(past.fields).toEqual([{ path: "schedule.sendAt", message: "is in the past; choose a later time" }]);
    // 09:00 on 2026-03-19 has passed everywhere by 10:00 UTC on the 20th (UTC−12 reached it at 21:00 UTC on the 19th)
    const localPast = await refusal(
      sendBroadcast(
        admin,
        draft.id,
        { schedule: { kind: "local", localDate: "2026-03-19", localTime: "09:00" } },
        clock,
      ),
    );
    expect(localPast.fields[0].path).toBe("schedule.localDate");
    const notADate = await refusal(
      sendBroadcast(
        admin,
        draft.id,
        { schedule: { kind: "local", localDate: "2026-02-30", localTime: "09:00" } },
        clock,
      ),
    );
    expect(notADate.fields[0].path).toBe("localDate");
    const changed = await refusal(
      sendBroadcast(admin, draft.id, { schedule: { kind: "now" }, confirmedAudience: 18 }, clock),
    );
    expect(changed).toMatchObject({
      code: "audience_changed",
      fields: [{ path: "confirmedAudience", message: "audience_changed: 20" }],
    });
    expect(changed.message).toContain("it is now 20 people, not 18");
    // one more person: 21 against the 20 confirmed below is within 5 %, so the send is taken
    await createPeople(w.ws, [{ segments: [w.segment] }]);

    const noSegment = await createBroadcast(admin, draftBody([], w.template));
    expect((await refusal(sendBroadcast(admin, noSegment.id, { schedule: { kind: "now" } }, clock))).fields).toEqual([
      { path: "segmentIds", message: "Choose at least one segment to send to" },
    ]);
    const smsTemplate = await createTemplateRow(w.ws, "sms");
    const sms = await createBroadcast(admin, { ...draftBody([w.segment], smsTemplate), channel: "sms" });
    expect(await refusal(sendBroadcast(admin, sms.id, { schedule: { kind: "now" } }, clock))).toMatchObject({
      code: "conflict",
      message: "SMS isn't set up: configure a Twilio-compatible provider in Settings → Channels.",
    });

    // nothing of the refusals changed the draft
    expect((await getBroadcast(admin, draft.id)).status).toBe("DRAFT");
    const local = await sendBroadcast(
      admin,
      draft.id,
      { schedule: { kind: "local", localDate: "2026-03-21", localTime: "09:00" }, confirmedAudience: 20 },
      clock,
    );
    // the first zone to reach 09:00 is UTC+14: the sweep starts it then
    expect(local.broadcast).toMatchObject({
      status: "SCHEDULED",
      scheduleKind: "local",
      localDate: "2026-03-21",
      localTime: "09:00",
      sendAt: "2026-03-20T19:00:00.000Z",
    });
    expect((await refusal(updateBroadcast(admin, draft.id, { name: "Edit" }))).message).toBe(
      "This broadcast is scheduled (unschedule it first) and cannot be changed.",
    );
    expect((await refusal(sendBroadcast(admin, draft.id, { schedule: { kind: "now" } }, clock))).code).toBe("conflict");
    const back = await unscheduleBroadcast(admin, draft.id);
    expect(back).toMatchObject({ status: "DRAFT", sendAt: null, localDate: null, sentBy: null });
    expect((await updateBroadcast(admin, draft.id, { name: "Edited" })).name).toBe("Edited");
  });
});

describe("pause, resume and cancel", () => {
  it("answer exact counts; cancel leaves claimed messages in flight; state rules are 409s", async () => {
    const w = await world();
    const admin = await w.as("ADMIN");
    const people = await createPeople(
      w.ws,
      Array.from({ length: 12 }, () => ({ segments: [w.segment] })),
    );
    const draft = await createBroadcast(admin, draftBody([w.segment], w.template, { throttlePerMinute: 2 }));
    await sendBroadcast(admin, draft.id, { schedule: { kind: "now" } }, clock);
    expect((await refusal(updateBroadcast(admin, draft.id, { name: "x" }))).message).toBe(
      "This broadcast is sending and cannot be changed.",
    );
    expect((await refusal(archiveBroadcast(admin, draft.id))).code).toBe("conflict");
    await createBroadcastMessages(w.ws, draft.id, people.slice(0, 3), "SENT");
    await createBroadcastMessages(w.ws, draft.id, people.slice(3, 4), "DELIVERED");
    await createBroadcastMessages(w.ws, draft.id, people.slice(4, 6), "QUEUED", {
      claimedUntil: new Date(AT.getTime() + 60_000),
    });
    await createBroadcastMessages(w.ws, draft.id, people.slice(6, 12), "QUEUED");
    await db().broadcast.update({ where: { id: draft.id }, data: { audienceCount: 12, audienceDone: true } });

    const detail = await getBroadcast(admin, draft.id, clock);
    expect(detail.progress.variants).toEqual([
      { variant: "A", queued: 8, sent: 3, delivered: 1, suppressed: 0, failed: 0, bounced: 0, cancelled: 0, total: 12 },
    ]);
    // 8 queued at 2 a minute: 4 minutes from now
    expect(detail.progress.estimatedFinishAt).toBe("2026-03-20T10:04:00.000Z");

    expect((await refusal(resumeBroadcast(admin, draft.id, clock))).code).toBe("conflict");
    expect((await refusal(pauseBroadcast(await w.as("EDITOR"), draft.id, clock))).code).toBe("forbidden");
    const paused = await pauseBroadcast(admin, draft.id, clock);
    expect(paused.broadcast).toMatchObject({ status: "PAUSED", pausedAt: AT.toISOString() });
    expect(paused.counts).toEqual({ sent: 4, pending: 6, cancelled: 0, inFlight: 2 });
    const resumed = await resumeBroadcast(w.key, draft.id, clock);
    expect(resumed.broadcast).toMatchObject({ status: "SENDING", pausedAt: null });

    const cancelled = await cancelBroadcast(admin, draft.id, clock);
    expect(cancelled.broadcast).toMatchObject({ status: "CANCELLED", cancelledAt: AT.toISOString() });
    expect(cancelled.counts).toEqual({ sent: 4, pending: 0, cancelled: 6, inFlight: 2 });
    const reasons = await db().message.findMany({
      where: { broadcastId: draft.id, status: "CANCELLED" },
      select: { statusReason: true },
    });
    expect(new Set(reasons.map((r) => r.statusReason))).toEqual(new Set(["The broadcast was cancelled"]));
    expect((await refusal(cancelBroadcast(admin, draft.id, clock))).code).toBe("conflict");
    expect((await archiveBroadcast(admin, draft.id)).archivedAt).not.toBeNull();

    const actions = await db().auditLog.findMany({
      where: { workspaceId: w.ws, targetId: draft.id },
      orderBy: { createdAt: "asc" },
      select: { action: true },
    });
    expect(actions.map((a) => a.action)).toEqual([
      "broadcast.created",
      "broadcast.sent",
      "broadcast.paused",
      "broadcast.resumed",
      "broadcast.cancelled",
      "broadcast.archived",
    ]);
  });

  it("cancels a scheduled broadcast before it starts", async () => {
    const w = await world();
    const draft = await createBroadcast(w.key, draftBody([w.segment], w.template));
    await sendBroadcast(w.key, draft.id, { schedule: { kind: "at", sendAt: "2026-03-22T10:00:00Z" } }, clock);
    const cancelled = await cancelBroadcast(w.key, draft.id, clock);
    expect(cancelled).toMatchObject({
      broadcast: { status: "CANCELLED" },
      counts: { sent: 0, pending: 0, cancelled: 0, inFlight: 0 },
    });
  });
});
