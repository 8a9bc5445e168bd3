import { describe, expect, it } from "vitest";
import {
  bodyFromForm,
  changedAudience,
  confirmationSentence,
  errorsUnder,
  evenWeights,
  formFromDraft,
  formatMinutes,
  nextVariantKey,
  progressCounts,
  progressPercent,
  scheduleBody,
  sendPolicyFor,
  statusLabel,
  throttleDuration,
  type SendSummary,
  canAddHeader,
  headerErrorsByRow,
  tracksEngagement,
  webhookBodyFromForm,
  webhookPreviewFields,
  winnerMetricsFor,
} from "./model";

const DRAFT = {
  name: "Black Friday",
  segments: [{ id: "s1", name: "Buyers" }],
  excludedSegments: [],
  variants: [
    { key: "A", name: "", templateId: "t1", weight: 50 },
    { key: "B", name: "Short", templateId: "t2", weight: 50 },
  ],
  holdoutPercent: 10,
  testPercent: null,
  winnerAfterHours: null,
  winnerMetric: null,
  throttlePerMinute: null,
  conversionEvent: null,
  conversionWindowHours: 72,
};

describe("the editor's form", () => {
  it("round-trips a saved draft into the body it saves", () => {
    const { body, errors } = bodyFromForm(formFromDraft(DRAFT));
    expect(errors).toEqual({});
    expect(body).toEqual({
      name: "Black Friday",
      segmentIds: ["s1"],
      excludedSegmentIds: [],
      variants: DRAFT.variants,
      holdoutPercent: 10,
      testPercent: null,
      winnerAfterHours: null,
      winnerMetric: null,
      throttlePerMinute: null,
      conversionEvent: null,
      conversionWindowHours: 72,
    });
  });

  it("sends the winner test, throttle and conversion only when they are switched on", () => {
    const form = { ...formFromDraft(DRAFT), winnerTest: true, throttle: true, conversion: true };
    form.conversionEvent = " Order Completed ";
    const { body } = bodyFromForm(form);
    expect(body).toMatchObject({
      testPercent: 20,
      winnerAfterHours: 4,
      winnerMetric: "click",
      throttlePerMinute: 1000,
      conversionEvent: "Order Completed",
    });
  });

  it("names every field that is not a whole number, by the API's path", () => {
    const form = formFromDraft(DRAFT);
    form.variants[1].weight = "12.5";
    form.holdoutPercent = "";
    form.throttle = true;
    form.throttlePerMinute = "fast";
    form.conversionWindowHours = "7 days";
    const { body, errors } = bodyFromForm(form);
    expect(body).toBeNull();
    expect(errors).toEqual({
      "variants.1.weight": "must be a whole number",
      holdoutPercent: "must be a whole number",
      throttlePerMinute: "must be a whole number",
      conversionWindowHours: "must be a whole number",
    });
  });

  it("asks for the conversion event when conversions are switched on without one", () => {
    const form = { ...formFromDraft(DRAFT), conversion: true, conversionEvent: "  " };
    expect(bodyFromForm(form).errors).toEqual({ conversionEvent: "Name the event" });
  });

  it("leaves range checks to the API (a negative holdout goes through as typed)", () => {
    const form = { ...formFromDraft(DRAFT), holdoutPercent: "-5" };
    expect(bodyFromForm(form).body?.holdoutPercent).toBe(-5);
  });

  it("falls back to click for an unknown stored metric", () => {
    expect(formFromDraft({ ...DRAFT, winnerMetric: "revenue" }).winnerMetric).toBe("click");
  });
});

describe("variants", () => {
  it("gives the next free key", () => {
    expect(nextVariantKey([])).toBe("A");
    expect(nextVariantKey(["A", "C"])).toBe("B");
    const all = Array.from({ length: 26 }, (_, i) => String.fromCharCode(65 + i));
    expect(nextVariantKey(all)).toBe("V27");
    expect(nextVariantKey([...all, "V27"])).toBe("V28");
  });

  it("splits 100 evenly in whole numbers", () => {
    expect(evenWeights(1)).toEqual([100]);
    expect(evenWeights(2)).toEqual([50, 50]);
    expect(evenWeights(3)).toEqual([34, 33, 33]);
    expect(evenWeights(7).reduce((a, b) => a + b, 0)).toBe(100);
    expect(evenWeights(0)).toEqual([]);
  });
});

