import { describe, expect, it } from "vitest";
import {
  consentDecision,
  consentFromTraits,
  describeCap,
  describePolicy,
  quietHoursEnd,
  reachedCap,
  ZMessagingPolicy,
  type FrequencyCap,
  type QuietHours,
} from "./policy";

function quiet(start: string, end: string, options: Partial<QuietHours> = {}): QuietHours {
  return { start, end, channels: ["email", "sms", "push"], fallbackTimeZone: "UTC", ...options };
}

/** quietHoursEnd for email at an ISO instant, as an ISO string (or null: not quiet). */
function endAt(q: QuietHours | null, now: string, zone: string | null): string | null {
  return quietHoursEnd(q, "email", new Date(now), zone)?.toISOString() ?? null;
}

describe("quietHoursEnd", () => {
  it("a window across midnight (21:00–08:00): quiet from the exact start to just before the end", () => {
    const q = quiet("21:00", "08:00");
    // Paris in winter is UTC+1
    expect(endAt(q, "2026-01-14T19:59:59.999Z", "Europe/Paris")).toBeNull(); // 20:59:59.999
    expect(endAt(q, "2026-01-14T20:00:00.000Z", "Europe/Paris")).toBe("2026-01-15T07:00:00.000Z"); // 21:00 exactly: quiet
    expect(endAt(q, "2026-01-14T23:00:00.000Z", "Europe/Paris")).toBe("2026-01-15T07:00:00.000Z"); // midnight
    expect(endAt(q, "2026-01-15T06:59:59.000Z", "Europe/Paris")).toBe("2026-01-15T07:00:00.000Z"); // 07:59:59
    expect(endAt(q, "2026-01-15T07:00:00.000Z", "Europe/Paris")).toBeNull(); // 08:00 exactly: over
    expect(endAt(q, "2026-01-15T11:00:00.000Z", "Europe/Paris")).toBeNull();
  });

  it("a same-day window (12:00–14:00)", () => {
    const q = quiet("12:00", "14:00");
    expect(endAt(q, "2026-01-14T11:59:00.000Z", "UTC")).toBeNull();
    expect(endAt(q, "2026-01-14T12:00:00.000Z", "UTC")).toBe("2026-01-14T14:00:00.000Z");
    expect(endAt(q, "2026-01-14T13:59:30.000Z", "UTC")).toBe("2026-01-14T14:00:00.000Z");
    expect(endAt(q, "2026-01-14T14:00:00.000Z", "UTC")).toBeNull();
    expect(endAt(q, "2026-01-14T23:30:00.000Z", "UTC")).toBeNull();
  });

  it("the night Paris springs forward (2026-03-29, 02:00 CET → 03:00 CEST)", () => {
    // 22:30 CET: 08:00 CEST is 06:00 UTC, an hour sooner in elapsed time than the night before
    expect(endAt(quiet("21:00", "08:00"), "2026-03-28T21:30:00.000Z", "Europe/Paris")).toBe("2026-03-29T06:00:00.000Z");
    expect(endAt(quiet("21:00", "08:00"), "2026-03-27T21:30:00.000Z", "Europe/Paris")).toBe("2026-03-28T07:00:00.000Z");
    // after the change: 07:30 CEST is still quiet, 08:00 CEST is not
    expect(endAt(quiet("21:00", "08:00"), "2026-03-29T05:30:00.000Z", "Europe/Paris")).toBe("2026-03-29T06:00:00.000Z");
    expect(endAt(quiet("21:00", "08:00"), "2026-03-29T06:00:00.000Z", "Europe/Paris")).toBeNull();
    // an end the clocks skip (02:30 never happens that night): quiet hours end when the clocks jump, at 03:00 CEST
    expect(endAt(quiet("01:00", "02:30"), "2026-03-29T00:30:00.000Z", "Europe/Paris")).toBe("2026-03-29T01:00:00.000Z");
    expect(endAt(quiet("01:00", "02:30"), "2026-03-29T01:00:00.000Z", "Europe/Paris")).toBeNull(); // 03:00 CEST
  });

  it("the night New York falls back (2026-11-01, 02:00 EDT → 01:00 EST)", () => {
    // 23:00 EDT: 08:00 EST is 13:00 UTC, an hour later in elapsed time
    expect(endAt(quiet("22:00", "08:00"), "2026-11-01T03:00:00.000Z", "America/New_York")).toBe(
      "2026-11-01T13:00:00.000Z",
    );
    // an end that happens twice (01:30 EDT, then 01:30 EST): the first pass ends at the first…
    expect(endAt(quiet("22:00", "01:30"), "2026-11-01T05:10:00.000Z", "America/New_York")).toBe(
      "2026-11-01T05:30:00.000Z",
    );
    // …and someone already in the second pass (01:10 EST) waits for the second, not for tomorrow's
    expect(endAt(quiet("22:00", "01:30"), "2026-11-01T06:10:00.000Z", "America/New_York")).toBe(
      "2026-11-01T06:30:00.000Z",
    );
    // the day after is an ordinary EST day
    expect(endAt(quiet("22:00", "08:00"), "2026-11-02T03:00:00.000Z", "America/New_York")).toBe(
      "2026-11-02T13:00:00.000Z",
    );
  });

  it("a channel not in the window's channels, or no quiet hours at all: null", () => {
    const q = quiet("00:00", "23:59", { channels: ["sms"] });
    expect(quietHoursEnd(q, "email", new Date("2026-01-14T12:00:00Z"), "UTC")).toBeNull();
    expect(quietHoursEnd(q, "in_app", new Date("2026-01-14T12:00:00Z"), "UTC")).toBeNull();
    expect(quietHoursEnd(q, "sms", new Date("2026-01-14T12:00:00Z"), "UTC")?.toISOString()).toBe(
      "2026-01-14T23:59:00.000Z",
    );
    expect(quietHoursEnd(null, "email", new Date("2026-01-14T12:00:00Z"), "UTC")).toBeNull();
  });

  it("a profile without a zone, or with one that isn't a zone, gets the fallback zone", () => {
    const q = quiet("22:00", "07:00", { fallbackTimeZone: "America/New_York" });
    // 04:00 UTC is 23:00 in New York (quiet) and 04:00 in UTC (also quiet, but ending at 07:00 UTC)
    for (const zone of [null, "", "Mars/Olympus_Mons", "not a zone"])
      expect(endAt(q, "2026-01-14T04:00:00.000Z", zone), String(zone)).toBe("2026-01-14T12:00:00.000Z");
    // a valid profile zone wins over the fallback
    expect(endAt(q, "2026-01-14T04:00:00.000Z", "UTC")).toBe("2026-01-14T07:00:00.000Z");
    // 17:00 UTC is 12:00 in New York: not quiet, though it would be in Tokyo (02:00)
    expect(endAt(q, "2026-01-14T17:00:00.000Z", "bogus")).toBeNull();
    expect(endAt(q, "2026-01-14T17:00:00.000Z", "Asia/Tokyo")).toBe("2026-01-14T22:00:00.000Z");
  });
});

