import crypto from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFcmServer, type FcmServer } from "../../testing/local-provider-servers";
import { allowLoopbackOutbound } from "../../testing/outbound-allow";
import { clearFcmTokenCache, sendFcm } from "./fcm";
import { ProviderError, pushCollapseKey, type FcmConfig, type PushMessage } from "./types";

async function sendError(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

const message: PushMessage = {
  title: "Back in stock",
  body: "The blue mug is back",
  deepLink: "https://shop.example/p/blue-mug",
  imageUrl: "https://shop.example/blue-mug.png",
  data: { productId: "42" },
};
const TOKEN = "fcm-device-token:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx";

allowLoopbackOutbound();

describe("sendFcm", () => {
  const keys = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const privateKeyPem = keys.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  let fcm: FcmServer;
  let config: FcmConfig;
  beforeAll(async () => {
    fcm = await startFcmServer({ publicKey: keys.publicKey });
    config = fcm.config(privateKeyPem);
  });
  afterEach(() => {
    clearFcmTokenCache();
  });
  afterAll(async () => {
    await fcm.close();
  });

  it("gets an access token once with a signed service-account JWT, reuses it for the next send, and posts the message", async () => {
    const first = await sendFcm(config, TOKEN, message, { idempotencyKey: "msg_fcm_1", timeoutMs: 5_000 });
    const second = await sendFcm(
      config,
      TOKEN,
      { title: "Hi", body: "Plain" },
      { idempotencyKey: "msg_fcm_2", timeoutMs: 5_000 },
    );

    // one token request: the server verified its RS256 signature against the test's public key
    expect(fcm.tokenRequests).toHaveLength(1);
    const { claims, accessToken } = fcm.tokenRequests[0];
    const now = Math.floor(Date.now() / 1000);
    expect(claims).toMatchObject({
      iss: fcm.clientEmail,
      scope: "https://www.googleapis.com/auth/firebase.messaging",
      aud: fcm.tokenUrl,
    });
    expect(claims.exp).toBe((claims.iat as number) + 3600);
    expect(Math.abs((claims.iat as number) - now)).toBeLessThan(10);

    expect(fcm.received.map((send) => send.accessToken)).toEqual([accessToken, accessToken]);
    expect(first.providerMessageId).toBe(fcm.received[0].name);
    expect(first.providerMessageId).toMatch(/^projects\/cairn-test\/messages\/0:\d+$/);
    expect(second.providerMessageId).toBe(fcm.received[1].name);
    const collapse1 = pushCollapseKey("msg_fcm_1");
    expect(fcm.received[0].message).toEqual({
      token: TOKEN,
      notification: {
        title: "Back in stock",
        body: "The blue mug is back",
        image: "https://shop.example/blue-mug.png",
      },
      data: { productId: "42", link: "https://shop.example/p/blue-mug" },
      android: { collapse_key: collapse1 },
      webpush: { headers: { Topic: collapse1 }, fcm_options: { link: "https://shop.example/p/blue-mug" } },
      apns: {
        headers: { "apns-collapse-id": collapse1 },
        payload: { aps: { "mutable-content": 1 } },
        fcm_options: { image: "https://shop.example/blue-mug.png" },
      },
    });
    const collapse2 = pushCollapseKey("msg_fcm_2");
    expect(fcm.received[1].message).toEqual({
      token: TOKEN,
      notification: { title: "Hi", body: "Plain" },
      android: { collapse_key: collapse2 },
      webpush: { headers: { Topic: collapse2 } },
      apns: { headers: { "apns-collapse-id": collapse2 } },
    });
  });

  it("a retried send carries the same collapse keys (derived from the idempotency key), so the device shows it once", async () => {
    fcm.failNext(1, 503);
    await sendError(sendFcm(config, TOKEN, message, { idempotencyKey: "msg_fcm_retry" }));
    await sendFcm(config, TOKEN, message, { idempotencyKey: "msg_fcm_retry" });
    await sendFcm(config, TOKEN, message, { idempotencyKey: "msg_fcm_other" });
    const keysOf = (m: Record<string, unknown>) => {
      const { android, apns, webpush } = m as {
        android: { collapse_key: string };
        apns: { headers: Record<string, string> };
        webpush: { headers: Record<string, string> };
      };
      return [android.collapse_key, apns.headers["apns-collapse-id"], webpush.headers.Topic];
    };
    const [retried, other] = fcm.received.slice(-2).map((r) => keysOf(r.message));
    const key = pushCollapseKey("msg_fcm_retry");
    expect(retried).toEqual([key, key, key]);
    expect(key).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(other[0]).not.toBe(key);
  });

  it("the JWT is signed with the service account's key: another key is refused at the token endpoint (permanent)", async () => {
    const other = crypto
      .generateKeyPairSync("rsa", { modulusLength: 2048 })
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString();
    const error = await sendError(sendFcm(fcm.config(other), TOKEN, message, { idempotencyKey: "msg_fcm_key" }));
    expect(error).toMatchObject({ retryable: false, permanentAddressFailure: false, providerCode: "invalid_grant" });
    expect(error.message).toMatch(/Invalid JWT Signature/);
  });

  it("UNREGISTERED is a permanent address failure", async () => {
    fcm.unregister("uninstalled-app-token-123");
    const error = await sendError(
      sendFcm(config, "uninstalled-app-token-123", message, { idempotencyKey: "msg_fcm_unreg" }),
    );
    expect(error).toMatchObject({ retryable: false, permanentAddressFailure: true, providerCode: "UNREGISTERED" });
  });

  it("INVALID_ARGUMENT about the registration token is a permanent address failure", async () => {
    const error = await sendError(sendFcm(config, "not a token", message, { idempotencyKey: "msg_fcm_badtoken" }));
    expect(error).toMatchObject({ retryable: false, permanentAddressFailure: true, providerCode: "INVALID_ARGUMENT" });
  });

  it("503 UNAVAILABLE is retryable", async () => {
    fcm.failNext(1, 503);
    const error = await sendError(sendFcm(config, TOKEN, message, { idempotencyKey: "msg_fcm_503" }));
    expect(error).toMatchObject({ retryable: true, permanentAddressFailure: false, providerCode: "UNAVAILABLE" });
  });

  it("a 401 on the send fetches a new access token and the send is tried once more", async () => {
    await sendFcm(config, TOKEN, message, { idempotencyKey: "msg_fcm_warm" });
    const tokensBefore = fcm.tokenRequests.length;
    const sendsBefore = fcm.received.length;
    fcm.revokeAccessTokens();

    const result = await sendFcm(config, TOKEN, message, { idempotencyKey: "msg_fcm_401" });
    expect(fcm.tokenRequests).toHaveLength(tokensBefore + 1);
    expect(fcm.received).toHaveLength(sendsBefore + 1);
    expect(fcm.received.at(-1)!.accessToken).toBe(fcm.tokenRequests.at(-1)!.accessToken);
    expect(result.providerMessageId).toBe(fcm.received.at(-1)!.name);
    expect(fcm.rejected.at(-1)).toMatchObject({ status: 401 });
  });

  it("a second 401 in a row is permanent (no loop)", async () => {
    fcm.failNext(2, 401, { status: "UNAUTHENTICATED" });
    const tokensBefore = fcm.tokenRequests.length;
    const error = await sendError(sendFcm(config, TOKEN, message, { idempotencyKey: "msg_fcm_401x2" }));
    expect(error).toMatchObject({ retryable: false, providerCode: "UNAUTHENTICATED" });
    expect(fcm.tokenRequests).toHaveLength(tokensBefore + 2); // the first fetch, then one refresh
  });

  it("a token endpoint outage is retryable", async () => {
    fcm.failNextToken(1, 503);
    await expect(
      sendError(sendFcm(config, TOKEN, message, { idempotencyKey: "msg_fcm_token503" })),
    ).resolves.toMatchObject({ retryable: true });
  });

  it("no answer in time is a retryable timeout", async () => {
    fcm.stallNext(1);
    await expect(
      sendError(sendFcm(config, TOKEN, message, { idempotencyKey: "msg_fcm_slow", timeoutMs: 300 })),
    ).resolves.toMatchObject({ retryable: true, providerCode: "ETIMEDOUT" });
  });

  it("the token and API URLs go through the outbound guard: loopback without the operator's exception, or a name resolving to a private address, is refused before any request", async () => {
    const tokensBefore = fcm.tokenRequests.length;
    const sendsBefore = fcm.received.length;
    const blocked = await sendError(sendFcm(config, TOKEN, message, { idempotencyKey: "msg_fcm_guard", allow: "" }));
    expect(blocked).toMatchObject({ retryable: false, providerCode: "EOUTBOUND_BLOCKED" });
    expect(blocked.message).toBe(
      "The Google OAuth token endpoint was not called: the address 127.0.0.1 is loopback; an operator can allow it with CAIRN_OUTBOUND_ALLOW",
    );
    const port = new URL(fcm.tokenUrl).port;
    // the token endpoint allowed, the API URL a name that resolves to a private address
    const rebound = await sendError(
      sendFcm({ ...config, apiBaseUrl: `http://fcm.rebind.test:${port}` }, TOKEN, message, {
        idempotencyKey: "msg_fcm_guard2",
        allow: `127.0.0.1:${port}`,
        resolver: async () => [{ address: "192.168.7.7", family: 4 }],
      }),
    );
    expect(rebound.message).toBe(
      "FCM was not called: the address 192.168.7.7 of fcm.rebind.test is private; an operator can allow it with CAIRN_OUTBOUND_ALLOW",
    );
    expect(fcm.received.length).toBe(sendsBefore);
    expect(fcm.tokenRequests.length).toBeLessThanOrEqual(tokensBefore + 1);
  });
});