describe("status", () => {
  const base = { scheduleKind: "now", sendAt: null, localDate: null, localTime: null, timezone: "UTC", progress: null };
  it("says how far a sending broadcast is", () => {
    const progress = { sent: 40, pending: 50, cancelled: 0, suppressed: 2, failed: 0 };
    expect(progressPercent(progress)).toBe(45);
    expect(statusLabel({ ...base, status: "SENDING", progress })).toBe("Sending 45 %");
    expect(progressPercent({ sent: 0, pending: 0, cancelled: 0, suppressed: 0, failed: 0 })).toBe(0);
  });

  it("says when a scheduled broadcast goes out, in the zone it was scheduled in", () => {
    expect(
      statusLabel({
        ...base,
        status: "SCHEDULED",
        scheduleKind: "at",
        sendAt: "2026-12-10T08:00:00Z",
        timezone: "Europe/Berlin",
      }),
    ).toBe("Scheduled for 10 Dec 2026, 09:00 (Europe/Berlin)");
    expect(
      statusLabel({ ...base, status: "SCHEDULED", scheduleKind: "local", localDate: "2026-12-10", localTime: "09:00" }),
    ).toBe("Scheduled for 2026-12-10 at 09:00 in each recipient's time zone");
  });

  it("labels the other states plainly", () => {
    expect(statusLabel({ ...base, status: "DRAFT" })).toBe("Draft");
    expect(statusLabel({ ...base, status: "PAUSED" })).toBe("Paused");
    expect(statusLabel({ ...base, status: "SENT" })).toBe("Sent");
    expect(statusLabel({ ...base, status: "CANCELLED" })).toBe("Cancelled");
    expect(statusLabel({ ...base, status: "SENDING" })).toBe("Sending");
  });
});

describe("throttle", () => {
  it("estimates how long sending takes", () => {
    expect(throttleDuration(12_345, 100)).toBe("about 2 h 4 min");
    expect(throttleDuration(10, 100)).toBe("about 1 minute");
    expect(throttleDuration(3_000_000, 1000)).toBe("about 2 d 2 h");
    expect(throttleDuration(1000, null)).toBeNull();
    expect(throttleDuration(0, 100)).toBeNull();
    expect(formatMinutes(60)).toBe("1 h");
  });
});

describe("schedule", () => {
  it("reads 'at' in the workspace's zone, across a DST change", () => {
    expect(scheduleBody({ kind: "at", date: "2026-12-10", time: "09:00" }, "Europe/Berlin").body).toEqual({
      kind: "at",
      sendAt: "2026-12-10T08:00:00.000Z",
    });
    expect(scheduleBody({ kind: "at", date: "2026-07-10", time: "09:00" }, "Europe/Berlin").body).toEqual({
      kind: "at",
      sendAt: "2026-07-10T07:00:00.000Z",
    });
  });

  it("falls back to UTC for a zone it does not know", () => {
    expect(scheduleBody({ kind: "at", date: "2026-12-10", time: "09:00" }, "Mars/Olympus").body).toEqual({
      kind: "at",
      sendAt: "2026-12-10T09:00:00.000Z",
    });
  });

  it("sends a local time as typed", () => {
    expect(scheduleBody({ kind: "local", date: "2026-12-10", time: "09:30" }, "UTC").body).toEqual({
      kind: "local",
      localDate: "2026-12-10",
      localTime: "09:30",
    });
    expect(scheduleBody({ kind: "now" }, "UTC").body).toEqual({ kind: "now" });
  });

  it("names the missing date or time", () => {
    expect(scheduleBody({ kind: "at", date: "", time: "09:00" }, "UTC").errors).toEqual({
      "schedule.sendAt": "Pick a date",
    });
    expect(scheduleBody({ kind: "local", date: "2026-12-10", time: "9" }, "UTC").errors).toEqual({
      "schedule.localTime": "Pick a time",
    });
    expect(scheduleBody({ kind: "local", date: "10/12/2026", time: "09:00" }, "UTC").errors).toEqual({
      "schedule.localDate": "Pick a date",
    });
  });
});

