import crypto from "node:crypto";
import webpush from "web-push";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPushService, type PushService } from "../../testing/local-provider-servers";
import { allowLoopbackOutbound } from "../../testing/outbound-allow";
import { ProviderError, pushCollapseKey, type PushMessage, type WebPushConfig } from "./types";
import { sendWebPush } from "./web-push";

async function sendError(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

/** A browser's side of a subscription: a P-256 key pair (p256dh is its public key) and a 16-byte auth secret. */
function browserKeys() {
  const ecdh = crypto.createECDH("prime256v1");
  ecdh.generateKeys();
  return { privateKey: ecdh.getPrivateKey(), authSecret: crypto.randomBytes(16), publicKey: ecdh.getPublicKey() };
}

/** Verify an ES256 JWT against a VAPID public key (65-byte uncompressed point, base64url); return its claims. */
function verifyVapidJwt(jwt: string, vapidPublicKey: string): Record<string, unknown> {
  const [header, claims, signature] = jwt.split(".");
  expect(JSON.parse(Buffer.from(header, "base64url").toString())).toMatchObject({ alg: "ES256", typ: "JWT" });
  const point = Buffer.from(vapidPublicKey, "base64url");
  const key = crypto.createPublicKey({
    key: {
      kty: "EC",
      crv: "P-256",
      x: point.subarray(1, 33).toString("base64url"),
      y: point.subarray(33).toString("base64url"),
    },
    format: "jwk",
  });
  const valid = crypto.verify(
    "sha256",
    Buffer.from(`${header}.${claims}`),
    { key, dsaEncoding: "ieee-p1363" },
    Buffer.from(signature, "base64url"),
  );
  expect(valid).toBe(true);
  return JSON.parse(Buffer.from(claims, "base64url").toString());
}

const message: PushMessage = {
  title: "Your cart misses you",
  body: "Come back for 10% off",
  deepLink: "https://shop.example/cart?utm_source=cairn",
  imageUrl: "https://shop.example/cart.png",
  data: { journeyId: "j1" },
};

allowLoopbackOutbound();

describe("sendWebPush", () => {
  let service: PushService;
  let config: WebPushConfig;
  beforeAll(async () => {
    service = await startPushService();
    const keys = webpush.generateVAPIDKeys();
    config = { vapidPublicKey: keys.publicKey, vapidPrivateKey: keys.privateKey, subject: "mailto:ops@cairn.example" };
  });
  afterAll(async () => {
    await service.close();
  });

  it("delivers an aes128gcm-encrypted payload with a VAPID JWT for the endpoint's origin", async () => {
    const keys = browserKeys();
    const subscription = service.subscribe({ applicationServerKey: config.vapidPublicKey, browserKeys: keys });
    expect(subscription.keys.p256dh).toBe(keys.publicKey.toString("base64url"));

    const result = await sendWebPush(config, { endpoint: subscription.endpoint, keys: subscription.keys }, message, {
      idempotencyKey: "msg_push_1",
      timeoutMs: 5_000,
    });

    const [push] = await service.waitFor(1);
    expect(result).toEqual({ providerMessageId: `${service.origin}/message/${push.id}`, response: "201 Created" });
    expect(push.endpoint).toBe(subscription.endpoint);
    expect(push.contentEncoding).toBe("aes128gcm");
    expect(push.headers["content-type"]).toBe("application/octet-stream");
    expect(push.ttl).toBe(86_400);
    expect(push.body.length).toBeGreaterThan(86); // salt, record size, key id, at least a tag: not plain text
    expect(push.body.toString("utf8")).not.toContain("Your cart");

    const auth = /^vapid t=([^,]+), k=(.+)$/.exec(push.headers.authorization!);
    expect(auth).not.toBeNull();
    expect(auth![2]).toBe(config.vapidPublicKey);
    const claims = verifyVapidJwt(auth![1], config.vapidPublicKey);
    expect(claims.aud).toBe(new URL(subscription.endpoint).origin);
    expect(claims.sub).toBe("mailto:ops@cairn.example");
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000);
    expect(claims.exp).toBeLessThanOrEqual(Date.now() / 1000 + 24 * 3600);

    // what the browser's service worker gets
    expect(JSON.parse(push.payload!)).toEqual({
      title: "Your cart misses you",
      body: "Come back for 10% off",
      url: "https://shop.example/cart?utm_source=cairn",
      image: "https://shop.example/cart.png",
      data: { journeyId: "j1" },
    });
  });

  it("sends a Topic derived from the idempotency key (the same on every attempt), so a retried send replaces the first one instead of showing twice", async () => {
    const subscription = service.subscribe();
    const before = service.received.length;
    service.failNext(1, 503);
    await sendError(sendWebPush(config, subscription, message, { idempotencyKey: "msg_push_topic" }));
    await sendWebPush(config, subscription, message, { idempotencyKey: "msg_push_topic" });
    await sendWebPush(config, subscription, message, { idempotencyKey: "msg_push_topic_2" });
    const [retried, other] = service.received.slice(before).map((push) => push.topic);
    // RFC 8030 §5.4: at most 32 characters of the URL-safe base64 alphabet
    expect(retried).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
    expect(retried).toBe(pushCollapseKey("msg_push_topic"));
    expect(other).toBe(pushCollapseKey("msg_push_topic_2"));
    expect(other).not.toBe(retried);
  });

  it("410 (subscription gone) is a permanent address failure", async () => {
    const subscription = service.subscribe();
    service.expire(subscription.endpoint);
    const error = await sendError(sendWebPush(config, subscription, message, { idempotencyKey: "msg_push_410" }));
    expect(error).toMatchObject({ retryable: false, permanentAddressFailure: true, providerCode: "410" });
  });

  it("503 and 429 are retryable", async () => {
    const subscription = service.subscribe();
    service.failNext(1, 503);
    service.failNext(1, 429);
    await expect(
      sendError(sendWebPush(config, subscription, message, { idempotencyKey: "msg_push_503" })),
    ).resolves.toMatchObject({ retryable: true, permanentAddressFailure: false, providerCode: "503" });
    await expect(
      sendError(sendWebPush(config, subscription, message, { idempotencyKey: "msg_push_429" })),
    ).resolves.toMatchObject({ retryable: true, permanentAddressFailure: false, providerCode: "429" });
    await expect(sendWebPush(config, subscription, message, { idempotencyKey: "msg_push_503" })).resolves.toMatchObject(
      { response: "201 Created" },
    );
  });

  it("a push signed with another VAPID key than the subscription's is refused (403), permanently but not as a dead address", async () => {
    const subscription = service.subscribe({ applicationServerKey: webpush.generateVAPIDKeys().publicKey });
    const error = await sendError(sendWebPush(config, subscription, message, { idempotencyKey: "msg_push_403" }));
    expect(error).toMatchObject({ retryable: false, permanentAddressFailure: false, providerCode: "403" });
  });

  it("a malformed subscription is a dead address, found before any request", async () => {
    const subscription = service.subscribe();
    const before = service.rejected.length + service.received.length;
    const error = await sendError(
      sendWebPush(config, { ...subscription, keys: { ...subscription.keys, p256dh: "AAAA" } }, message, {
        idempotencyKey: "msg_push_bad",
      }),
    );
    expect(error).toMatchObject({
      retryable: false,
      permanentAddressFailure: true,
      providerCode: "INVALID_SUBSCRIPTION",
    });
    const plainHttp = await sendError(
      sendWebPush(config, { ...subscription, endpoint: "http://push.example.com/x" }, message, {
        idempotencyKey: "msg_push_http",
      }),
    );
    expect(plainHttp).toMatchObject({ permanentAddressFailure: true, providerCode: "INVALID_SUBSCRIPTION" });
    expect(service.rejected.length + service.received.length).toBe(before);
  });

  it("a push service that does not answer in time is a retryable timeout", async () => {
    const subscription = service.subscribe();
    service.stallNext(1);
    await expect(
      sendError(sendWebPush(config, subscription, message, { idempotencyKey: "msg_push_slow", timeoutMs: 300 })),
    ).resolves.toMatchObject({ retryable: true, providerCode: "ETIMEDOUT" });
  });

  it("an endpoint the outbound guard refuses (loopback without the operator's exception, a private address, metadata) is a dead subscription, and nothing is sent", async () => {
    const subscription = service.subscribe();
    const before = service.rejected.length + service.received.length;
    const loopback = await sendError(
      sendWebPush(config, subscription, message, { idempotencyKey: "msg_push_guard", allow: "" }),
    );
    expect(loopback).toMatchObject({
      retryable: false,
      permanentAddressFailure: true,
      providerCode: "EOUTBOUND_BLOCKED",
    });
    expect(loopback.message).toBe(
      "The push service was not called: the address 127.0.0.1 is loopback; an operator can allow it with CAIRN_OUTBOUND_ALLOW",
    );
    const path = new URL(subscription.endpoint).pathname;
    for (const endpoint of [
      `https://169.254.169.254${path}`,
      `https://[fd00:ec2::254]${path}`,
      `https://[::ffff:10.1.2.3]${path}`,
    ]) {
      await expect(
        sendError(sendWebPush(config, { ...subscription, endpoint }, message, { idempotencyKey: "msg_push_guard2" })),
        endpoint,
      ).resolves.toMatchObject({ permanentAddressFailure: true, providerCode: "EOUTBOUND_BLOCKED" });
    }
    const rebound = await sendError(
      sendWebPush(config, { ...subscription, endpoint: `https://push.rebind.test${path}` }, message, {
        idempotencyKey: "msg_push_guard3",
        resolver: async () => [{ address: "100.64.1.1", family: 4 }],
      }),
    );
    expect(rebound.message).toBe(
      "The push service was not called: the address 100.64.1.1 of push.rebind.test is carrier-grade NAT; an operator can allow it with CAIRN_OUTBOUND_ALLOW",
    );
    expect(service.rejected.length + service.received.length).toBe(before);
  });
});
