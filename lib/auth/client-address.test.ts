import { describe, expect, it } from "vitest";
import { appendPeerAddress, parseTrustedProxies } from "./client-address";
import { clientIp } from "./next-auth-options";

const none = parseTrustedProxies(undefined);

describe("the sign-in client address", () => {
  it("without trusted proxies uses the right-most x-forwarded-for entry (the peer Cairn's server appends), never the left-most", () => {
    expect(clientIp({ "x-forwarded-for": "203.0.113.9" }, none)).toBe("203.0.113.9");
    // A client that sends a made-up address does not get to pick its key: the server appends the peer.
    expect(clientIp({ "x-forwarded-for": appendPeerAddress("6.6.6.6", "203.0.113.9") }, none)).toBe("203.0.113.9");
    expect(
      clientIp(new Headers({ "x-forwarded-for": appendPeerAddress("6.6.6.6, 7.7.7.7", "::ffff:203.0.113.9") }), none),
    ).toBe("203.0.113.9");
  });

  it("the server appends the peer after what the client or earlier proxies wrote, as a proxy does", () => {
    expect(appendPeerAddress(undefined, "203.0.113.9")).toBe("203.0.113.9");
    expect(appendPeerAddress("6.6.6.6", "203.0.113.9")).toBe("6.6.6.6, 203.0.113.9");
    expect(appendPeerAddress(["6.6.6.6", "7.7.7.7"], "::1")).toBe("6.6.6.6,7.7.7.7, ::1");
    // A socket that has already gone has no address: one shared key, never the client's text.
    expect(clientIp({ "x-forwarded-for": appendPeerAddress("6.6.6.6", undefined) }, none)).toBe("unknown");
  });

  it("never believes x-real-ip, and maps what is not an address to one shared key", () => {
    expect(clientIp({ "x-real-ip": "6.6.6.6" }, none)).toBe("unknown");
    expect(clientIp({ "x-forwarded-for": "not-an-address" }, none)).toBe("unknown");
    expect(clientIp({ "x-forwarded-for": "[::1]:3000" }, none)).toBe("::1");
    expect(clientIp({ "x-forwarded-for": "::ffff:127.0.0.1" }, none)).toBe("127.0.0.1");
  });

  it("with a hop count takes the entry the first trusted proxy appended, left of the peer", () => {
    const oneProxy = parseTrustedProxies("1");
    const twoProxies = parseTrustedProxies("2");
    // client → proxy 10.0.0.2 → Cairn: the proxy appends the client, Cairn appends the proxy
    expect(clientIp({ "x-forwarded-for": appendPeerAddress("6.6.6.6, 198.51.100.4", "10.0.0.2") }, oneProxy)).toBe(
      "198.51.100.4",
    );
    expect(
      clientIp({ "x-forwarded-for": appendPeerAddress("6.6.6.6, 198.51.100.4, 10.0.0.2", "10.0.0.3") }, twoProxies),
    ).toBe("198.51.100.4");
    expect(clientIp({ "x-forwarded-for": appendPeerAddress(undefined, "198.51.100.4") }, twoProxies)).toBe(
      "198.51.100.4",
    );
  });

  it("with a list of proxies skips trusted entries from the right", () => {
    const trusted = parseTrustedProxies("10.0.0.0/8, 192.168.1.4, fd00::/8");
    expect(clientIp({ "x-forwarded-for": "6.6.6.6, 198.51.100.4, 10.1.2.3, 192.168.1.4" }, trusted)).toBe(
      "198.51.100.4",
    );
    expect(clientIp({ "x-forwarded-for": "6.6.6.6, 198.51.100.4, fd12::1" }, trusted)).toBe("198.51.100.4");
    // Every entry trusted: the left-most is all there is.
    expect(clientIp({ "x-forwarded-for": "10.9.9.9, 10.0.0.1" }, trusted)).toBe("10.9.9.9");
  });

  it("refuses a malformed setting, naming the variable and the entry", () => {
    expect(() => parseTrustedProxies("10.0.0.0/33")).toThrow(/CAIRN_TRUSTED_PROXIES: "10.0.0.0\/33"/);
    expect(() => parseTrustedProxies("proxy.internal")).toThrow(/CAIRN_TRUSTED_PROXIES/);
    expect(parseTrustedProxies("none")).toEqual({ kind: "none" });
  });
});