describe("the confirmation", () => {
  const summary: SendSummary = {
    name: "Black Friday",
    channel: "email",
    count: 12_345,
    schedule: { kind: "now" },
    workspaceZone: "Europe/Berlin",
    variants: [
      { key: "A", weight: 50 },
      { key: "B", weight: 50 },
    ],
    holdoutPercent: 10,
    testPercent: 20,
    winnerAfterHours: 4,
    winnerMetric: "click",
    throttlePerMinute: null,
  };

  it("states the whole send", () => {
    expect(confirmationSentence(summary)).toBe(
      "Send “Black Friday” by email to 12,345 people now, 2 variants 50/50, 10 % held out; 20 % get the test first, and the winner by click rate goes to the other 80 % after 4 hours.",
    );
  });

  it("states a single variant, a schedule and the throttle", () => {
    expect(
      confirmationSentence({
        ...summary,
        count: 1,
        channel: "sms",
        variants: [{ key: "A", weight: 100 }],
        holdoutPercent: 0,
        testPercent: null,
        schedule: { kind: "at", date: "2026-12-10", time: "09:00" },
        throttlePerMinute: 1,
      }),
    ).toBe(
      "Send “Black Friday” by sms to 1 person on 2026-12-10 at 09:00 (Europe/Berlin). At most 1 message a minute: sending takes about 1 minute.",
    );
    expect(
      confirmationSentence({
        ...summary,
        channel: "in_app",
        testPercent: null,
        holdoutPercent: 0,
        schedule: { kind: "local", date: "2026-12-10", time: "09:00" },
      }),
    ).toBe(
      "Send “Black Friday” in the app inbox to 12,345 people on 2026-12-10 at 09:00 in each person's own time zone, 2 variants 50/50.",
    );
  });
});

describe("field errors of a list", () => {
  it("splits the API's paths under a prefix into the list's own message and its items'", () => {
    expect(
      errorsUnder(
        {
          segmentIds: "at most 20 segments",
          "segmentIds.1": "is both included and excluded",
          "excludedSegmentIds.0": "x",
          name: "y",
        },
        "segmentIds",
      ),
    ).toEqual({ "": "at most 20 segments", "1": "is both included and excluded" });
    expect(errorsUnder({}, "segmentIds")).toEqual({});
  });
});

describe("a changed audience", () => {
  it("reads the new count from the 409 the send answers", () => {
    expect(changedAudience({ status: 409, fields: { confirmedAudience: "audience_changed: 12345" } })).toBe(12345);
  });
  it("is null for any other refusal", () => {
    expect(changedAudience({ status: 409, fields: {} })).toBeNull();
    expect(changedAudience({ status: 422, fields: { confirmedAudience: "audience_changed: 5" } })).toBeNull();
    expect(changedAudience({ status: 409, fields: { confirmedAudience: "audience_changed: many" } })).toBeNull();
  });
});

describe("progress counts", () => {
  it("counts delivered and bounced messages as sent, queued as pending", () => {
    expect(
      progressCounts({ queued: 5, sent: 3, delivered: 10, suppressed: 1, failed: 2, bounced: 1, cancelled: 4 }),
    ).toEqual({ sent: 14, pending: 5, cancelled: 4, suppressed: 1, failed: 2 });
  });
});

describe("who may send", () => {
  it("lets a member at or above the workspace's role send", () => {
    expect(sendPolicyFor("ADMIN", "ADMIN")).toEqual({ maySend: true, reason: null });
    expect(sendPolicyFor("OWNER", "EDITOR").maySend).toBe(true);
  });
  it("says which role may when the member's may not", () => {
    expect(sendPolicyFor("EDITOR", "ADMIN")).toEqual({
      maySend: false,
      reason:
        "Admins and up may send broadcasts in this workspace (Settings → General); you can draft and test it, and ask one of them to send it.",
    });
    expect(sendPolicyFor("ADMIN", "OWNER").reason).toMatch(/^Owners may send/);
    expect(sendPolicyFor(null, "EDITOR").maySend).toBe(false);
  });
});