describe("consentDecision", () => {
  const none = {};
  it("a consent record wins over the trait", () => {
    expect(consentDecision("email", "unsubscribed", { email_subscribe: "opted_in" }, [])).toEqual({
      allowed: false,
      reason: "Unsubscribed from emails",
    });
    expect(consentDecision("email", "opted_in", { email_subscribe: "unsubscribed" }, ["email"])).toEqual({
      allowed: true,
    });
    expect(consentDecision("sms", "subscribed", none, [])).toEqual({ allowed: true });
    expect(consentDecision("sms", "subscribed", { sms_subscribe: "opted_in" }, ["sms"])).toEqual({
      allowed: false,
      reason: "No opt-in for SMS: this workspace requires explicit opt-in",
    });
  });

  it("without a record the <channel>_subscribe trait decides, naming the trait", () => {
    expect(consentDecision("email", null, { email_subscribe: "unsubscribed" }, [])).toEqual({
      allowed: false,
      reason: "Unsubscribed from emails (trait email_subscribe)",
    });
    expect(consentDecision("push", null, { push_subscribe: false }, [])).toEqual({
      allowed: false,
      reason: "Unsubscribed from push notifications (trait push_subscribe)",
    });
    expect(consentDecision("push", null, { push_subscribe: true }, ["push"])).toEqual({ allowed: true });
    expect(consentDecision("email", null, { email_subscribe: "opted_in" }, ["email"])).toEqual({ allowed: true });
    expect(consentDecision("email", null, { email_subscribe: "subscribed" }, ["email"])).toEqual({
      allowed: false,
      reason: "No opt-in for emails: this workspace requires explicit opt-in",
    });
    // another channel's trait says nothing about this one
    expect(consentDecision("email", null, { sms_subscribe: "unsubscribed" }, [])).toEqual({ allowed: true });
  });

  it("without either, people are subscribed unless the channel needs opt-in", () => {
    expect(consentDecision("email", null, none, [])).toEqual({ allowed: true });
    expect(consentDecision("email", null, none, ["sms"])).toEqual({ allowed: true });
    expect(consentDecision("sms", null, none, ["sms"])).toEqual({
      allowed: false,
      reason: "No opt-in for SMS: this workspace requires explicit opt-in",
    });
    expect(consentDecision("in_app", null, none, ["in_app"])).toEqual({
      allowed: false,
      reason: "No opt-in for in-app messages: this workspace requires explicit opt-in",
    });
  });

  it("trait values that are not a consent status count as none", () => {
    for (const value of ["yes", "no", 1, 0, null, "UNSUBSCRIBED", { status: "unsubscribed" }]) {
      expect(consentFromTraits("email", { email_subscribe: value }), JSON.stringify(value)).toBeNull();
      expect(consentDecision("email", null, { email_subscribe: value }, [])).toEqual({ allowed: true });
    }
    expect(consentFromTraits("email", { email_subscribe: true })).toBe("opted_in");
    expect(consentFromTraits("email", { email_subscribe: false })).toBe("unsubscribed");
  });
});

