import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as eventsRoute } from "@/app/api/v1/messages/events/route";
import { recomputeSegment } from "../segments/membership";
import { SegmentDriver } from "../segments/test-driver";
import { callRoute } from "../testing/call-route";
import { eventually } from "../testing/executor-harness";
import { startSmtpSink, type SmtpSink } from "../testing/local-provider-servers";
import { NOON, queueFor, setup, type MessagingSetup } from "../testing/messaging-fixtures";
import { saveChannelConfig } from "./channel-config";
import { deliverMessage } from "./delivery";
import { savePreferences, unsubscribe } from "./engagement";
import { savePolicy } from "./policy";
import { closeSmtpTransports } from "./providers";
import { signLink } from "./tracking";

/**
 * Reachability segments ("has an email address with consent") read suppressions, consent and the workspace's
 * opt-in rule, none of which arrives as an ingested event or changes with the clock: each change re-checks
 * the people it concerns at once (a policy change, everyone, by a recompute).
 */

let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  closeSmtpTransports();
  await sink.close();
});

const REACHABLE_BY_EMAIL = { kind: "group", match: "all", conditions: [{ kind: "reachable", channel: "email" }] };

async function withSegment(s: MessagingSetup): Promise<{ d: SegmentDriver; segmentId: string }> {
  const d = new SegmentDriver(s.ctx, NOON, s.fixture.bearer);
  return { d, segmentId: await d.segment(REACHABLE_BY_EMAIL) };
}

describe("reachability segments follow delivery and consent", () => {
  it("a hard bounce and a spam complaint take the person out at once", async () => {
    const s = await setup();
    await saveChannelConfig(s.owner, "email", {
      settings: { mode: "smtp", fromAddress: "news@shop.example", host: sink.host, port: sink.port },
    });
    const { d, segmentId } = await withSegment(s);
    const sent: Record<string, string> = {};
    for (const userId of ["ann", "ben", "cal"]) {
      sent[userId] = await queueFor(s, userId, { email: `${userId}@example.com` });
      expect(await deliverMessage(sent[userId], s.driver.clock)).toMatchObject({ outcome: "sent" });
    }
    await recomputeSegment(segmentId, { now: () => NOON });
    expect(await d.members(segmentId)).toEqual(["ann", "ben", "cal"]);

    const report = (events: unknown[]) =>
      callRoute(eventsRoute, {
        method: "POST",
        path: "/api/v1/messages/events",
        headers: s.fixture.bearer,
        body: { events },
      });
    expect(
      (await report([{ messageId: sent.ann, type: "bounced", bounceType: "hard", reason: "550 user unknown" }])).status,
    ).toBe(200);
    expect(await d.members(segmentId)).toEqual(["ben", "cal"]);
    expect((await report([{ messageId: sent.ben, type: "complained" }])).status).toBe(200);
    expect(await d.members(segmentId)).toEqual(["cal"]);
    // a soft bounce suppresses nothing, so it changes nothing
    expect((await report([{ messageId: sent.cal, type: "bounced", bounceType: "soft" }])).status).toBe(200);
    expect(await d.members(segmentId)).toEqual(["cal"]);
    expect((await d.changes(segmentId)).filter((c) => c.kind === "exited").map((c) => c.userId)).toEqual([
      "ann",
      "ben",
    ]);
  });

  it("unsubscribing and opting in again on the preference page move the person at once; requiring opt-in recomputes everyone", async () => {
    const s = await setup();
    const { d, segmentId } = await withSegment(s);
    const dora = await queueFor(s, "dora", { email: "dora@example.com" });
    await queueFor(s, "eli", { email: "eli@example.com" });
    await recomputeSegment(segmentId, { now: () => NOON });
    expect(await d.members(segmentId)).toEqual(["dora", "eli"]);

    await unsubscribe(signLink("unsubscribe", dora), "link", () => NOON);
    expect(await d.members(segmentId)).toEqual(["eli"]);
    await savePreferences(signLink("preferences", dora), { email: true }, () => NOON);
    expect(await d.members(segmentId)).toEqual(["dora", "eli"]);

    // Dora opted in on the page; Eli never did. Requiring opt-in leaves only Dora: a recompute, in this process
    // since no Inngest is configured here (tests otherwise keep background work off).
    const background = process.env.CAIRN_BACKGROUND_JOBS;
    process.env.CAIRN_BACKGROUND_JOBS = "on";
    try {
      await savePolicy(s.owner, { requireOptIn: ["email"] });
      await eventually(async () => (await d.members(segmentId)).join() === "dora", 15_000, "the recompute to drop eli");
      // saving the same rule again starts nothing new
      await savePolicy(s.owner, { requireOptIn: ["email"] });
    } finally {
      process.env.CAIRN_BACKGROUND_JOBS = background;
    }
    expect(await d.members(segmentId)).toEqual(["dora"]);
  });
});
