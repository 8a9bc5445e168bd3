import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../testing/free-port";
import { allowLoopbackOutbound } from "../../testing/outbound-allow";
import { startTwilioServer, twilioSignature, type TwilioServer } from "../../testing/local-provider-servers";
import { sendSms } from "./sms-twilio";
import { ProviderError } from "./types";

async function sendError(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

allowLoopbackOutbound();

describe("sendSms", () => {
  let twilio: TwilioServer;
  beforeAll(async () => {
    twilio = await startTwilioServer();
  });
  afterAll(async () => {
    await twilio.close();
  });

  it("posts To/From/Body/StatusCallback form-encoded with Basic auth and the idempotency token, and returns the SID", async () => {
    const config = twilio.config({
      from: "+15005550006",
      statusCallbackUrl: "https://cairn.example/api/webhooks/twilio/status",
    });
    const result = await sendSms(
      config,
      { to: "+14155550100", body: "Your code is 123456 & it expires soon" },
      { idempotencyKey: "msg_sms_1", timeoutMs: 5_000 },
    );

    const [request] = await twilio.waitFor(1);
    expect(result.providerMessageId).toBe(request.sid);
    expect(result.providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);
    expect(result.response).toBe(`201 queued ${request.sid}`);
    expect(request.form).toEqual({
      To: "+14155550100",
      From: "+15005550006",
      Body: "Your code is 123456 & it expires soon",
      StatusCallback: "https://cairn.example/api/webhooks/twilio/status",
    });
    expect(request.auth).toEqual({ user: twilio.accountSid, password: twilio.authToken });
    expect(request.idempotencyToken).toBe("msg_sms_1");
    expect(request.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/);
  });

  it("sends from a Messaging Service when `from` is an MG SID", async () => {
    const messagingService = `MG${"ab".repeat(16)}`;
    const result = await sendSms(
      twilio.config({ from: messagingService }),
      { to: "+14155550101", body: "hi" },
      { idempotencyKey: "msg_sms_mg" },
    );
    const request = twilio.received.find((r) => r.sid === result.providerMessageId)!;
    expect(request.form).toEqual({ To: "+14155550101", MessagingServiceSid: messagingService, Body: "hi" });
  });

  it("429 and 500 are retryable", async () => {
    twilio.failNext(1, 429);
    twilio.failNext(1, 500);
    const tooMany = await sendError(
      sendSms(twilio.config(), { to: "+14155550102", body: "x" }, { idempotencyKey: "k429" }),
    );
    expect(tooMany).toMatchObject({ retryable: true, permanentAddressFailure: false, providerCode: "20429" });
    expect(tooMany.message).toBe("Twilio 429 (error 20429): Too Many Requests");
    const serverError = await sendError(
      sendSms(twilio.config(), { to: "+14155550102", body: "x" }, { idempotencyKey: "k500" }),
    );
    expect(serverError).toMatchObject({ retryable: true, permanentAddressFailure: false, providerCode: "20500" });
  });

  it("400 21211 (invalid To) is permanent and a dead address", async () => {
    const error = await sendError(
      sendSms(twilio.config(), { to: "555-0100", body: "x" }, { idempotencyKey: "k21211" }),
    );
    expect(error).toMatchObject({ retryable: false, permanentAddressFailure: true, providerCode: "21211" });
    expect(error.message).toBe("Twilio 400 (error 21211): Invalid 'To' Phone Number: 555-0100");
  });

  it("21610 (unsubscribed) is a dead address; other 4xx (bad credentials) are permanent but not the address's fault", async () => {
    twilio.rejectRecipient("+14155550199", 21610);
    await expect(
      sendError(sendSms(twilio.config(), { to: "+14155550199", body: "x" }, { idempotencyKey: "k21610" })),
    ).resolves.toMatchObject({
      retryable: false,
      permanentAddressFailure: true,
      providerCode: "21610",
    });
    const unauthorized = await sendError(
      sendSms(twilio.config({ authToken: "wrong" }), { to: "+14155550100", body: "x" }, { idempotencyKey: "k401" }),
    );
    expect(unauthorized).toMatchObject({ retryable: false, permanentAddressFailure: false, providerCode: "20003" });
  });

  it("a request that gets no answer in time is a retryable timeout", async () => {
    twilio.stallNext(1);
    const started = Date.now();
    const error = await sendError(
      sendSms(twilio.config(), { to: "+14155550100", body: "x" }, { idempotencyKey: "kslow", timeoutMs: 300 }),
    );
    expect(error).toMatchObject({ retryable: true, providerCode: "ETIMEDOUT" });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("signs status callbacks the way Twilio does", async () => {
    const posts: Array<{ body: string; signature: string | undefined }> = [];
    const receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        posts.push({
          body: Buffer.concat(chunks).toString(),
          signature: req.headers["x-twilio-signature"] as string | undefined,
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/status`;
    try {
      const result = await sendSms(
        twilio.config({ statusCallbackUrl: callbackUrl }),
        { to: "+14155550100", body: "x" },
        { idempotencyKey: "kcb" },
      );
      await expect(twilio.sendStatusCallback(result.providerMessageId!, "delivered")).resolves.toEqual({
        status: 204,
        body: "",
      });
      const params = Object.fromEntries(new URLSearchParams(posts[0].body));
      expect(params).toMatchObject({
        MessageSid: result.providerMessageId,
        MessageStatus: "delivered",
        To: "+14155550100",
        AccountSid: twilio.accountSid,
      });
      expect(posts[0].signature).toBe(twilioSignature(twilio.authToken, callbackUrl, params));
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});

describe("sendSms without a server", () => {
  it("a network error (connection refused) is retryable", async () => {
    const port = await freePort();
    const error = await sendError(
      sendSms(
        { baseUrl: `http://127.0.0.1:${port}`, accountSid: "AC1", authToken: "t", from: "+15005550006" },
        { to: "+14155550100", body: "x" },
        { idempotencyKey: "kdown", timeoutMs: 2_000 },
      ),
    );
    expect(error).toMatchObject({ retryable: true, permanentAddressFailure: false, providerCode: "ECONNREFUSED" });
  });
});

describe("sendSms through the outbound guard", () => {
  let twilio: TwilioServer;
  beforeAll(async () => {
    twilio = await startTwilioServer();
  });
  afterAll(async () => {
    await twilio.close();
  });

  it("goes through the outbound guard: a loopback base URL without the operator's exception, or a name that resolves to a private address, is refused and nothing is sent", async () => {
    const before = twilio.received.length + twilio.rejected.length;
    const loopback = await sendError(
      sendSms(twilio.config(), { to: "+14155550100", body: "x" }, { idempotencyKey: "k-guard-1", allow: "" }),
    );
    expect(loopback).toMatchObject({ retryable: false, providerCode: "EOUTBOUND_BLOCKED" });
    expect(loopback.message).toBe(
      "Twilio was not called: the address 127.0.0.1 is loopback; an operator can allow it with CAIRN_OUTBOUND_ALLOW",
    );
    const mapped = await sendError(
      sendSms(
        twilio.config({ baseUrl: `http://[::ffff:127.0.0.1]:${twilio.port}` }),
        { to: "+14155550100", body: "x" },
        { idempotencyKey: "k-guard-2", allow: "" },
      ),
    );
    expect(mapped.providerCode).toBe("EOUTBOUND_BLOCKED");
    const rebound = await sendError(
      sendSms(
        twilio.config({ baseUrl: `http://rebind.test:${twilio.port}` }),
        { to: "+14155550100", body: "x" },
        { idempotencyKey: "k-guard-3", allow: "", resolver: async () => [{ address: "10.0.0.1", family: 4 }] },
      ),
    );
    expect(rebound.message).toBe(
      "Twilio was not called: the address 10.0.0.1 of rebind.test is private; an operator can allow it with CAIRN_OUTBOUND_ALLOW",
    );
    expect(twilio.received.length + twilio.rejected.length).toBe(before);
  });

  it("does not follow a redirect and shows only a short, printable, secret-free part of an error body", async () => {
    const target = await freePort();
    const odd = http.createServer((req, res) => {
      if (req.url?.includes("/Accounts/ACredirect")) {
        res.writeHead(307, { location: `http://127.0.0.1:${target}/2010-04-01/Accounts/ACredirect/Messages.json` });
        return void res.end();
      }
      res.writeHead(400, { "content-type": "text/plain" });
      res.end(`upstream said:\r\n${req.headers.authorization}\u0000 ${"z".repeat(5_000)}`);
    });
    await new Promise<void>((resolve) => odd.listen(0, "127.0.0.1", resolve));
    try {
      const base = `http://127.0.0.1:${(odd.address() as AddressInfo).port}`;
      const redirected = await sendError(
        sendSms(
          { baseUrl: base, accountSid: "ACredirect", authToken: "tok-redirect", from: "+15005550006" },
          { to: "+14155550100", body: "x" },
          { idempotencyKey: "k-redirect" },
        ),
      );
      expect(redirected).toMatchObject({ retryable: false, providerCode: "307" });
      const error = await sendError(
        sendSms(
          { baseUrl: base, accountSid: "ACsecret", authToken: "tok-secret-123", from: "+15005550006" },
          { to: "+14155550100", body: "x" },
          { idempotencyKey: "k-echo" },
        ),
      );
      expect(error.message.length).toBeLessThanOrEqual("Twilio 400: ".length + 201);
      expect(error.message).not.toMatch(/tok-secret-123|[\r\n\u0000]/);
      expect(error.message).not.toContain(Buffer.from("ACsecret:tok-secret-123").toString("base64"));
      expect(error.message).toMatch(/^Twilio 400: upstream said: Basic \[redacted\] z+…$/);
    } finally {
      await new Promise<void>((resolve) => odd.close(() => resolve()));
    }
  });
});
