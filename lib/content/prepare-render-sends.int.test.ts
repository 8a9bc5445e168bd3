import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendBroadcastBatch } from "../broadcasts/send/send-batch";
import { EMAIL_CONTENT, sendFixture, statuses, testClock } from "../broadcasts/send/send-test-fixtures";
import { db } from "../db/client";
import { deliverMessage } from "../messaging/delivery";
import { closeSmtpTransports } from "../messaging/providers/smtp";
import { withEmbeddedOutbox } from "../testing/embedded-outbox";
import { startSmtpSink, type SmtpSink } from "../testing/local-provider-servers";
import { messageRow, queueFor, setup } from "../testing/messaging-fixtures";
import { clearConnectedCache } from "./connected-content/fetch-connected";
import { sourceHash } from "./locales/translations";
import { forgetWorkspaceLocales } from "./locales/workspace-locales";

withEmbeddedOutbox();

let sink: SmtpSink;
let api: http.Server;
let base: string;
let calls = 0;
beforeAll(async () => {
  sink = await startSmtpSink();
  api = http.createServer((req, res) => {
    calls++;
    if (req.url!.startsWith("/down")) {
      res.statusCode = 503;
      res.end();
      return;
    }
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ offer: `10% off for ${new URL(req.url!, "http://x").searchParams.get("u")}` }));
  });
  await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});
afterAll(async () => {
  closeSmtpTransports();
  await sink.close();
  api.closeAllConnections();
  await new Promise((resolve) => api.close(resolve));
});

describe("prepareRender on the send paths", () => {
  it("a broadcast batch sends each person their language, rendered per language group, with the trace stored", async () => {
    const content = {
      ...EMAIL_CONTENT,
      translations: {
        de: {
          fields: { subject: "Hallo {{ profile.traits.first_name }}" },
          sourceHash: sourceHash("email", EMAIL_CONTENT),
          updatedAt: "",
        },
        fr: { fields: { subject: "Bonjour {{ profile.traits.first_name }}" }, sourceHash: "old", updatedAt: "" },
      },
    };
    const f = await sendFixture({
      smtpPort: sink.port,
      content,
      people: [
        { email: "a@example.com", traits: { first_name: "Anna", locale: "de-AT" } },
        { email: "b@example.com", traits: { first_name: "Ben" } },
        { email: "c@example.com", traits: { first_name: "Chloé", locale: "fr_CA" } },
        { email: "d@example.com", traits: { first_name: "Dirk", locale: "de" } },
      ],
    });
    forgetWorkspaceLocales(f.workspaceId);
    const outcome = await sendBroadcastBatch(f.broadcastId, testClock(), { limit: 10 });
    expect(outcome).toMatchObject({ claimed: 4, sent: 4, failed: 0 });
    const sent = await Promise.all(f.messageIds.map((id) => db().message.findUniqueOrThrow({ where: { id } })));
    expect(sent.map((m) => (m.content as { subject: string }).subject)).toEqual([
      "Hallo Anna",
      "Hello Ben",
      "Bonjour Chloé",
      "Hallo Dirk",
    ]);
    expect((sent[2].content as { renderTrace: unknown }).renderTrace).toEqual({
      locale: { used: "fr", requested: "fr-CA", source: "trait", chain: ["fr-CA", "fr", "en"], stale: true },
    });
    expect(sink.received.find((m) => m.envelope.to.includes("a@example.com"))?.parsed.subject).toBe("Hallo Anna");
  });

  it("a broadcast of a template without translations stores no trace", async () => {
    const f = await sendFixture({ smtpPort: sink.port, people: 2 });
    await sendBroadcastBatch(f.broadcastId, testClock(), { limit: 10 });
    expect(await statuses(f.broadcastId)).toEqual({ SENT: 2 });
    const m = await db().message.findUniqueOrThrow({ where: { id: f.messageIds[0] } });
    expect((m.content as Record<string, unknown>).renderTrace).toBeUndefined();
  });

  it("delivery fetches connected content before the render; a required fetch that fails fails the message", async () => {
    clearConnectedCache();
    const s = await setup({
      subject: "An offer",
      html: `{% connected_content "${base}/offer?u={{ profile.userId }}" as deal cache: 0 %}<p>{{ deal.offer | default: "No offer" }}</p>`,
    });
    const ok = await queueFor(s, "ada", { email: "ada@example.com" });
    expect(await deliverMessage(ok, s.driver.clock)).toMatchObject({ outcome: "sent" });
    const sent = (await messageRow(ok)).content as { html: string; renderTrace: { connectedContent: unknown[] } };
    expect(sent.html).toContain("10% off for ada");
    expect(sent.renderTrace.connectedContent).toEqual([
      { name: "deal", url: `${base}/offer?u=…`, status: 200, ms: expect.any(Number), cacheHit: false, ok: true },
    ]);

    const required = await setup({
      subject: "An offer",
      html: `{% connected_content "${base}/down" as deal required %}<p>{{ deal.offer }}</p>`,
    });
    const id = await queueFor(required, "bob", { email: "bob@example.com" });
    const before = calls;
    expect(await deliverMessage(id, required.driver.clock)).toEqual({
      outcome: "failed",
      reason: `Connected content "deal" is required and failed (${base}/down: answered 503)`,
    });
    expect(calls).toBe(before + 1);
    expect((await messageRow(id)).status).toBe("FAILED");
  });
});
