import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allowLoopbackOutbound } from "../testing/outbound-allow";
import { sendWebhookRequest, WebhookTimeoutError } from "./webhook-http";

allowLoopbackOutbound();

/** The webhook's HTTP request against a real local server: each way an answer can come back, or not. */
let server: Server;
let base: string;
const seen: { method?: string; headers: Record<string, unknown>; body: string }[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({ method: req.method, headers: req.headers, body });
      if (req.url === "/slow") return void setTimeout(() => res.end("late"), 500);
      if (req.url === "/big") return void res.end("x".repeat(10_000));
      if (req.url === "/moved") return void res.writeHead(302, { location: "/elsewhere" }).end();
      if (req.url === "/busy") return void res.writeHead(429, { "retry-after": "7" }).end("slow down");
      res.end(`echo ${body}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const send = (path: string, over: Partial<Parameters<typeof sendWebhookRequest>[1]> = {}) =>
  sendWebhookRequest(`${base}${path}`, {
    method: "POST",
    headers: { "x-test": "1" },
    body: '{"a":1}',
    timeoutMs: 2_000,
    keepBytes: 4096,
    ...over,
  });

describe("a webhook's HTTP request", () => {
  it("sends the method, headers and body, and returns the status and body", async () => {
    seen.length = 0;
    expect(await send("/hook")).toEqual({ status: 200, body: 'echo {"a":1}', retryAfter: undefined });
    expect(seen[0]).toMatchObject({
      method: "POST",
      headers: { "x-test": "1", "content-length": "7" },
      body: '{"a":1}',
    });
    expect(await send("/hook", { method: "GET", body: undefined })).toMatchObject({ status: 200, body: "echo " });
  });

  it("keeps only the first bytes of a long answer, does not follow redirects, and reads Retry-After", async () => {
    expect((await send("/big", { keepBytes: 100 })).body).toBe("x".repeat(100));
    expect(await send("/moved")).toMatchObject({ status: 302 });
    expect(await send("/busy")).toEqual({ status: 429, body: "slow down", retryAfter: "7" });
  });

  it("gives up after the timeout, and fails clearly on a refused connection or a bad URL", async () => {
    await expect(send("/slow", { timeoutMs: 100 })).rejects.toThrow(new WebhookTimeoutError(100));
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(
      sendWebhookRequest(`http://127.0.0.1:${port}/`, {
        method: "POST",
        headers: {},
        body: "",
        timeoutMs: 1_000,
        keepBytes: 10,
      }),
    ).rejects.toThrow(/ECONNREFUSED/);
    await expect(
      sendWebhookRequest("not a url", { method: "POST", headers: {}, body: "", timeoutMs: 1_000, keepBytes: 10 }),
    ).rejects.toThrow('invalid URL "not a url"');
    await expect(
      sendWebhookRequest("ftp://example.com/x", {
        method: "POST",
        headers: {},
        body: "",
        timeoutMs: 1_000,
        keepBytes: 10,
      }),
    ).rejects.toThrow("unsupported protocol ftp:");
  });

  it("goes through the outbound guard: loopback without the operator's exception is refused and nothing is sent", async () => {
    const before = seen.length;
    await expect(send("/hook", { allow: "" })).rejects.toThrow(
      /^the address 127\.0\.0\.1 is loopback; an operator can allow it with CAIRN_OUTBOUND_ALLOW$/,
    );
    await expect(
      send("/hook", { allow: "", resolver: async () => [{ address: "10.0.0.1", family: 4 }] }),
    ).rejects.toThrow(/the address 127\.0\.0\.1 is loopback/);
    await expect(
      sendWebhookRequest(`http://rebind.test:${new URL(base).port}/hook`, {
        method: "POST",
        headers: {},
        body: "",
        timeoutMs: 1_000,
        keepBytes: 10,
        allow: "",
        resolver: async () => [{ address: "10.0.0.1", family: 4 }],
      }),
    ).rejects.toThrow(
      "the address 10.0.0.1 of rebind.test is private; an operator can allow it with CAIRN_OUTBOUND_ALLOW",
    );
    await expect(
      sendWebhookRequest(`http://[::ffff:127.0.0.1]:${new URL(base).port}/hook`, {
        method: "POST",
        headers: {},
        body: "",
        timeoutMs: 1_000,
        keepBytes: 10,
        allow: "",
      }),
    ).rejects.toThrow(/is loopback/);
    expect(seen.length).toBe(before);
  });

  it("drops a Host header the step sets", async () => {
    seen.length = 0;
    await send("/hook", { headers: { Host: "169.254.169.254", Connection: "close, x-cairn-signature" } });
    expect(seen[0].headers.host).toBe(new URL(base).host);
  });
});