describe("webhook broadcasts in the editor", () => {
  const WEBHOOK = { url: "https://crm.example/hook", method: "PUT" as const, headers: { "X-Api-Key": "k" } };

  it("makes header rows of the saved request and saves them back, blank rows left out", () => {
    const form = formFromDraft({ ...DRAFT, channel: "webhook", webhook: WEBHOOK });
    expect(form.webhook).toEqual({
      url: "https://crm.example/hook",
      method: "PUT",
      headers: [{ name: "X-Api-Key", value: "k" }],
    });
    // a webhook has no opens or clicks: a new winner test is decided on conversions
    expect(form.winnerMetric).toBe("conversion");
    const withBlank = {
      ...form,
      webhook: { ...form.webhook!, headers: [...form.webhook!.headers, { name: " ", value: "" }] },
    };
    expect(bodyFromForm(withBlank).body?.webhook).toEqual(WEBHOOK);
    // other channels: no webhook in the form, none in the body (an update leaves the column alone)
    const email = formFromDraft(DRAFT);
    expect(email.webhook).toBeNull();
    expect(bodyFromForm(email).body).not.toHaveProperty("webhook");
  });

  it("names the header row with a value and no name, or a name given twice (case-insensitive)", () => {
    const { body, errors } = webhookBodyFromForm({
      url: " https://crm.example/hook ",
      method: "POST",
      headers: [
        { name: "X-Token", value: "a" },
        { name: "", value: "orphan" },
        { name: "x-token", value: "b" },
      ],
    });
    expect(errors).toEqual({ "webhook.headers.1": "Name the header", "webhook.headers.2": "x-token is given twice" });
    expect(body).toEqual({ url: "https://crm.example/hook", method: "POST", headers: { "X-Token": "a" } });
    const form = formFromDraft({ ...DRAFT, channel: "webhook", webhook: WEBHOOK });
    expect(bodyFromForm({ ...form, webhook: { ...form.webhook!, headers: [{ name: "", value: "v" }] } })).toEqual({
      body: null,
      errors: { "webhook.headers.0": "Name the header" },
    });
  });

  it("puts the API's errors on the header's row, by name or by row", () => {
    const form = {
      url: "",
      method: "POST" as const,
      headers: [
        { name: "Host", value: "x" },
        { name: "X-A", value: "" },
      ],
    };
    expect(
      headerErrorsByRow(form, {
        "webhook.headers.Host": "is set by the connection itself and cannot be given",
        "webhook.headers.1": "Name the header",
      }),
    ).toEqual({ 0: "is set by the connection itself and cannot be given", 1: "Name the header" });
    expect(canAddHeader({ ...form, headers: Array.from({ length: 20 }, () => ({ name: "a", value: "" })) })).toBe(
      false,
    );
    expect(canAddHeader(form)).toBe(true);
  });

  it("hides engagement for webhooks and shows the previewed request as a webhook template's fields", () => {
    expect(tracksEngagement("webhook")).toBe(false);
    expect(tracksEngagement("email")).toBe(true);
    expect(winnerMetricsFor("webhook")).toEqual(["conversion"]);
    expect(winnerMetricsFor("sms")).toEqual(["open", "click", "conversion"]);
    expect(
      webhookPreviewFields({ headers: { "Content-Type": "application/json", "X-Api-Key": "k" }, body: "{}" }),
    ).toEqual({ body: "{}", contentType: "application/json", "headers.X-Api-Key": "k" });
  });

  it("states a webhook send as one request per person", () => {
    const summary: SendSummary = {
      name: "CRM sync",
      channel: "webhook",
      count: 1200,
      schedule: { kind: "now" },
      workspaceZone: "UTC",
      variants: [{ key: "A", weight: 100 }],
      holdoutPercent: 0,
      testPercent: null,
      winnerAfterHours: null,
      winnerMetric: null,
      throttlePerMinute: null,
    };
    expect(confirmationSentence(summary)).toBe("Send “CRM sync” as a webhook request for each of 1,200 people now.");
  });
});
