import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebhookTimeoutError } from "../../engine/webhook-http";
import { verifyWebhookSignature, webhookSigningSecret } from "../../engine/webhook-signing";
import type { WebhookContent } from "../../messaging/liquid";
import { ProviderError } from "../../messaging/providers/types";
import { OutboundBlockedError } from "../../security/outbound";
import { allowLoopbackOutbound } from "../../testing/outbound-allow";
import { withWebhookReceiver } from "../../testing/webhook-receiver";
import {
  broadcastWebhookScope,
  describeAnswer,
  makeWebhookRequest,
  webhookBroadcastRequest,
  webhookProviderError,
} from "./webhook-send";

allowLoopbackOutbound();
const hooks = withWebhookReceiver();
// the signing secret derives from it (lib/engine/webhook-signing.ts)
const savedKey = process.env.CAIRN_ENCRYPTION_KEY;
beforeAll(() => {
  process.env.CAIRN_ENCRYPTION_KEY = "unit-tests-encryption-key";
});
afterAll(() => {
  if (savedKey === undefined) delete process.env.CAIRN_ENCRYPTION_KEY;
  else process.env.CAIRN_ENCRYPTION_KEY = savedKey;
});

const CONTENT: WebhookContent = {
  contentType: "json",
  body: '{"a": 1}',
  headers: { "X-Source": "template", Authorization: "from-template" },
};

describe("a webhook broadcast's request", () => {
  it("takes the template's content type and headers, the broadcast's headers winning whatever their case", () => {
    const built = webhookBroadcastRequest(
      { url: "https://crm.example/hook", method: "PATCH", headers: { authorization: "Bearer mine" } },
      CONTENT,
      { body: '{"a": 1}', "headers.X-Source": "template", "headers.Authorization": "from-template" },
    );
    expect(built).toEqual({
      ok: true,
      request: {
        url: "https://crm.example/hook",
        method: "PATCH",
        headers: { "content-type": "application/json", "X-Source": "template", authorization: "Bearer mine" },
        body: '{"a": 1}',
      },
    });
  });

  it("is not made when the body a person renders to is not JSON, or a header has a line break", () => {
    const settings = { url: "https://crm.example/hook", method: "POST" as const, headers: {} };
    const notJson = webhookBroadcastRequest(settings, CONTENT, { body: '{"a": }', "headers.X-Source": "t" });
    expect(notJson).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^Rendering failed: body: renders to something that is not JSON/),
    });
    const broken = webhookBroadcastRequest(settings, CONTENT, { body: "{}", "headers.X-Source": "a\r\nb" });
    expect(broken).toEqual({
      ok: false,
      reason: "Rendering failed: headers.X-Source: renders to a value with a line break",
    });
  });

  it("renders with the person and the broadcast; a broadcast has no event, journey or enrollment", () => {
    const scope = broadcastWebhookScope({ id: "b1", name: "Sync" }, "B", {
      id: "p1",
      userId: "u1",
      email: null,
      phone: null,
      timezone: null,
      traits: { plan: "pro" },
    });
    expect(scope).toEqual({
      profile: { id: "p1", userId: "u1", email: null, phone: null, timezone: null, traits: { plan: "pro" } },
      event: { id: null, name: "", properties: {}, timestamp: "" },
      journey: { id: "" },
      enrollment: { id: "" },
      broadcast: { id: "b1", name: "Sync", variant: "B" },
    });
  });
});

describe("a webhook broadcast's outcomes", () => {
  it("retries what may pass later, and never what the guard refused", () => {
    const refused = webhookProviderError(new OutboundBlockedError("the address 10.0.0.1 is private", "10.0.0.1", null));
    expect(refused).toMatchObject({
      retryable: false,
      message: "The URL is not allowed: the address 10.0.0.1 is private",
    });
    expect(webhookProviderError(new WebhookTimeoutError(10_000))).toMatchObject({
      retryable: true,
      message: "No answer within 10000 ms",
    });
    const refusedConnection = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9\nat x"), {
      code: "ECONNREFUSED",
    });
    expect(webhookProviderError(refusedConnection)).toMatchObject({
      retryable: true,
      providerCode: "ECONNREFUSED",
      message: "The request failed: connect ECONNREFUSED 127.0.0.1:9 at x",
    });
    const own = new ProviderError("as is", { retryable: false });
    expect(webhookProviderError(own)).toBe(own);
  });

  it("describes an answer by its status and start, control characters out", () => {
    expect(describeAnswer({ status: 503, body: "busy\r\n\ttry later" })).toBe("HTTP 503: busy try later");
    expect(describeAnswer({ status: 204, body: "" })).toBe("HTTP 204");
    expect(describeAnswer({ status: 400, body: "x".repeat(300) }, 10)).toBe(`HTTP 400: ${"x".repeat(10)}…`);
  });

  it("sends the message's Idempotency-Key and a valid signature, which configured headers cannot replace", async () => {
    const request = {
      url: `${hooks.url}/signed`,
      method: "POST",
      headers: { "Idempotency-Key": "theirs", "X-Cairn-Signature": "forged", "content-type": "application/json" },
      body: '{"ok": true}',
    };
    const response = await makeWebhookRequest("ws-1", "message-1", request, () => new Date());
    expect(response.status).toBe(200);
    const [received] = hooks.received.filter((r) => r.url === "/signed");
    expect(received.headers["idempotency-key"]).toBe("message-1");
    expect(
      verifyWebhookSignature(
        webhookSigningSecret("ws-1"),
        received.body,
        String(received.headers["x-cairn-signature"]),
        new Date(),
      ),
    ).toBe(true);
  });
});
