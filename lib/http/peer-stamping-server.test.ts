import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientIp } from "../auth/next-auth-options";
import { parseTrustedProxies } from "../auth/client-address";
import { createPeerStampingServer } from "./peer-stamping-server";

describe("Cairn's web server in front of Next", () => {
  const server = createPeerStampingServer((req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ forwardedFor: req.headers["x-forwarded-for"] }));
  });
  let origin = "";
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("appends the peer to a forged x-forwarded-for, so a direct client cannot choose its sign-in key", async () => {
    const forged = await fetch(origin, { headers: { "x-forwarded-for": "198.51.100.7, 203.0.113.1" } }).then(
      (r) => r.json() as Promise<{ forwardedFor: string }>,
    );
    expect(forged.forwardedFor).toBe("198.51.100.7, 203.0.113.1, 127.0.0.1");
    expect(clientIp({ "x-forwarded-for": forged.forwardedFor }, parseTrustedProxies(undefined))).toBe("127.0.0.1");

    const plain = await fetch(origin).then((r) => r.json() as Promise<{ forwardedFor: string }>);
    expect(plain.forwardedFor).toBe("127.0.0.1");
  });

  it("with a trusted proxy on loopback, the client is the address that proxy appended", async () => {
    const viaProxy = await fetch(origin, { headers: { "x-forwarded-for": "6.6.6.6, 198.51.100.4" } }).then(
      (r) => r.json() as Promise<{ forwardedFor: string }>,
    );
    expect(clientIp({ "x-forwarded-for": viaProxy.forwardedFor }, parseTrustedProxies("127.0.0.1"))).toBe(
      "198.51.100.4",
    );
    expect(clientIp({ "x-forwarded-for": viaProxy.forwardedFor }, parseTrustedProxies("1"))).toBe("198.51.100.4");
  });
});