describe("reachedCap", () => {
  const caps: FrequencyCap[] = [
    { channel: "email", limit: 3, hours: 24 },
    { channel: "sms", limit: 1, hours: 1 },
    { channel: "email", limit: 5, hours: 168 },
  ];

  it("the first cap of the channel whose window already holds its limit", () => {
    const counts: Record<number, number> = { 24: 2, 168: 5, 1: 1 };
    const windows: number[] = [];
    const hit = reachedCap(caps, "email", (hours) => (windows.push(hours), counts[hours]));
    expect(hit).toEqual({ cap: caps[2], count: 5 });
    expect(windows).toEqual([24, 168]); // the sms cap is not even counted
    expect(reachedCap(caps, "email", (hours) => (hours === 24 ? 3 : 0))).toEqual({ cap: caps[0], count: 3 });
    expect(reachedCap(caps, "sms", () => 1)).toEqual({ cap: caps[1], count: 1 });
  });

  it("below every limit, or no cap for the channel: null", () => {
    expect(reachedCap(caps, "email", (hours) => (hours === 24 ? 2 : 4))).toBeNull();
    expect(reachedCap(caps, "sms", () => 0)).toBeNull();
    expect(reachedCap(caps, "push", () => 1000)).toBeNull();
    expect(reachedCap([], "email", () => 1000)).toBeNull();
  });

  it("describes caps in words", () => {
    expect(describeCap({ channel: "email", limit: 1, hours: 24 })).toBe("at most 1 email per day");
    expect(describeCap({ channel: "sms", limit: 2, hours: 1 })).toBe("at most 2 SMS per hour");
    expect(describeCap({ channel: "push", limit: 3, hours: 72 })).toBe("at most 3 push notifications per 3 days");
    expect(describeCap({ channel: "in_app", limit: 4, hours: 36 })).toBe("at most 4 in-app messages per 36 hours");
  });
});

describe("ZMessagingPolicy", () => {
  function issues(input: unknown) {
    const result = ZMessagingPolicy.safeParse(input);
    expect(result.success).toBe(false);
    return result.error!.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  }

  it("fills the defaults", () => {
    expect(ZMessagingPolicy.parse({})).toEqual({ frequencyCaps: [], quietHours: null, requireOptIn: [] });
    const policy = ZMessagingPolicy.parse({ quietHours: { start: "21:00", end: "08:00" } });
    expect(policy.quietHours).toEqual({
      start: "21:00",
      end: "08:00",
      channels: ["email", "sms", "push"],
      fallbackTimeZone: "UTC",
    });
    expect(describePolicy(policy)).toBe(
      "Messaging rules: no frequency caps; quiet hours 21:00–08:00 for email, sms, push; no opt-in requirement",
    );
  });

  it("names each bad field", () => {
    expect(issues({ quietHours: { start: "25:00", end: "8:00" } })).toEqual([
      { path: "quietHours.start", message: "must be a time of day as HH:MM, e.g. 21:00" },
      { path: "quietHours.end", message: "must be a time of day as HH:MM, e.g. 21:00" },
    ]);
    expect(issues({ quietHours: { start: "21:00", end: "21:00" } })).toEqual([
      { path: "quietHours.end", message: "start and end must differ" },
    ]);
    expect(issues({ quietHours: { start: "21:00", end: "08:00", fallbackTimeZone: "Europe/Atlantis" } })).toEqual([
      { path: "quietHours.fallbackTimeZone", message: "must be an IANA time zone, e.g. Europe/Paris" },
    ]);
    expect(issues({ quietHours: { start: "21:00", end: "08:00", channels: [] } })).toEqual([
      { path: "quietHours.channels", message: "choose at least one channel" },
    ]);
    expect(issues({ frequencyCaps: [{ channel: "email", limit: 0, hours: 24 }] })).toEqual([
      { path: "frequencyCaps.0.limit", message: "must be at least 1" },
    ]);
    expect(
      issues({
        frequencyCaps: [
          { channel: "email", limit: 1, hours: 24 },
          { channel: "fax", limit: 1.5, hours: 721 },
        ],
      }),
    ).toEqual([
      { path: "frequencyCaps.1.channel", message: "must be one of email, sms, push, in_app" },
      { path: "frequencyCaps.1.limit", message: "must be a whole number" },
      { path: "frequencyCaps.1.hours", message: "must be at most 720 hours (30 days)" },
    ]);
    expect(issues({ requireOptIn: ["email", "pigeon"] })).toEqual([
      { path: "requireOptIn.1", message: "must be one of email, sms, push, in_app" },
    ]);
    expect(
      issues({ frequencyCaps: [{ channel: "email", limit: "3", hours: 24, extra: 1 }] }).map((i) => i.path),
    ).toEqual(["frequencyCaps.0.limit", "frequencyCaps.0"]);
    expect(issues({ quietHours: null, owner: "me" })).toEqual([{ path: "", message: 'Unrecognized key: "owner"' }]);
  });
});
